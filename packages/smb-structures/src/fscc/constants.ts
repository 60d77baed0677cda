/** MS-FSCC constants: information class numbers, attribute flags, reparse tags, notify actions. */

/** MS-FSCC 2.4 file information classes (FILE_INFORMATION_CLASS numbering). */
export const FileInformationClass = {
  FileDirectoryInformation: 1,
  FileFullDirectoryInformation: 2,
  FileBothDirectoryInformation: 3,
  FileBasicInformation: 4,
  FileStandardInformation: 5,
  FileInternalInformation: 6,
  FileEaInformation: 7,
  FileAccessInformation: 8,
  FileNameInformation: 9,
  FileRenameInformation: 10,
  FileLinkInformation: 11,
  FileNamesInformation: 12,
  FileDispositionInformation: 13,
  FilePositionInformation: 14,
  FileFullEaInformation: 15,
  FileModeInformation: 16,
  FileAlignmentInformation: 17,
  FileAllInformation: 18,
  FileAllocationInformation: 19,
  FileEndOfFileInformation: 20,
  FileAlternateNameInformation: 21,
  FileStreamInformation: 22,
  FilePipeInformation: 23,
  FilePipeLocalInformation: 24,
  FilePipeRemoteInformation: 25,
  FileMailslotQueryInformation: 26,
  FileMailslotSetInformation: 27,
  FileCompressionInformation: 28,
  FileObjectIdInformation: 29,
  FileMoveClusterInformation: 31,
  FileQuotaInformation: 32,
  FileReparsePointInformation: 33,
  FileNetworkOpenInformation: 34,
  FileAttributeTagInformation: 35,
  FileTrackingInformation: 36,
  FileIdBothDirectoryInformation: 37,
  FileIdFullDirectoryInformation: 38,
  FileValidDataLengthInformation: 39,
  FileShortNameInformation: 40,
  FileSfioReserveInformation: 44,
  FileSfioVolumeInformation: 45,
  FileHardLinkInformation: 46,
  FileNormalizedNameInformation: 48,
  FileIdGlobalTxDirectoryInformation: 50,
  FileStandardLinkInformation: 54,
  FileRenameInformationBypassAccessCheck: 56,
  FileLinkInformationBypassAccessCheck: 57,
  FileVolumeNameInformation: 58,
  FileIdInformation: 59,
  FileIdExtdDirectoryInformation: 60,
  FileReplaceCompletionInformation: 61,
  FileHardLinkFullIdInformation: 62,
  FileIdExtdBothDirectoryInformation: 63,
  FileDispositionInformationEx: 64,
  FileRenameInformationEx: 65,
  FileRenameInformationExBypassAccessCheck: 66,
  FileDesiredStorageClassInformation: 67,
  FileStatInformation: 68,
  FileMemoryPartitionInformation: 69,
  FileStatLxInformation: 70,
  FileCaseSensitiveInformation: 71,
  FileLinkInformationEx: 72,
  FileLinkInformationExBypassAccessCheck: 73,
  FileStorageReserveIdInformation: 74,
  FileCaseSensitiveInformationForceAccessCheck: 75,
  FileKnownFolderInformation: 76,
  FileStatBasicInformation: 77,
  FileId64ExtdDirectoryInformation: 78,
  FileId64ExtdBothDirectoryInformation: 79,
  FileIdAllExtdDirectoryInformation: 80,
  FileIdAllExtdBothDirectoryInformation: 81,
} as const;
export type FileInformationClass = (typeof FileInformationClass)[keyof typeof FileInformationClass];

/** MS-FSCC 2.5 file system information classes. */
export const FsInformationClass = {
  FileFsVolumeInformation: 1,
  FileFsLabelInformation: 2,
  FileFsSizeInformation: 3,
  FileFsDeviceInformation: 4,
  FileFsAttributeInformation: 5,
  FileFsControlInformation: 6,
  FileFsFullSizeInformation: 7,
  FileFsObjectIdInformation: 8,
  FileFsDriverPathInformation: 9,
  FileFsVolumeFlagsInformation: 10,
  FileFsSectorSizeInformation: 11,
} as const;
export type FsInformationClass = (typeof FsInformationClass)[keyof typeof FsInformationClass];

/** MS-FSCC 2.6 file attributes. */
export const FileAttributes = {
  READONLY: 0x00000001,
  HIDDEN: 0x00000002,
  SYSTEM: 0x00000004,
  DIRECTORY: 0x00000010,
  ARCHIVE: 0x00000020,
  NORMAL: 0x00000080,
  TEMPORARY: 0x00000100,
  SPARSE_FILE: 0x00000200,
  REPARSE_POINT: 0x00000400,
  COMPRESSED: 0x00000800,
  OFFLINE: 0x00001000,
  NOT_CONTENT_INDEXED: 0x00002000,
  ENCRYPTED: 0x00004000,
  INTEGRITY_STREAM: 0x00008000,
  NO_SCRUB_DATA: 0x00020000,
  RECALL_ON_OPEN: 0x00040000,
  PINNED: 0x00080000,
  UNPINNED: 0x00100000,
  RECALL_ON_DATA_ACCESS: 0x00400000,
} as const;

