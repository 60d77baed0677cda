/**
 * MS-FSCC 2.4 directory information classes (SMB2 QUERY_DIRECTORY output): NextEntryOffset chains of
 * 8-byte aligned entries. The chain decoder rejects offsets that do not move forward or leave the
 * buffer, so a hostile NextEntryOffset cycle cannot loop.
 */
import { SmbDecodeError } from "../codec/errors.js";
import { countedUtf16 } from "../codec/extras.js";
import { lengthOf, nextEntryOffset, reserved, withDefault } from "../codec/fields.js";
import { bytes, i64, u8, u32, u64 } from "../codec/primitives.js";
import { type Decoded, type Fields, type Struct, struct } from "../codec/struct.js";
import { chain, utf16 } from "../codec/variable.js";
import { filetime } from "../dtyp/filetime.js";
import { FileInformationClass } from "./constants.js";

const opts = (spec: string) => ({ offsetsFrom: "self" as const, spec });

/** The fields every directory class except FILE_NAMES_INFORMATION starts with, up to FileNameLength. */
const directoryEntryHead = () => ({
  nextEntryOffset: nextEntryOffset(),
  fileIndex: withDefault(u32, 0),
  creationTime: filetime,
  lastAccessTime: filetime,
  lastWriteTime: filetime,
  changeTime: filetime,
  endOfFile: i64,
  allocationSize: i64,
  fileAttributes: u32,
  fileNameLength: lengthOf("fileName", u32),
});

