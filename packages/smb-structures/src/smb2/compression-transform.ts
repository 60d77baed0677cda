/**
 * MS-SMB2 2.2.42 SMB2 COMPRESSION_TRANSFORM_HEADER, unchained (2.2.42.1) and chained (2.2.42.2) with its
 * payload headers (2.2.42.2.1) and the Pattern_V1 payload (2.2.42.2.2). Flags at offset 10 tell the two
 * apart: 0 unchained, 1 (CHAINED) chained.
 */
import { SmbDecodeError } from "../codec/errors.js";
import { constant, lengthOf, reserved, tagOf } from "../codec/fields.js";
import { u8, u16, u32 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { type UnionValue, union } from "../codec/union.js";
import { varArray, varBytes } from "../codec/variable.js";
import { ProtocolId } from "./constants.js";
import { CompressionAlgorithm } from "./messages/negotiate-contexts.js";

/** 2.2.42 Flags. */
export const CompressionFlags = { NONE: 0x0000, CHAINED: 0x0001 } as const;

/**
 * 2.2.42.1 unchained form: the first Offset bytes after the header are sent uncompressed (the SMB2
 * header and what precedes the payload), the rest is compressed with CompressionAlgorithm.
 */
export const CompressionTransformHeaderUnchained = struct(
  "SMB2_COMPRESSION_TRANSFORM_HEADER_UNCHAINED",
  {
    protocolId: constant(u32, ProtocolId.COMPRESSION),
    originalCompressedSegmentSize: u32,
    compressionAlgorithm: u16,
    flags: constant(u16, CompressionFlags.NONE),
    /** Offset from the end of this header to the compressed data = the uncompressed prefix length. */
    offset: lengthOf("uncompressed", u32),
    uncompressed: varBytes(),
    compressed: varBytes({ zeroCopy: true }),
  },
  { spec: "MS-SMB2 2.2.42.1" },
);
export type CompressionTransformHeaderUnchained = Decoded<typeof CompressionTransformHeaderUnchained.fields>;

/** 2.2.42.2.2 SMB2_COMPRESSION_PATTERN_PAYLOAD_V1: Repetitions copies of one byte. */
export const PatternPayloadV1 = struct(
  "SMB2_COMPRESSION_PATTERN_PAYLOAD_V1",
  { pattern: u8, reserved1: reserved(1), reserved2: reserved(2), repetitions: u32 },
  { spec: "MS-SMB2 2.2.42.2.2" },
);
export type PatternPayloadV1 = Decoded<typeof PatternPayloadV1.fields>;

/** A payload sent as is (CompressionAlgorithm NONE). */
export const UncompressedPayload = struct("uncompressed payload", { data: varBytes() });
/** A compressed payload: OriginalPayloadSize, then the compressed bytes. */
export const CompressedPayload = struct("compressed payload", { originalPayloadSize: u32, data: varBytes() });

export const compressionPayloadVariants = {
  [CompressionAlgorithm.NONE]: UncompressedPayload,
  [CompressionAlgorithm.LZNT1]: CompressedPayload,
  [CompressionAlgorithm.LZ77]: CompressedPayload,
  [CompressionAlgorithm.LZ77_HUFFMAN]: CompressedPayload,
  [CompressionAlgorithm.LZ4]: CompressedPayload,
  [CompressionAlgorithm.PATTERN_V1]: PatternPayloadV1,
} as const;
export type CompressionPayload = UnionValue<typeof compressionPayloadVariants>;

/**
 * 2.2.42.2.1 SMB2_COMPRESSION_CHAINED_PAYLOAD_HEADER: Length covers the payload including
 * OriginalPayloadSize (present for LZNT1, LZ77, LZ77+Huffman and LZ4).
 */
export const CompressionChainedPayloadHeader = struct(
  "SMB2_COMPRESSION_CHAINED_PAYLOAD_HEADER",
  {
    compressionAlgorithm: tagOf("payload", u16),
    /** CHAINED on the first payload header, NONE on the others. */
    flags: u16,
    length: lengthOf("payload", u32),
    payload: union("compression payload", compressionPayloadVariants),
  },
  { spec: "MS-SMB2 2.2.42.2.1" },
);
export type CompressionChainedPayloadHeader = Decoded<typeof CompressionChainedPayloadHeader.fields>;

/** 2.2.42.2 chained form: the payloads follow one another to the end of the message. */
export const CompressionTransformHeaderChained = struct(
  "SMB2_COMPRESSION_TRANSFORM_HEADER_CHAINED",
  {
    protocolId: constant(u32, ProtocolId.COMPRESSION),
    originalCompressedSegmentSize: u32,
    payloads: varArray(CompressionChainedPayloadHeader),
  },
  { spec: "MS-SMB2 2.2.42.2" },
);
export type CompressionTransformHeaderChained = Decoded<typeof CompressionTransformHeaderChained.fields>;

export type CompressedMessage =
  | { chained: false; value: CompressionTransformHeaderUnchained }
  | { chained: true; value: CompressionTransformHeaderChained };

/** Decodes a received compressed message in whichever form its Flags field (offset 10) announces. */
export function decodeCompressionTransform(buf: Buffer, start = 0, end = buf.length): CompressedMessage {
  if (start + 12 > end) throw new SmbDecodeError("SMB2 COMPRESSION_TRANSFORM_HEADER", undefined, "truncated");
  const flags = buf.readUInt16LE(start + 10);
  if (flags === CompressionFlags.CHAINED) {
    return { chained: true, value: CompressionTransformHeaderChained.decode(buf, start, end) };
  }
  return { chained: false, value: CompressionTransformHeaderUnchained.decode(buf, start, end) };
}

/** Expands a Pattern_V1 payload. */
export function expandPatternV1(p: PatternPayloadV1): Buffer {
  return Buffer.alloc(p.repetitions, p.pattern);
}