/** MS-FSCC 2.5.1 FileSystemAttributes of FileFsAttributeInformation. */
export const FileSystemAttributes = {
  FILE_CASE_SENSITIVE_SEARCH: 0x00000001,
  FILE_CASE_PRESERVED_NAMES: 0x00000002,
  FILE_UNICODE_ON_DISK: 0x00000004,
  FILE_PERSISTENT_ACLS: 0x00000008,
  FILE_FILE_COMPRESSION: 0x00000010,
  FILE_VOLUME_QUOTAS: 0x00000020,
  FILE_SUPPORTS_SPARSE_FILES: 0x00000040,
  FILE_SUPPORTS_REPARSE_POINTS: 0x00000080,
  FILE_SUPPORTS_REMOTE_STORAGE: 0x00000100,
  FILE_RETURNS_CLEANUP_RESULT_INFO: 0x00000200,
  FILE_SUPPORTS_POSIX_UNLINK_RENAME: 0x00000400,
  FILE_SUPPORTS_BYPASS_IO: 0x00000800,
  FILE_VOLUME_IS_COMPRESSED: 0x00008000,
  FILE_SUPPORTS_OBJECT_IDS: 0x00010000,
  FILE_SUPPORTS_ENCRYPTION: 0x00020000,
  FILE_NAMED_STREAMS: 0x00040000,
  FILE_READ_ONLY_VOLUME: 0x00080000,
  FILE_SEQUENTIAL_WRITE_ONCE: 0x00100000,
  FILE_SUPPORTS_TRANSACTIONS: 0x00200000,
  FILE_SUPPORTS_HARD_LINKS: 0x00400000,
  FILE_SUPPORTS_EXTENDED_ATTRIBUTES: 0x00800000,
  FILE_SUPPORTS_OPEN_BY_FILE_ID: 0x01000000,
  FILE_SUPPORTS_USN_JOURNAL: 0x02000000,
  FILE_SUPPORTS_INTEGRITY_STREAMS: 0x04000000,
  FILE_SUPPORTS_BLOCK_REFCOUNTING: 0x08000000,
  FILE_SUPPORTS_SPARSE_VDL: 0x10000000,
  FILE_DAX_VOLUME: 0x20000000,
  FILE_SUPPORTS_GHOSTING: 0x40000000,
} as const;

/** MS-FSCC 2.5.10 FileFsDeviceInformation DeviceType values seen over SMB. */
export const DeviceType = {
  FILE_DEVICE_CD_ROM: 0x00000002,
  FILE_DEVICE_DISK: 0x00000007,
} as const;

/** MS-FSCC 2.5.10 Characteristics. */
export const DeviceCharacteristics = {
  FILE_REMOVABLE_MEDIA: 0x00000001,
  FILE_READ_ONLY_DEVICE: 0x00000002,
  FILE_FLOPPY_DISKETTE: 0x00000004,
  FILE_WRITE_ONCE_MEDIA: 0x00000008,
  FILE_REMOTE_DEVICE: 0x00000010,
  FILE_DEVICE_IS_MOUNTED: 0x00000020,
  FILE_VIRTUAL_VOLUME: 0x00000040,
  FILE_DEVICE_SECURE_OPEN: 0x00000100,
  FILE_CHARACTERISTIC_TS_DEVICE: 0x00001000,
  FILE_CHARACTERISTIC_WEBDAV_DEVICE: 0x00002000,
  FILE_DEVICE_ALLOW_APPCONTAINER_TRAVERSAL: 0x00020000,
  FILE_PORTABLE_DEVICE: 0x00040000,
} as const;

/** MS-FSCC 2.7.1 FILE_NOTIFY_INFORMATION Action. */
export const FileAction = {
  ADDED: 0x00000001,
  REMOVED: 0x00000002,
  MODIFIED: 0x00000003,
  RENAMED_OLD_NAME: 0x00000004,
  RENAMED_NEW_NAME: 0x00000005,
  ADDED_STREAM: 0x00000006,
  REMOVED_STREAM: 0x00000007,
  MODIFIED_STREAM: 0x00000008,
  REMOVED_BY_DELETE: 0x00000009,
  ID_NOT_TUNNELLED: 0x0000000a,
  TUNNELLED_ID_COLLISION: 0x0000000b,
} as const;

