// Known-answer vectors for the fixed-size MS-FSCC classes.
// (1) Slices of Samba's FILE_ALL_INFORMATION reply: MS-FSCC 2.4.2 defines it as Basic, Standard,
//     Internal, Ea, Access, Position, Mode, Alignment and Name information back to back, so each slice
//     is a real server encoding of that class (test/vectors/samba-4.17.json).
// (2) Hand-laid from the MS-FSCC field tables (field by field, little-endian) for the classes neither
//     smbclient nor smbtorture made Samba send.
import { describe, expect, it } from "vitest";
import {
  decodeVar,
  encodeVar,
  FileAccessInformation,
  FileAlignmentInformation,
  FileAllocationInformation,
  FileAttributeTagInformation,
  FileBasicInformation,
  FileDirectoryInformation,
  FileDispositionInformation,
  FileDispositionInformationEx,
  FileEaInformation,
  FileEndOfFileInformation,
  FileFsControlInformation,
  FileFsDeviceInformation,
  FileFsFullSizeInformation,
  FileFsObjectIdInformation,
  FileFsSectorSizeInformation,
  FileFullDirectoryInformation,
  FileIdExtdDirectoryInformation,
  FileIdFullDirectoryInformation,
  FileInternalInformation,
  FileModeInformation,
  FileNameInformation,
  FileNamesInformation,
  FileNetworkOpenInformation,
  FilePositionInformation,
  FileStandardInformation,
  ReparseTag,
} from "../src/index.js";
import samba from "./vectors/samba-4.17.json";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const all = Buffer.from(samba.vectors["QUERY_INFO type 1 class 18"], "hex");

describe("FILE_ALL_INFORMATION members, sliced from Samba's reply", () => {
  const cases = [
    [FileBasicInformation, 0, 40],
    [FileStandardInformation, 40, 64],
    [FileInternalInformation, 64, 72],
    [FileEaInformation, 72, 76],
    [FileAccessInformation, 76, 80],
    [FilePositionInformation, 80, 88],
    [FileModeInformation, 88, 92],
    [FileAlignmentInformation, 92, 96],
    [FileNameInformation, 96, all.length],
  ] as const;
  it.each(cases)("%s", (s, from, to) => {
    const slice = all.subarray(from, to);
    // biome-ignore lint/suspicious/noExplicitAny: heterogeneous table of structs.
    const st = s as any;
    expect(st.encode(st.decode(slice)).equals(slice)).toBe(true);
  });
  it("carries hello.txt's values", () => {
    expect(FileStandardInformation.decode(all.subarray(40, 64))).toEqual({
      allocationSize: 4096n,
      endOfFile: 13n,
      numberOfLinks: 1,
      deletePending: false,
      directory: false,
    });
    expect(FileNameInformation.decode(all.subarray(96)).fileName).toBe("\\hello.txt");
    expect(FileAccessInformation.decode(all.subarray(76, 80)).accessFlags).toBe(0x80); // smbclient opened with FILE_READ_ATTRIBUTES
  });
});

describe("fixed classes hand-laid from the MS-FSCC tables", () => {
  const cases: [string, { encode(v: never): Buffer; decode(b: Buffer): unknown }, unknown, string][] = [
    [
      "2.4.29 FILE_NETWORK_OPEN_INFORMATION",
      FileNetworkOpenInformation,
      {
        creationTime: 1n,
        lastAccessTime: 2n,
        lastWriteTime: 3n,
        changeTime: 4n,
        allocationSize: 4096n,
        endOfFile: 5n,
        fileAttributes: 0x20,
      },
      "0100000000000000 0200000000000000 0300000000000000 0400000000000000 0010000000000000 0500000000000000 20000000 00000000",
    ],
    [
      "2.4.6 FILE_ATTRIBUTE_TAG_INFORMATION",
      FileAttributeTagInformation,
      { fileAttributes: 0x400, reparseTag: ReparseTag.IO_REPARSE_TAG_SYMLINK },
      "00040000 0c0000a0",
    ],
    ["2.4.11 FILE_DISPOSITION_INFORMATION", FileDispositionInformation, { deletePending: true }, "01"],
    ["2.4.12 FILE_DISPOSITION_INFORMATION_EX", FileDispositionInformationEx, { flags: 0x13 }, "13000000"],
    [
      "2.4.14 FILE_END_OF_FILE_INFORMATION",
      FileEndOfFileInformation,
      { endOfFile: 0x123456789n },
      "8967452301000000",
    ],
    [
      "2.4.4 FILE_ALLOCATION_INFORMATION",
      FileAllocationInformation,
      { allocationSize: 8192n },
      "0020000000000000",
    ],
    [
      "2.5.10 FILE_FS_DEVICE_INFORMATION",
      FileFsDeviceInformation,
      { deviceType: 7, characteristics: 0x20 },
      "07000000 20000000",
    ],
    [
      "2.5.4 FILE_FS_FULL_SIZE_INFORMATION",
      FileFsFullSizeInformation,
      {
        totalAllocationUnits: 1000n,
        callerAvailableAllocationUnits: 500n,
        actualAvailableAllocationUnits: 600n,
        sectorsPerAllocationUnit: 8,
        bytesPerSector: 512,
      },
      "e803000000000000 f401000000000000 5802000000000000 08000000 00020000",
    ],
    [
      "2.5.7 FILE_FS_SECTOR_SIZE_INFORMATION",
      FileFsSectorSizeInformation,
      {
        logicalBytesPerSector: 512,
        physicalBytesPerSectorForAtomicity: 4096,
        physicalBytesPerSectorForPerformance: 4096,
        fileSystemEffectivePhysicalBytesPerSectorForAtomicity: 4096,
        flags: 3,
        byteOffsetForSectorAlignment: 0,
        byteOffsetForPartitionAlignment: 0,
      },
      "00020000 00100000 00100000 00100000 03000000 00000000 00000000",
    ],
    [
      "2.5.6 FILE_FS_OBJECTID_INFORMATION",
      FileFsObjectIdInformation,
      { objectId: "6b29fc40-ca47-1067-b31d-00dd010662da", extendedInfo: Buffer.alloc(48, 0xee) },
      `40fc296b47ca6710b31d00dd010662da ${"ee".repeat(48)}`,
    ],
    [
      "2.5.2 FILE_FS_CONTROL_INFORMATION",
      FileFsControlInformation,
      {
        freeSpaceStartFiltering: 1n,
        freeSpaceThreshold: 2n,
        freeSpaceStopFiltering: 3n,
        defaultQuotaThreshold: -1n,
        defaultQuotaLimit: -1n,
        fileSystemControlFlags: 0x10,
      },
      `0100000000000000 0200000000000000 0300000000000000 ${"ff".repeat(16)} 10000000 00000000`,
    ],
  ];
  it.each(cases)("%s", (_name, s, value, wire) => {
    expect(s.encode(value as never).toString("hex")).toBe(wire.replace(/\s+/g, ""));
    expect(s.decode(hex(wire))).toEqual(value);
  });
});

