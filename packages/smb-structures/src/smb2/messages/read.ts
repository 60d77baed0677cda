/** MS-SMB2 2.2.19 SMB2 READ Request and 2.2.20 SMB2 READ Response. */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u8, u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.19 Flags. */
export const ReadFlags = { READ_UNBUFFERED: 0x01, REQUEST_COMPRESSED: 0x02 } as const;
/** 2.2.20 Flags (3.1.1). */
export const ReadResponseFlags = { RDMA_TRANSFORM: 0x00000001 } as const;
/** 2.2.19 / 2.2.21 Channel. */
export const Channel = {
  NONE: 0x00000000,
  RDMA_V1: 0x00000001,
  RDMA_V1_INVALIDATE: 0x00000002,
  RDMA_TRANSFORM: 0x00000003,
} as const;

/**
 * 2.2.19 SMB2 READ Request: StructureSize 49 counts one byte of Buffer, sent as a zero byte when there
 * is no channel info. Padding asks where the server places the data in its response (0x50: right after
 * the 16-byte response body).
 */
export const ReadRequest = struct(
  "SMB2 READ Request",
  {
    structureSize: constant(u16, 49),
    padding: withDefault(u8, 0x50),
    flags: withDefault(u8, 0),
    length: u32,
    offset: u64,
    fileId,
    minimumCount: withDefault(u32, 0),
    channel: withDefault(u32, Channel.NONE),
    remainingBytes: withDefault(u32, 0),
    readChannelInfoOffset: offsetOf("readChannelInfo", u16, { zeroIfEmpty: true }),
    readChannelInfoLength: lengthOf("readChannelInfo", u16),
    readChannelInfo: varBytes(),
  },
  { encodeBase: 64, minSize: 49, spec: "MS-SMB2 2.2.19" },
);
export type ReadRequest = Decoded<typeof ReadRequest.fields>;

/** 2.2.20 SMB2 READ Response: DataOffset is a single byte; Data decodes as a view (no copy). */
export const ReadResponse = struct(
  "SMB2 READ Response",
  {
    structureSize: constant(u16, 17),
    dataOffset: offsetOf("data", u8),
    reserved: reserved(1),
    dataLength: lengthOf("data", u32),
    dataRemaining: withDefault(u32, 0),
    /** Flags (3.1.1: ReadResponseFlags), Reserved2 before. */
    flags: withDefault(u32, 0),
    data: varBytes(),
  },
  { encodeBase: 64, minSize: 17, spec: "MS-SMB2 2.2.20" },
);
export type ReadResponse = Decoded<typeof ReadResponse.fields>;
