import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeVar,
  directoryInformationChains,
  encodeVar,
  FileAccessInformation,
  FileAlignmentInformation,
  FileAllInformation,
  FileAllocationInformation,
  FileAttributeTagInformation,
  FileBasicInformation,
  FileBothDirectoryInformation,
  FileDirectoryInformation,
  FileDispositionInformation,
  FileDispositionInformationEx,
  FileEaInformation,
  FileEndOfFileInformation,
  FileFsAttributeInformation,
  FileFsDeviceInformation,
  FileFsFullSizeInformation,
  FileFsObjectIdInformation,
  FileFsSectorSizeInformation,
  FileFsSizeInformation,
  FileFsVolumeInformation,
  FileFullDirectoryInformation,
  FileFullEaInformation,
  FileGetEaInformation,
  FileIdBothDirectoryInformation,
  FileIdExtdDirectoryInformation,
  FileIdFullDirectoryInformation,
  FileInternalInformation,
  FileLinkInformation,
  FileModeInformation,
  FileNameInformation,
  FileNamesInformation,
  FileNetworkOpenInformation,
  FileNotifyInformation,
  FilePositionInformation,
  FileRenameInformation,
  FileStandardInformation,
  FileStreamInformation,
  FileSystemAttributes,
  ReparseDataBuffer,
  ReparseTag,
  SmbDecodeError,
  SymlinkFlags,
  symlinkReparseBuffer,
  type VarCodec,
} from "../src/index.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const u16le = (n: number) => hex(n.toString(16).padStart(4, "0")).reverse().toString("hex");
const utf16hex = (s: string) => Buffer.from(s, "utf16le").toString("hex");

const structs = [
  FileAccessInformation,
  FileAlignmentInformation,
  FileAllInformation,
  FileAllocationInformation,
  FileAttributeTagInformation,
  FileBasicInformation,
  FileDispositionInformation,
  FileDispositionInformationEx,
  FileEaInformation,
  FileEndOfFileInformation,
  FileFsAttributeInformation,
  FileFsDeviceInformation,
  FileFsFullSizeInformation,
  FileFsObjectIdInformation,
  FileFsSectorSizeInformation,
  FileFsSizeInformation,
  FileFsVolumeInformation,
  FileInternalInformation,
  FileLinkInformation,
  FileModeInformation,
  FileNameInformation,
  FileNetworkOpenInformation,
  FilePositionInformation,
  FileRenameInformation,
  FileStandardInformation,
  ReparseDataBuffer,
];
const chains: VarCodec<unknown[]>[] = [
  FileDirectoryInformation,
  FileFullDirectoryInformation,
  FileIdFullDirectoryInformation,
  FileBothDirectoryInformation,
  FileIdBothDirectoryInformation,
  FileIdExtdDirectoryInformation,
  FileNamesInformation,
  FileStreamInformation,
  FileFullEaInformation,
  FileGetEaInformation,
  FileNotifyInformation,
];

const time = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const size = fc.bigInt({ min: 0n, max: 0x7fffffffffffffffn });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const name = fc.string({ maxLength: 40 }).filter((s) => Buffer.from(s, "utf16le").toString("utf16le") === s);