describe("directory classes hand-laid from the MS-FSCC tables", () => {
  const times = "0100000000000000 0200000000000000 0300000000000000 0400000000000000";
  const common = {
    fileIndex: 0,
    creationTime: 1n,
    lastAccessTime: 2n,
    lastWriteTime: 3n,
    changeTime: 4n,
    endOfFile: 10n,
    allocationSize: 4096n,
    fileAttributes: 0x80,
  };
  const name = Buffer.from("a.txt", "utf16le").toString("hex");
  it("2.4.10 FILE_DIRECTORY_INFORMATION (64 bytes + name)", () => {
    const wire = `00000000 00000000 ${times} 0a00000000000000 0010000000000000 80000000 0a000000 ${name}`;
    expect(encodeVar(FileDirectoryInformation, [{ ...common, fileName: "a.txt" }]).toString("hex")).toBe(
      wire.replace(/\s+/g, ""),
    );
    expect(decodeVar(FileDirectoryInformation, hex(wire))).toEqual([{ ...common, fileName: "a.txt" }]);
  });
  it("2.4.17 FILE_FULL_DIR_INFORMATION (68) and 2.4.21 FILE_ID_FULL_DIR_INFORMATION (80)", () => {
    const full = `00000000 00000000 ${times} 0a00000000000000 0010000000000000 80000000 0a000000 05000000 ${name}`;
    expect(decodeVar(FileFullDirectoryInformation, hex(full))).toEqual([
      { ...common, eaSize: 5, fileName: "a.txt" },
    ]);
    const idFull = `00000000 00000000 ${times} 0a00000000000000 0010000000000000 80000000 0a000000 00000000 00000000 2a00000000000000 ${name}`;
    const v = { ...common, eaSize: 0, fileId: 42n, fileName: "a.txt" };
    expect(decodeVar(FileIdFullDirectoryInformation, hex(idFull))).toEqual([v]);
    expect(encodeVar(FileIdFullDirectoryInformation, [v]).toString("hex")).toBe(idFull.replace(/\s+/g, ""));
  });
  it("2.4.19 FILE_ID_EXTD_DIR_INFORMATION (88 bytes + name, 128-bit FileId, reparse tag)", () => {
    const wire = `00000000 00000000 ${times} 0a00000000000000 0010000000000000 80000000 0a000000 00000000 0c0000a0 ${"11".repeat(16)} ${name}`;
    const [e] = decodeVar(FileIdExtdDirectoryInformation, hex(wire));
    expect(e!.reparsePointTag).toBe(ReparseTag.IO_REPARSE_TAG_SYMLINK);
    expect(e!.fileId.equals(Buffer.alloc(16, 0x11))).toBe(true);
    expect(encodeVar(FileIdExtdDirectoryInformation, [e!]).toString("hex")).toBe(wire.replace(/\s+/g, ""));
  });
  it("2.4.33 FILE_NAMES_INFORMATION: two entries, the first padded to 8", () => {
    const wire = `18000000 00000000 0a000000 ${name} 0000 00000000 07000000 02000000 6200`;
    const list = decodeVar(FileNamesInformation, hex(wire));
    expect(list).toEqual([
      { fileIndex: 0, fileName: "a.txt" },
      { fileIndex: 7, fileName: "b" },
    ]);
    expect(encodeVar(FileNamesInformation, list).toString("hex")).toBe(wire.replace(/\s+/g, ""));
  });
});
