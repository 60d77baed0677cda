/** MS-SMB2 2.2.41 SMB2 TRANSFORM_HEADER (encrypted messages): 52 bytes. */
import { constant } from "../codec/fields.js";
import { reserved } from "../codec/fields.js";
import { bytes, u16, u32, u64 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { ProtocolId } from "./constants.js";

export const TRANSFORM_HEADER_SIZE = 52;
/** The AAD of the AEAD cipher: the transform header from Nonce (offset 20) to its end (MS-SMB2 3.1.4.3). */
export const TRANSFORM_AAD_OFFSET = 20;

export const TransformHeader = struct(
  "SMB2 TRANSFORM_HEADER",
  {
    protocolId: constant(u32, ProtocolId.TRANSFORM),
    signature: bytes(16),
    /** 11 bytes used for CCM, 12 for GCM; the rest is zero. */
    nonce: bytes(16),
    originalMessageSize: u32,
    reserved: reserved(2),
    /** 3.0/3.0.2: EncryptionAlgorithm (1 = AES-128-CCM); 3.1.1: Flags (1 = Encrypted). */
    flags: u16,
    sessionId: u64,
  },
  { spec: "MS-SMB2 2.2.41" },
);
export type TransformHeaderValue = Decoded<typeof TransformHeader.fields>;