/** MS-FSCC 2.1.2.1 reparse tags. */
export const ReparseTag = {
  IO_REPARSE_TAG_RESERVED_ZERO: 0x00000000,
  IO_REPARSE_TAG_RESERVED_ONE: 0x00000001,
  IO_REPARSE_TAG_RESERVED_TWO: 0x00000002,
  IO_REPARSE_TAG_MOUNT_POINT: 0xa0000003,
  IO_REPARSE_TAG_HSM: 0xc0000004,
  IO_REPARSE_TAG_DRIVE_EXTENDER: 0x80000005,
  IO_REPARSE_TAG_HSM2: 0x80000006,
  IO_REPARSE_TAG_SIS: 0x80000007,
  IO_REPARSE_TAG_WIM: 0x80000008,
  IO_REPARSE_TAG_CSV: 0x80000009,
  IO_REPARSE_TAG_DFS: 0x8000000a,
  IO_REPARSE_TAG_FILTER_MANAGER: 0x8000000b,
  IO_REPARSE_TAG_SYMLINK: 0xa000000c,
  IO_REPARSE_TAG_IIS_CACHE: 0xa0000010,
  IO_REPARSE_TAG_DFSR: 0x80000012,
  IO_REPARSE_TAG_DEDUP: 0x80000013,
  IO_REPARSE_TAG_APPXSTRM: 0xc0000014,
  IO_REPARSE_TAG_NFS: 0x80000014,
  IO_REPARSE_TAG_FILE_PLACEHOLDER: 0x80000015,
  IO_REPARSE_TAG_DFM: 0x80000016,
  IO_REPARSE_TAG_WOF: 0x80000017,
  IO_REPARSE_TAG_WCI: 0x80000018,
  IO_REPARSE_TAG_WCI_1: 0x90001018,
  IO_REPARSE_TAG_GLOBAL_REPARSE: 0xa0000019,
  IO_REPARSE_TAG_CLOUD: 0x9000001a,
  IO_REPARSE_TAG_APPEXECLINK: 0x8000001b,
  IO_REPARSE_TAG_PROJFS: 0x9000001c,
  IO_REPARSE_TAG_LX_SYMLINK: 0xa000001d,
  IO_REPARSE_TAG_STORAGE_SYNC: 0x8000001e,
  IO_REPARSE_TAG_WCI_TOMBSTONE: 0xa000001f,
  IO_REPARSE_TAG_UNHANDLED: 0x80000020,
  IO_REPARSE_TAG_ONEDRIVE: 0x80000021,
  IO_REPARSE_TAG_PROJFS_TOMBSTONE: 0xa0000022,
  IO_REPARSE_TAG_AF_UNIX: 0x80000023,
  IO_REPARSE_TAG_LX_FIFO: 0x80000024,
  IO_REPARSE_TAG_LX_CHR: 0x80000025,
  IO_REPARSE_TAG_LX_BLK: 0x80000026,
  IO_REPARSE_TAG_WCI_LINK: 0xa0000027,
  IO_REPARSE_TAG_WCI_LINK_1: 0xa0001027,
} as const;

/** Bit 31 of a reparse tag: Microsoft-owned (MS-FSCC 2.1.2.1); others carry a GUID. */
export function isMicrosoftReparseTag(tag: number): boolean {
  return (tag & 0x80000000) !== 0;
}
/** Bit 29: a name surrogate (symlinks, mount points: the target names another file). */
export function isNameSurrogateReparseTag(tag: number): boolean {
  return (tag & 0x20000000) !== 0;
}

/** MS-FSCC 2.1.2.4 SYMBOLIC_LINK_REPARSE_DATA_BUFFER Flags. */
export const SymlinkFlags = {
  SYMLINK_FLAG_RELATIVE: 0x00000001,
} as const;

/** MS-FSCC 2.4.11 FILE_DISPOSITION_INFORMATION_EX Flags. */
export const DispositionExFlags = {
  FILE_DISPOSITION_DO_NOT_DELETE: 0x00000000,
  FILE_DISPOSITION_DELETE: 0x00000001,
  FILE_DISPOSITION_POSIX_SEMANTICS: 0x00000002,
  FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK: 0x00000004,
  FILE_DISPOSITION_ON_CLOSE: 0x00000008,
  FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE: 0x00000010,
} as const;

/** MS-FSCC 2.4.26 FILE_MODE_INFORMATION Mode. */
export const FileMode = {
  FILE_WRITE_THROUGH: 0x00000002,
  FILE_SEQUENTIAL_ONLY: 0x00000004,
  FILE_NO_INTERMEDIATE_BUFFERING: 0x00000008,
  FILE_SYNCHRONOUS_IO_ALERT: 0x00000010,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x00000020,
  FILE_DELETE_ON_CLOSE: 0x00001000,
} as const;

/** MS-FSCC 2.4.3 FILE_ALIGNMENT_INFORMATION AlignmentRequirement. */
export const FileAlignment = {
  FILE_BYTE_ALIGNMENT: 0x00000000,
  FILE_WORD_ALIGNMENT: 0x00000001,
  FILE_LONG_ALIGNMENT: 0x00000003,
  FILE_QUAD_ALIGNMENT: 0x00000007,
  FILE_OCTA_ALIGNMENT: 0x0000000f,
  FILE_32_BYTE_ALIGNMENT: 0x0000001f,
  FILE_64_BYTE_ALIGNMENT: 0x0000003f,
  FILE_128_BYTE_ALIGNMENT: 0x0000007f,
  FILE_256_BYTE_ALIGNMENT: 0x000000ff,
  FILE_512_BYTE_ALIGNMENT: 0x000001ff,
} as const;

/** MS-FSCC 2.4.15 FILE_FULL_EA_INFORMATION Flags. */
export const EaFlags = {
  FILE_NEED_EA: 0x00000080,
} as const;
