/**
 * MS-SMB2 2.2.37 SMB2 QUERY_INFO Request (with 2.2.37.1 SMB2_QUERY_QUOTA_INFO) and 2.2.38 SMB2 QUERY_INFO
 * Response. Info classes (MS-FSCC FileInformationClass / FsInformationClass) and the output layouts are
 * in fscc/; security information bits are MS-DTYP's SecurityInformation (dtyp/access-mask.ts).
 */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.37 InfoType (also SET_INFO's). */
export const InfoType = {
  FILE: 0x01,
  FILESYSTEM: 0x02,
  SECURITY: 0x03,
  QUOTA: 0x04,
} as const;

/** 2.2.37 Flags (for FileFullEaInformation and quota queries). */
export const QueryInfoFlags = {
  RESTART_SCAN: 0x00000001,
  RETURN_SINGLE_ENTRY: 0x00000002,
  INDEX_SPECIFIED: 0x00000004,
} as const;

/**
 * 2.2.37 SMB2 QUERY_INFO Request. InputBufferOffset is 0 when there is no input (Samba rejects anything
 * else); input is the quota query (SMB2_QUERY_QUOTA_INFO) or a FILE_GET_EA_INFORMATION list.
 */
export const QueryInfoRequest = struct(
  "SMB2 QUERY_INFO Request",
  {
    structureSize: constant(u16, 41),
    infoType: u8,
    fileInfoClass: u8,
    outputBufferLength: u32,
    inputBufferOffset: offsetOf("inputBuffer", u16, { zeroIfEmpty: true }),
    reserved: reserved(2),
    inputBufferLength: lengthOf("inputBuffer", u32),
    /** SecurityInformation bits for InfoType SECURITY; the FileFullEaInformation index for EAs. */
    additionalInformation: withDefault(u32, 0),
    flags: withDefault(u32, 0),
    fileId,
    inputBuffer: varBytes(),
  },
  { encodeBase: 64, minSize: 41, spec: "MS-SMB2 2.2.37" },
);
export type QueryInfoRequest = Decoded<typeof QueryInfoRequest.fields>;

/**
 * 2.2.37.1 SMB2_QUERY_QUOTA_INFO. SidList is a FILE_GET_QUOTA_INFORMATION list (MS-FSCC 2.4.36.1) and
 * StartSid a SID, both raw here; StartSidOffset counts from the start of SidBuffer.
 */
export const QueryQuotaInfo = struct(
  "SMB2_QUERY_QUOTA_INFO",
  {
    returnSingle: u8,
    restartScan: u8,
    reserved: reserved(2),
    sidListLength: lengthOf("sidList", u32),
    startSidLength: lengthOf("startSid", u32),
    startSidOffset: offsetOf("startSid", u32, { zeroIfEmpty: true }),
    sidList: varBytes(),
    startSid: varBytes(),
  },
  { offsetsFrom: "fixedEnd", spec: "MS-SMB2 2.2.37.1" },
);
export type QueryQuotaInfo = Decoded<typeof QueryQuotaInfo.fields>;

/** 2.2.38 SMB2 QUERY_INFO Response: the output buffer as a view. */
export const QueryInfoResponse = struct(
  "SMB2 QUERY_INFO Response",
  {
    structureSize: constant(u16, 9),
    outputBufferOffset: offsetOf("buffer", u16),
    outputBufferLength: lengthOf("buffer", u32),
    buffer: varBytes(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.38" },
);
export type QueryInfoResponse = Decoded<typeof QueryInfoResponse.fields>;
