/**
 * MS-SMB2 2.2.1.1 (async) and 2.2.1.2 (sync) packet header: 64 bytes. The sync form carries
 * Reserved/ProcessId and TreeId where the async form carries AsyncId; both are declared as the two
 * 32-bit halves, and `asyncIdOf` joins them.
 */
import { constant } from "../codec/fields.js";
import { bytes, u16, u32, u64 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { HeaderFlags, ProtocolId } from "./constants.js";

export const HEADER_SIZE = 64;
/** Offset of the 16-byte Signature field inside the header. */
export const SIGNATURE_OFFSET = 48;

export const Smb2Header = struct(
  "SMB2 header",
  {
    protocolId: constant(u32, ProtocolId.SMB2),
    structureSize: constant(u16, 64),
    creditCharge: u16,
    /** Status in responses; ChannelSequence (low 16 bits) in 3.x requests. */
    status: u32,
    command: u16,
    /** CreditRequest in requests, CreditResponse in responses. */
    credits: u16,
    flags: u32,
    nextCommand: u32,
    messageId: u64,
    /** Sync: Reserved (ProcessId). Async: low half of AsyncId. */
    processId: u32,
    /** Sync: TreeId. Async: high half of AsyncId. */
    treeId: u32,
    sessionId: u64,
    signature: bytes(16),
  },
  { spec: "MS-SMB2 2.2.1" },
);
export type Smb2HeaderValue = Decoded<typeof Smb2Header.fields>;
export type Smb2HeaderInput = Input<typeof Smb2Header.fields>;

/** The AsyncId of an async header (MS-SMB2 2.2.1.1). */
export function asyncIdOf(h: Pick<Smb2HeaderValue, "processId" | "treeId">): bigint {
  return (BigInt(h.treeId) << 32n) | BigInt(h.processId);
}
/** The processId/treeId halves that encode an AsyncId. */
export function asyncIdFields(asyncId: bigint): { processId: number; treeId: number } {
  return { processId: Number(asyncId & 0xffffffffn), treeId: Number(asyncId >> 32n) };
}
export function isAsync(h: Pick<Smb2HeaderValue, "flags">): boolean {
  return (h.flags & HeaderFlags.ASYNC_COMMAND) !== 0;
}
export function isResponse(h: Pick<Smb2HeaderValue, "flags">): boolean {
  return (h.flags & HeaderFlags.SERVER_TO_REDIR) !== 0;
}
