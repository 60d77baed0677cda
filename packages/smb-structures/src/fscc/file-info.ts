/**
 * MS-FSCC 2.4 file information classes used by SMB2 QUERY_INFO / SET_INFO (InfoType FILE). Times are
 * FILETIME bigints (0 = "don't change" in SET_INFO, MS-FSCC 2.4.7), sizes are signed 64-bit bigints.
 */
import { bool8 } from "../codec/extras.js";
import { lengthOf, nextEntryOffset, reserved, withDefault } from "../codec/fields.js";
import { i64, u8, u16, u32, u64 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { chain, latin1, utf16, varBytes } from "../codec/variable.js";
import { filetime } from "../dtyp/filetime.js";

/** 2.4.7 FILE_BASIC_INFORMATION (40 bytes). */
export const FileBasicInformation = struct(
  "FILE_BASIC_INFORMATION",
  {
    creationTime: filetime,
    lastAccessTime: filetime,
    lastWriteTime: filetime,
    changeTime: filetime,
    fileAttributes: u32,
    reserved: reserved(4),
  },
  { spec: "MS-FSCC 2.4.7" },
);
export type FileBasicInformationValue = Decoded<typeof FileBasicInformation.fields>;

/** 2.4.41 FILE_STANDARD_INFORMATION (24 bytes). */
export const FileStandardInformation = struct(
  "FILE_STANDARD_INFORMATION",
  {
    allocationSize: i64,
    endOfFile: i64,
    numberOfLinks: u32,
    deletePending: bool8,
    directory: bool8,
    reserved: reserved(2),
  },
  { spec: "MS-FSCC 2.4.41" },
);
export type FileStandardInformationValue = Decoded<typeof FileStandardInformation.fields>;

/** 2.4.22 FILE_INTERNAL_INFORMATION: the 64-bit file index. */
export const FileInternalInformation = struct(
  "FILE_INTERNAL_INFORMATION",
  { indexNumber: u64 },
  { spec: "MS-FSCC 2.4.22" },
);

/** 2.4.13 FILE_EA_INFORMATION. */
export const FileEaInformation = struct("FILE_EA_INFORMATION", { eaSize: u32 }, { spec: "MS-FSCC 2.4.13" });

/** 2.4.1 FILE_ACCESS_INFORMATION: the granted access mask. */
export const FileAccessInformation = struct(
  "FILE_ACCESS_INFORMATION",
  { accessFlags: u32 },
  { spec: "MS-FSCC 2.4.1" },
);

/** 2.4.35 FILE_POSITION_INFORMATION. */
export const FilePositionInformation = struct(
  "FILE_POSITION_INFORMATION",
  { currentByteOffset: i64 },
  { spec: "MS-FSCC 2.4.35" },
);

/** 2.4.26 FILE_MODE_INFORMATION (see FileMode). */
export const FileModeInformation = struct("FILE_MODE_INFORMATION", { mode: u32 }, { spec: "MS-FSCC 2.4.26" });

/** 2.4.3 FILE_ALIGNMENT_INFORMATION (see FileAlignment). */
export const FileAlignmentInformation = struct(
  "FILE_ALIGNMENT_INFORMATION",
  { alignmentRequirement: u32 },
  { spec: "MS-FSCC 2.4.3" },
);

/** 2.4.28 FILE_NAME_INFORMATION (FileNameInformation, FileNormalizedNameInformation). */
export const FileNameInformation = struct(
  "FILE_NAME_INFORMATION",
  { fileNameLength: lengthOf("fileName", u32), fileName: utf16() },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.28" },
);

/** 2.4.5 FILE_ALTERNATE_NAME_INFORMATION: the 8.3 short name, same layout as FILE_NAME_INFORMATION. */
export const FileAlternateNameInformation = struct(
  "FILE_ALTERNATE_NAME_INFORMATION",
  { fileNameLength: lengthOf("fileName", u32), fileName: utf16() },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.5" },
);

/**
 * 2.4.2 FILE_ALL_INFORMATION: Basic, Standard, Internal, Ea, Access, Position, Mode, Alignment and Name
 * information back to back (100 bytes + name). Flattened: one field per member.
 */
export const FileAllInformation = struct(
  "FILE_ALL_INFORMATION",
  {
    creationTime: filetime,
    lastAccessTime: filetime,
    lastWriteTime: filetime,
    changeTime: filetime,
    fileAttributes: u32,
    reserved1: reserved(4),
    allocationSize: i64,
    endOfFile: i64,
    numberOfLinks: u32,
    deletePending: bool8,
    directory: bool8,
    reserved2: reserved(2),
    indexNumber: u64,
    eaSize: u32,
    accessFlags: u32,
    currentByteOffset: i64,
    mode: u32,
    alignmentRequirement: u32,
    fileNameLength: lengthOf("fileName", u32),
    fileName: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.2" },
);
export type FileAllInformationValue = Decoded<typeof FileAllInformation.fields>;

/** 2.4.29 FILE_NETWORK_OPEN_INFORMATION (56 bytes). */
export const FileNetworkOpenInformation = struct(
  "FILE_NETWORK_OPEN_INFORMATION",
  {
    creationTime: filetime,
    lastAccessTime: filetime,
    lastWriteTime: filetime,
    changeTime: filetime,
    allocationSize: i64,
    endOfFile: i64,
    fileAttributes: u32,
    reserved: reserved(4),
  },
  { spec: "MS-FSCC 2.4.29" },
);
export type FileNetworkOpenInformationValue = Decoded<typeof FileNetworkOpenInformation.fields>;

/** 2.4.6 FILE_ATTRIBUTE_TAG_INFORMATION. */
export const FileAttributeTagInformation = struct(
  "FILE_ATTRIBUTE_TAG_INFORMATION",
  { fileAttributes: u32, reparseTag: u32 },
  { spec: "MS-FSCC 2.4.6" },
);

/** 2.4.47 FILE_STREAM_INFORMATION entry ("::$DATA", ":name:$DATA"); a NextEntryOffset chain, 8-aligned. */
export const FileStreamInformationEntry = struct(
  "FILE_STREAM_INFORMATION",
  {
    nextEntryOffset: nextEntryOffset(),
    streamNameLength: lengthOf("streamName", u32),
    streamSize: i64,
    streamAllocationSize: i64,
    streamName: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.47" },
);
export const FileStreamInformation = chain(FileStreamInformationEntry, { entryAlign: 8 });
export type FileStreamInformationValue = Decoded<typeof FileStreamInformationEntry.fields>;

/**
 * 2.4.42.2 FILE_RENAME_INFORMATION_TYPE_2 (the SMB2 form): ReplaceIfExists, 7 reserved bytes,
 * RootDirectory (0 over SMB2), FileNameLength, FileName. Padded to Windows' 24-byte minimum.
 */
export const FileRenameInformation = struct(
  "FILE_RENAME_INFORMATION_TYPE_2",
  {
    replaceIfExists: bool8,
    reserved: reserved(7),
    rootDirectory: withDefault(u64, 0n),
    fileNameLength: lengthOf("fileName", u32),
    fileName: utf16(),
  },
  { offsetsFrom: "self", minSize: 24, spec: "MS-FSCC 2.4.42.2" },
);
export type FileRenameInformationInput = Input<typeof FileRenameInformation.fields>;

/** 2.4.27.2 FILE_LINK_INFORMATION_TYPE_2: the same layout as the rename form (creates a hard link). */
export const FileLinkInformation = struct(
  "FILE_LINK_INFORMATION_TYPE_2",
  {
    replaceIfExists: bool8,
    reserved: reserved(7),
    rootDirectory: withDefault(u64, 0n),
    fileNameLength: lengthOf("fileName", u32),
    fileName: utf16(),
  },
  { offsetsFrom: "self", minSize: 24, spec: "MS-FSCC 2.4.27.2" },
);

/** 2.4.11 FILE_DISPOSITION_INFORMATION: set DeletePending. */
export const FileDispositionInformation = struct(
  "FILE_DISPOSITION_INFORMATION",
  { deletePending: bool8 },
  { spec: "MS-FSCC 2.4.11" },
);

/** 2.4.12 FILE_DISPOSITION_INFORMATION_EX (see DispositionExFlags). */
export const FileDispositionInformationEx = struct(
  "FILE_DISPOSITION_INFORMATION_EX",
  { flags: u32 },
  { spec: "MS-FSCC 2.4.12" },
);

/** 2.4.14 FILE_END_OF_FILE_INFORMATION. */
export const FileEndOfFileInformation = struct(
  "FILE_END_OF_FILE_INFORMATION",
  { endOfFile: i64 },
  { spec: "MS-FSCC 2.4.14" },
);

/** 2.4.4 FILE_ALLOCATION_INFORMATION. */
export const FileAllocationInformation = struct(
  "FILE_ALLOCATION_INFORMATION",
  { allocationSize: i64 },
  { spec: "MS-FSCC 2.4.4" },
);

/** 2.4.49 FILE_VALID_DATA_LENGTH_INFORMATION. */
export const FileValidDataLengthInformation = struct(
  "FILE_VALID_DATA_LENGTH_INFORMATION",
  { validDataLength: i64 },
  { spec: "MS-FSCC 2.4.49" },
);

/** 2.4.8 FILE_CASE_SENSITIVE_INFORMATION (Flags: FILE_CS_FLAG_CASE_SENSITIVE_DIR = 1). */
export const FileCaseSensitiveInformation = struct(
  "FILE_CASE_SENSITIVE_INFORMATION",
  { flags: u32 },
  { spec: "MS-FSCC 2.4.8" },
);

/**
 * 2.4.15 FILE_FULL_EA_INFORMATION entry: Flags, EaNameLength (without the NUL), EaValueLength, the
 * NUL-terminated ASCII name and the value. A NextEntryOffset chain with 4-byte aligned entries.
 */
export const FileFullEaInformationEntry = struct(
  "FILE_FULL_EA_INFORMATION",
  {
    nextEntryOffset: nextEntryOffset(),
    flags: withDefault(u8, 0),
    eaNameLength: lengthOf("eaName", u8, { adjust: -1 }),
    eaValueLength: lengthOf("eaValue", u16),
    eaName: latin1({ nulTerminated: true }),
    eaValue: varBytes(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.15" },
);
export const FileFullEaInformation = chain(FileFullEaInformationEntry, { entryAlign: 4 });
export type FileFullEaInformationValue = Decoded<typeof FileFullEaInformationEntry.fields>;

/** 2.4.15.1 FILE_GET_EA_INFORMATION entry (the EA names a QUERY_INFO asks for); 4-aligned chain. */
export const FileGetEaInformationEntry = struct(
  "FILE_GET_EA_INFORMATION",
  {
    nextEntryOffset: nextEntryOffset(),
    eaNameLength: lengthOf("eaName", u8, { adjust: -1 }),
    eaName: latin1({ nulTerminated: true }),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.4.15.1" },
);
export const FileGetEaInformation = chain(FileGetEaInformationEntry, { entryAlign: 4 });