describe("MS-FSCC fixed layouts (hand-assembled from the MS-FSCC field tables)", () => {
  it("FILE_BASIC_INFORMATION is 40 bytes, FILE_STANDARD 24, NETWORK_OPEN 56, FILE_ALL 100 + name", () => {
    expect(FileBasicInformation.fixedSize).toBe(40);
    expect(FileStandardInformation.fixedSize).toBe(24);
    expect(FileNetworkOpenInformation.fixedSize).toBe(56);
    expect(FileAllInformation.fixedSize).toBe(100);
    expect(FileFsVolumeInformation.fixedSize).toBe(18);
    expect(FileFsFullSizeInformation.fixedSize).toBe(32);
    expect(FileFsObjectIdInformation.fixedSize).toBe(64);
    expect(FileFsSectorSizeInformation.fixedSize).toBe(28);
    expect(FileIdBothDirectoryInformation.structure).toMatch(/FILE_ID_BOTH_DIR_INFORMATION/);
  });

  it("FILE_FS_ATTRIBUTE_INFORMATION of an NTFS volume", () => {
    const buf = hex(`ff00e700 ff000000 08000000 ${utf16hex("NTFS")}`);
    const v = FileFsAttributeInformation.decode(buf);
    expect(v).toEqual({
      fileSystemAttributes: 0x00e700ff,
      maximumComponentNameLength: 255,
      fileSystemName: "NTFS",
    });
    expect(v.fileSystemAttributes & FileSystemAttributes.FILE_NAMED_STREAMS).toBeTruthy();
    expect(FileFsAttributeInformation.encode(v).equals(buf)).toBe(true);
  });

  it("FILE_RENAME_INFORMATION_TYPE_2: ReplaceIfExists, 7 reserved, RootDirectory, length, name", () => {
    const buf = FileRenameInformation.encode({ replaceIfExists: true, fileName: "dir\\b.txt" });
    expect(buf.toString("hex")).toBe(`01${"00".repeat(7)}${"00".repeat(8)}12000000${utf16hex("dir\\b.txt")}`);
    // a one-character name is padded to Windows' 24-byte minimum
    expect(FileRenameInformation.encode({ replaceIfExists: false, fileName: "a" }).length).toBe(24);
  });

  it("FILE_BOTH_DIR_INFORMATION carries an 8.3 name in its 24-byte slot", () => {
    const entry = {
      fileIndex: 0,
      creationTime: 1n,
      lastAccessTime: 2n,
      lastWriteTime: 3n,
      changeTime: 4n,
      endOfFile: 5n,
      allocationSize: 4096n,
      fileAttributes: 0x20,
      eaSize: 0,
      shortName: "BETALO~1.DOC",
      fileName: "Beta Long Name.docx",
    };
    const buf = encodeVar(FileBothDirectoryInformation, [entry]);
    expect(buf.length).toBe(94 + 38);
    expect(buf[68]).toBe(24); // ShortNameLength
    expect(buf.subarray(70, 94).toString("utf16le")).toBe("BETALO~1.DOC");
    expect(decodeVar(FileBothDirectoryInformation, buf)).toEqual([entry]);
    const bad = Buffer.from(buf);
    bad[68] = 26;
    expect(() => decodeVar(FileBothDirectoryInformation, bad)).toThrow(SmbDecodeError);
  });

  it("symbolic link reparse buffer (MS-FSCC 2.1.2.4): offsets from PathBuffer, relative flag", () => {
    const buf = ReparseDataBuffer.encode(
      symlinkReparseBuffer({ substituteName: "..\\target", relative: true }),
    );
    const n = utf16hex("..\\target");
    expect(buf.toString("hex")).toBe(
      `0c0000a0 ${u16le(12 + 36)} 0000 0000 1200 1200 1200 01000000 ${n}${n}`.replace(/\s+/g, ""),
    );
    expect(ReparseDataBuffer.decode(buf).data).toEqual({
      type: ReparseTag.IO_REPARSE_TAG_SYMLINK,
      value: {
        substituteName: "..\\target",
        printName: "..\\target",
        flags: SymlinkFlags.SYMLINK_FLAG_RELATIVE,
      },
    });
  });

  it("mount point reparse buffer (MS-FSCC 2.1.2.5): NUL-terminated names, lengths without the NUL", () => {
    const sub = "\\??\\C:\\mnt";
    const buf = ReparseDataBuffer.encode({
      data: {
        type: ReparseTag.IO_REPARSE_TAG_MOUNT_POINT,
        value: { substituteName: sub, printName: "C:\\mnt" },
      },
    });
    const subHex = `${utf16hex(sub)}0000`;
    const printHex = `${utf16hex("C:\\mnt")}0000`;
    expect(buf.toString("hex")).toBe(
      `030000a0${u16le(8 + 22 + 14)}0000 0000${u16le(20)}${u16le(22)}${u16le(12)} ${subHex}${printHex}`.replace(
        /\s+/g,
        "",
      ),
    );
    expect(ReparseDataBuffer.decode(buf).data.value).toEqual({ substituteName: sub, printName: "C:\\mnt" });
  });

  it("keeps other reparse tags raw and rejects a ReparseDataLength past the buffer", () => {
    const raw = hex("1b000080 0400 0000 01020304");
    const v = ReparseDataBuffer.decode(raw);
    expect(v.data).toEqual({ type: ReparseTag.IO_REPARSE_TAG_APPEXECLINK, value: hex("01020304") });
    expect(ReparseDataBuffer.encode(v).equals(raw)).toBe(true);
    const big = Buffer.from(raw);
    big.writeUInt16LE(0xffff, 4);
    expect(() => ReparseDataBuffer.decode(big)).toThrow(SmbDecodeError);
  });
});

