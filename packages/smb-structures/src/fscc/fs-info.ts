/** MS-FSCC 2.5 file system information classes (SMB2 QUERY_INFO with InfoType FILESYSTEM). */
import { bool8 } from "../codec/extras.js";
import { lengthOf, reserved } from "../codec/fields.js";
import { bytes, i32, i64, u32 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { utf16 } from "../codec/variable.js";
import { filetime } from "../dtyp/filetime.js";
import { guid } from "../dtyp/guid.js";

/** 2.5.9 FILE_FS_VOLUME_INFORMATION. */
export const FileFsVolumeInformation = struct(
  "FILE_FS_VOLUME_INFORMATION",
  {
    volumeCreationTime: filetime,
    volumeSerialNumber: u32,
    volumeLabelLength: lengthOf("volumeLabel", u32),
    supportsObjects: bool8,
    reserved: reserved(1),
    volumeLabel: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.5.9" },
);
export type FileFsVolumeInformationValue = Decoded<typeof FileFsVolumeInformation.fields>;

/** 2.5.5 FILE_FS_LABEL_INFORMATION (SET_INFO). */
export const FileFsLabelInformation = struct(
  "FILE_FS_LABEL_INFORMATION",
  { volumeLabelLength: lengthOf("volumeLabel", u32), volumeLabel: utf16() },
  { offsetsFrom: "self", spec: "MS-FSCC 2.5.5" },
);

/** 2.5.8 FILE_FS_SIZE_INFORMATION. */
export const FileFsSizeInformation = struct(
  "FILE_FS_SIZE_INFORMATION",
  {
    totalAllocationUnits: i64,
    availableAllocationUnits: i64,
    sectorsPerAllocationUnit: u32,
    bytesPerSector: u32,
  },
  { spec: "MS-FSCC 2.5.8" },
);
export type FileFsSizeInformationValue = Decoded<typeof FileFsSizeInformation.fields>;

/** 2.5.4 FILE_FS_FULL_SIZE_INFORMATION. */
export const FileFsFullSizeInformation = struct(
  "FILE_FS_FULL_SIZE_INFORMATION",
  {
    totalAllocationUnits: i64,
    callerAvailableAllocationUnits: i64,
    actualAvailableAllocationUnits: i64,
    sectorsPerAllocationUnit: u32,
    bytesPerSector: u32,
  },
  { spec: "MS-FSCC 2.5.4" },
);
export type FileFsFullSizeInformationValue = Decoded<typeof FileFsFullSizeInformation.fields>;

/** 2.5.10 FILE_FS_DEVICE_INFORMATION (see DeviceType, DeviceCharacteristics). */
export const FileFsDeviceInformation = struct(
  "FILE_FS_DEVICE_INFORMATION",
  { deviceType: u32, characteristics: u32 },
  { spec: "MS-FSCC 2.5.10" },
);

/** 2.5.1 FILE_FS_ATTRIBUTE_INFORMATION (see FileSystemAttributes). */
export const FileFsAttributeInformation = struct(
  "FILE_FS_ATTRIBUTE_INFORMATION",
  {
    fileSystemAttributes: u32,
    maximumComponentNameLength: i32,
    fileSystemNameLength: lengthOf("fileSystemName", u32),
    fileSystemName: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.5.1" },
);
export type FileFsAttributeInformationValue = Decoded<typeof FileFsAttributeInformation.fields>;

/** 2.5.2 FILE_FS_CONTROL_INFORMATION (quotas). */
export const FileFsControlInformation = struct(
  "FILE_FS_CONTROL_INFORMATION",
  {
    freeSpaceStartFiltering: i64,
    freeSpaceThreshold: i64,
    freeSpaceStopFiltering: i64,
    defaultQuotaThreshold: i64,
    defaultQuotaLimit: i64,
    fileSystemControlFlags: u32,
    padding: reserved(4),
  },
  { spec: "MS-FSCC 2.5.2" },
);

/** 2.5.6 FILE_FS_OBJECTID_INFORMATION: the volume's object id and 48 bytes of extended info. */
export const FileFsObjectIdInformation = struct(
  "FILE_FS_OBJECTID_INFORMATION",
  { objectId: guid, extendedInfo: bytes(48) },
  { spec: "MS-FSCC 2.5.6" },
);

/** 2.5.7 FILE_FS_SECTOR_SIZE_INFORMATION. */
export const FileFsSectorSizeInformation = struct(
  "FILE_FS_SECTOR_SIZE_INFORMATION",
  {
    logicalBytesPerSector: u32,
    physicalBytesPerSectorForAtomicity: u32,
    physicalBytesPerSectorForPerformance: u32,
    fileSystemEffectivePhysicalBytesPerSectorForAtomicity: u32,
    flags: u32,
    byteOffsetForSectorAlignment: u32,
    byteOffsetForPartitionAlignment: u32,
  },
  { spec: "MS-FSCC 2.5.7" },
);

/** 2.5.7 FILE_FS_SECTOR_SIZE_INFORMATION Flags. */
export const SectorSizeFlags = {
  SSINFO_FLAGS_ALIGNED_DEVICE: 0x00000001,
  SSINFO_FLAGS_PARTITION_ALIGNED_ON_DEVICE: 0x00000002,
  SSINFO_FLAGS_NO_SEEK_PENALTY: 0x00000004,
  SSINFO_FLAGS_TRIM_ENABLED: 0x00000008,
} as const;
/** ByteOffsetForSectorAlignment / ByteOffsetForPartitionAlignment value meaning "unknown". */
export const SSINFO_OFFSET_UNKNOWN = 0xffffffff;
