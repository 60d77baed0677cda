/**
 * The 52-byte SMB2 TRANSFORM_HEADER (MS-SMB2 2.2.41), laid out in this one place and used by both the
 * encrypt and decrypt paths. (smb-structures will later export a declarative codec for it; this table
 * is the crypto layer's single source until then.)
 *
 *   0  ProtocolId           4   0xFD 'S' 'M' 'B'
 *   4  Signature           16   AEAD tag
 *  20  Nonce               16   11 bytes used for CCM, 12 for GCM, rest zero
 *  36  OriginalMessageSize  4   plaintext length
 *  40  Reserved             2
 *  42  Flags                2   0x0001 Encrypted (3.1.1; "EncryptionAlgorithm" AES-128-CCM in 3.0.x)
 *  44  SessionId            8
 *
 * The AEAD's additional authenticated data is bytes 20..52 (everything after the Signature).
 */
export const TransformField = {
  protocolId: { offset: 0, size: 4 },
  signature: { offset: 4, size: 16 },
  nonce: { offset: 20, size: 16 },
  originalMessageSize: { offset: 36, size: 4 },
  reserved: { offset: 40, size: 2 },
  flags: { offset: 42, size: 2 },
  sessionId: { offset: 44, size: 8 },
} as const;

export const TRANSFORM_HEADER_SIZE = 52;
/** AAD = transform header bytes [TRANSFORM_AAD_OFFSET, TRANSFORM_HEADER_SIZE). */
export const TRANSFORM_AAD_OFFSET = TransformField.nonce.offset;
/** ProtocolId bytes as they appear on the wire. */
export const TRANSFORM_PROTOCOL_ID: readonly number[] = [0xfd, 0x53, 0x4d, 0x42];
/** Flags value meaning "Encrypted" (MS-SMB2 2.2.41). */
export const TRANSFORM_FLAG_ENCRYPTED = 0x0001;

/** Decoded TRANSFORM_HEADER fields. */
export interface TransformHeaderFields {
  signature: Buffer;
  /** All 16 bytes of the Nonce field. */
  nonce: Buffer;
  originalMessageSize: number;
  flags: number;
  sessionId: bigint;
}

/** True when `message` starts with the transform ProtocolId (0xFD 'S' 'M' 'B'). */
export function isTransformMessage(message: Uint8Array): boolean {
  return (
    message.length >= 4 &&
    message[0] === TRANSFORM_PROTOCOL_ID[0] &&
    message[1] === TRANSFORM_PROTOCOL_ID[1] &&
    message[2] === TRANSFORM_PROTOCOL_ID[2] &&
    message[3] === TRANSFORM_PROTOCOL_ID[3]
  );
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Reads the transform header at the start of `message` (for the receive path: routing by SessionId,
 * checking OriginalMessageSize). Throws RangeError when fewer than 52 bytes are given; does not check
 * ProtocolId (see {@link isTransformMessage}).
 */
export function readTransformHeader(message: Uint8Array): TransformHeaderFields {
  if (message.length < TRANSFORM_HEADER_SIZE) throw new RangeError("transform header is 52 bytes");
  const f = TransformField;
  const v = view(message);
  const bytes = (field: { offset: number; size: number }): Buffer =>
    Buffer.from(message.subarray(field.offset, field.offset + field.size));
  return {
    signature: bytes(f.signature),
    nonce: bytes(f.nonce),
    originalMessageSize: v.getUint32(f.originalMessageSize.offset, true),
    flags: v.getUint16(f.flags.offset, true),
    sessionId: v.getBigUint64(f.sessionId.offset, true),
  };
}

/**
 * Writes a transform header into `out[0..52)`: ProtocolId, a zero Signature (filled in after
 * encryption), `nonce` at offset 20 with the rest of the 16-byte field zeroed, OriginalMessageSize,
 * Reserved = 0, Flags and SessionId.
 */
export function writeTransformHeader(
  out: Uint8Array,
  fields: { nonce: Uint8Array; originalMessageSize: number; flags: number; sessionId: bigint },
): void {
  if (out.length < TRANSFORM_HEADER_SIZE) throw new RangeError("transform header is 52 bytes");
  if (fields.nonce.length > TransformField.nonce.size) throw new RangeError("nonce longer than 16 bytes");
  if (fields.sessionId < 0n || fields.sessionId > 0xffffffffffffffffn)
    throw new RangeError("SessionId is 64-bit");
  const f = TransformField;
  const v = view(out);
  out.set(TRANSFORM_PROTOCOL_ID, f.protocolId.offset);
  out.fill(0, f.signature.offset, f.signature.offset + f.signature.size);
  out.set(fields.nonce, f.nonce.offset);
  out.fill(0, f.nonce.offset + fields.nonce.length, f.nonce.offset + f.nonce.size);
  v.setUint32(f.originalMessageSize.offset, fields.originalMessageSize, true);
  v.setUint16(f.reserved.offset, 0, true);
  v.setUint16(f.flags.offset, fields.flags, true);
  v.setBigUint64(f.sessionId.offset, fields.sessionId, true);
}