describe("MS-FSCC chains", () => {
  const dirEntry = fc.record({
    fileIndex: u32,
    creationTime: time,
    lastAccessTime: time,
    lastWriteTime: time,
    changeTime: time,
    endOfFile: size,
    allocationSize: size,
    fileAttributes: u32,
    eaSize: u32,
    shortName: fc
      .string({ maxLength: 12 })
      .filter((s) => Buffer.from(s, "utf16le").toString("utf16le") === s),
    fileId: time,
    fileName: name,
  });

  it("round-trips generated FileIdBothDirectoryInformation and FileNotifyInformation lists", () => {
    fc.assert(
      fc.property(fc.array(dirEntry, { minLength: 1, maxLength: 8 }), (entries) => {
        const buf = encodeVar(FileIdBothDirectoryInformation, entries);
        expect(decodeVar(FileIdBothDirectoryInformation, buf)).toEqual(entries);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ action: fc.integer({ min: 1, max: 11 }), fileName: name }), {
          minLength: 1,
          maxLength: 8,
        }),
        (list) => {
          expect(decodeVar(FileNotifyInformation, encodeVar(FileNotifyInformation, list))).toEqual(list);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            flags: fc.constantFrom(0, 0x80),
            eaName: fc.stringMatching(/^[A-Za-z0-9._]{1,20}$/),
            eaValue: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (eas) => {
          expect(decodeVar(FileFullEaInformation, encodeVar(FileFullEaInformation, eas))).toEqual(eas);
        },
      ),
    );
  });

  it("rejects a NextEntryOffset cycle (pointing back at an entry) and a FileNameLength past the entry", () => {
    const two = encodeVar(FileNamesInformation, [
      { fileIndex: 0, fileName: "a" },
      { fileIndex: 0, fileName: "b" },
    ]);
    const cycle = Buffer.from(two);
    cycle.writeUInt32LE(16, 16); // second entry's NextEntryOffset points back to itself ... and beyond
    cycle.writeUInt32LE(0xfffffff0, 16);
    expect(() => decodeVar(FileNamesInformation, cycle)).toThrow(SmbDecodeError);
    const self = Buffer.from(two);
    self.writeUInt32LE(0, 0); // NextEntryOffset 0 ends the list: one entry, no loop
    expect(decodeVar(FileNamesInformation, self)).toHaveLength(1);
    const tiny = Buffer.from(two);
    tiny.writeUInt32LE(2, 0); // less than the 4-byte link itself
    expect(() => decodeVar(FileNamesInformation, tiny)).toThrow(SmbDecodeError);
    const long = Buffer.from(two);
    long.writeUInt32LE(1000, 8);
    expect(() => decodeVar(FileNamesInformation, long)).toThrow(SmbDecodeError);
  });

  it("every directory class is registered by its FileInformationClass", () => {
    expect(
      Object.keys(directoryInformationChains)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 12, 37, 38, 60]);
  });

  it("every decoder yields a value or SmbDecodeError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const b = Buffer.from(bytes);
        for (const s of structs) {
          try {
            s.decode(b);
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
        for (const c of chains) {
          try {
            decodeVar(c, b);
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("decodes a 10,000-entry FileIdBothDirectoryInformation buffer quickly", () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      fileIndex: 0,
      creationTime: 133000000000000000n + BigInt(i),
      lastAccessTime: 133000000000000000n,
      lastWriteTime: 133000000000000000n,
      changeTime: 133000000000000000n,
      endOfFile: BigInt(i * 100),
      allocationSize: 4096n,
      fileAttributes: 0x20,
      eaSize: 0,
      shortName: "",
      fileId: BigInt(i),
      fileName: `file-${String(i).padStart(6, "0")}.dat`,
    }));
    const buf = encodeVar(FileIdBothDirectoryInformation, entries);
    decodeVar(FileIdBothDirectoryInformation, buf); // warm-up
    const t0 = performance.now();
    const back = decodeVar(FileIdBothDirectoryInformation, buf);
    const ms = performance.now() - t0;
    expect(back).toHaveLength(10_000);
    expect(back[9999]!.fileName).toBe("file-009999.dat");
    expect(ms).toBeLessThan(250); // typically ~10 ms here; generous for loaded CI machines
  });
});