/** 2.4.10 FILE_DIRECTORY_INFORMATION. */
export const FileDirectoryInformationEntry = struct(
  "FILE_DIRECTORY_INFORMATION",
  {
    ...directoryEntryHead(),
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.10"),
);

/** 2.4.17 FILE_FULL_DIR_INFORMATION. */
export const FileFullDirectoryInformationEntry = struct(
  "FILE_FULL_DIR_INFORMATION",
  {
    ...directoryEntryHead(),
    eaSize: withDefault(u32, 0),
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.17"),
);

/** 2.4.21 FILE_ID_FULL_DIR_INFORMATION. */
export const FileIdFullDirectoryInformationEntry = struct(
  "FILE_ID_FULL_DIR_INFORMATION",
  {
    ...directoryEntryHead(),
    eaSize: withDefault(u32, 0),
    reserved: reserved(4),
    fileId: u64,
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.21"),
);

/** 2.4.8 FILE_BOTH_DIR_INFORMATION: adds the 8.3 short name (ShortNameLength + 24-byte slot). */
export const FileBothDirectoryInformationEntry = struct(
  "FILE_BOTH_DIR_INFORMATION",
  {
    ...directoryEntryHead(),
    eaSize: withDefault(u32, 0),
    /** ShortNameLength (1 byte), Reserved1 (1 byte), ShortName (24 bytes). */
    shortName: countedUtf16(u8, 1, 24),
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.8"),
);

/** 2.4.20 FILE_ID_BOTH_DIR_INFORMATION: what Windows and Samba clients list directories with. */
export const FileIdBothDirectoryInformationEntry = struct(
  "FILE_ID_BOTH_DIR_INFORMATION",
  {
    ...directoryEntryHead(),
    eaSize: withDefault(u32, 0),
    /** ShortNameLength (1 byte), Reserved1 (1 byte), ShortName (24 bytes). */
    shortName: countedUtf16(u8, 1, 24),
    reserved2: reserved(2),
    fileId: u64,
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.20"),
);

/** 2.4.19 FILE_ID_EXTD_DIR_INFORMATION: 128-bit FileId and the reparse tag. */
export const FileIdExtdDirectoryInformationEntry = struct(
  "FILE_ID_EXTD_DIR_INFORMATION",
  {
    ...directoryEntryHead(),
    eaSize: withDefault(u32, 0),
    reparsePointTag: withDefault(u32, 0),
    /** FILE_ID_128 (a view into the received buffer). */
    fileId: bytes(16),
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.19"),
);

/** 2.4.33 FILE_NAMES_INFORMATION. */
export const FileNamesInformationEntry = struct(
  "FILE_NAMES_INFORMATION",
  {
    nextEntryOffset: nextEntryOffset(),
    fileIndex: withDefault(u32, 0),
    fileNameLength: lengthOf("fileName", u32),
    fileName: utf16(),
  },
  opts("MS-FSCC 2.4.33"),
);

export const FileDirectoryInformation = chain(FileDirectoryInformationEntry, { entryAlign: 8 });
export const FileFullDirectoryInformation = chain(FileFullDirectoryInformationEntry, { entryAlign: 8 });
export const FileIdFullDirectoryInformation = chain(FileIdFullDirectoryInformationEntry, { entryAlign: 8 });
export const FileBothDirectoryInformation = chain(FileBothDirectoryInformationEntry, { entryAlign: 8 });
export const FileIdBothDirectoryInformation = chain(FileIdBothDirectoryInformationEntry, { entryAlign: 8 });
export const FileIdExtdDirectoryInformation = chain(FileIdExtdDirectoryInformationEntry, { entryAlign: 8 });
export const FileNamesInformation = chain(FileNamesInformationEntry, { entryAlign: 8 });

export type FileDirectoryInformationValue = Decoded<typeof FileDirectoryInformationEntry.fields>;
export type FileFullDirectoryInformationValue = Decoded<typeof FileFullDirectoryInformationEntry.fields>;
export type FileIdFullDirectoryInformationValue = Decoded<typeof FileIdFullDirectoryInformationEntry.fields>;
export type FileBothDirectoryInformationValue = Decoded<typeof FileBothDirectoryInformationEntry.fields>;
export type FileIdBothDirectoryInformationValue = Decoded<typeof FileIdBothDirectoryInformationEntry.fields>;
export type FileIdExtdDirectoryInformationValue = Decoded<typeof FileIdExtdDirectoryInformationEntry.fields>;
export type FileNamesInformationValue = Decoded<typeof FileNamesInformationEntry.fields>;

/** The directory classes SMB2 QUERY_DIRECTORY accepts, by FileInformationClass. */
export const directoryInformationChains = {
  [FileInformationClass.FileDirectoryInformation]: FileDirectoryInformation,
  [FileInformationClass.FileFullDirectoryInformation]: FileFullDirectoryInformation,
  [FileInformationClass.FileBothDirectoryInformation]: FileBothDirectoryInformation,
  [FileInformationClass.FileNamesInformation]: FileNamesInformation,
  [FileInformationClass.FileIdBothDirectoryInformation]: FileIdBothDirectoryInformation,
  [FileInformationClass.FileIdFullDirectoryInformation]: FileIdFullDirectoryInformation,
  [FileInformationClass.FileIdExtdDirectoryInformation]: FileIdExtdDirectoryInformation,
} as const;

/** The limit the chain codec applies (a hostile buffer cannot make a listing unbounded). */
const MAX_ENTRIES = 1_000_000;

/**
 * Walks a chain of directory entries of class `entry` (one of the *Entry structs above) without
 * decoding them into objects: `visit` gets each entry's start and its FileName, and reads the fixed
 * fields it wants at the offsets `entry.fieldOffset(...)` gives (listings of thousands of entries need a
 * few fields each). Checks the same bounds, with the same errors, as `chain(entry).decode`. Returns the
 * number of entries.
 */
export function walkDirectoryEntries(
  entry: Struct<Fields>,
  buf: Buffer,
  start: number,
  end: number,
  visit: (at: number, name: string) => void,
): number {
  const name = `${entry.name} chain`;
  const fixed = entry.fixedSize;
  const lengthAt = entry.fieldOffset("fileNameLength");
  if (end > buf.length) end = buf.length;
  let pos = start;
  for (let n = 1; ; n++) {
    if (pos + 4 > end) throw new SmbDecodeError(name, "NextEntryOffset", "entry runs past the buffer");
    const next = buf.readUInt32LE(pos);
    const entryEnd = next === 0 ? end : pos + next;
    if (next !== 0 && (next < 4 || entryEnd > end)) {
      throw new SmbDecodeError(name, "NextEntryOffset", `${next} at entry ${n - 1} leaves the buffer`);
    }
    if (pos + fixed > entryEnd) {
      throw new SmbDecodeError(
        entry.name,
        undefined,
        `needs ${fixed} bytes, has ${Math.max(0, entryEnd - pos)}`,
      );
    }
    const length = buf.readUInt32LE(pos + lengthAt);
    const nameAt = pos + fixed;
    if (nameAt + length > entryEnd) {
      throw new SmbDecodeError(
        entry.name,
        "fileName",
        `length ${length} at offset ${fixed} exceeds the buffer`,
      );
    }
    // UTF-16LE: an odd trailing byte is dropped, as the utf16 codec does.
    visit(pos, length === 0 ? "" : buf.toString("utf16le", nameAt, nameAt + (length & ~1)));
    if (next === 0) return n;
    if (n >= MAX_ENTRIES) throw new SmbDecodeError(name, undefined, `more than ${MAX_ENTRIES} entries`);
    pos = entryEnd;
  }
}
