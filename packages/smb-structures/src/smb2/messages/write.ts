/** MS-SMB2 2.2.21 SMB2 WRITE Request and 2.2.22 SMB2 WRITE Response. */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";
import { Channel } from "./read.js";

/** 2.2.21 Flags. */
export const WriteFlags = { WRITE_THROUGH: 0x00000001, WRITE_UNBUFFERED: 0x00000002 } as const;

/**
 * 2.2.21 SMB2 WRITE Request. Data is zero-copy: `encodeParts` returns [the 48-byte body, data], so the
 * payload goes to the socket without being copied. Data sits at header offset 0x70 (after the channel
 * info, when there is any).
 */
export const WriteRequest = struct(
  "SMB2 WRITE Request",
  {
    structureSize: constant(u16, 49),
    dataOffset: offsetOf("data", u16),
    length: lengthOf("data", u32),
    offset: u64,
    fileId,
    channel: withDefault(u32, Channel.NONE),
    remainingBytes: withDefault(u32, 0),
    writeChannelInfoOffset: offsetOf("writeChannelInfo", u16, { zeroIfEmpty: true }),
    writeChannelInfoLength: lengthOf("writeChannelInfo", u16),
    flags: withDefault(u32, 0),
    writeChannelInfo: varBytes(),
    data: varBytes({ zeroCopy: true }),
  },
  { encodeBase: 64, minSize: 49, spec: "MS-SMB2 2.2.21" },
);
export type WriteRequest = Decoded<typeof WriteRequest.fields>;

/** 2.2.22 SMB2 WRITE Response (16 bytes on the wire although StructureSize says 17). */
export const WriteResponse = struct(
  "SMB2 WRITE Response",
  {
    structureSize: constant(u16, 17),
    reserved: reserved(2),
    count: u32,
    remaining: withDefault(u32, 0),
    writeChannelInfoOffset: reserved(2),
    writeChannelInfoLength: reserved(2),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.22" },
);
export type WriteResponse = Decoded<typeof WriteResponse.fields>;
