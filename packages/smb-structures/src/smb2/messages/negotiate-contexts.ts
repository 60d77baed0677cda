/**
 * MS-SMB2 2.2.3.1 SMB2_NEGOTIATE_CONTEXT and its data layouts (2.2.3.1.1-2.2.3.1.7; the response forms,
 * 2.2.4.1.x, share them). The list is a tagged union by ContextType; unknown types stay raw bytes.
 * Each context starts 8-byte aligned.
 */
import { countOf, lengthOf, reserved, tagOf } from "../../codec/fields.js";
import { u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { findVariant, type UnionValue, union } from "../../codec/union.js";
import { mapVar, utf16, varArray, varBytes } from "../../codec/variable.js";

/** 2.2.3.1 ContextType. */
export const NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  COMPRESSION_CAPABILITIES: 0x0003,
  NETNAME_NEGOTIATE_CONTEXT_ID: 0x0005,
  TRANSPORT_CAPABILITIES: 0x0006,
  RDMA_TRANSFORM_CAPABILITIES: 0x0007,
  SIGNING_CAPABILITIES: 0x0008,
} as const;

/** 2.2.3.1.1 HashAlgorithms. */
export const HashAlgorithm = { SHA_512: 0x0001 } as const;
/** 2.2.3.1.2 Ciphers. */
export const Cipher = {
  AES_128_CCM: 0x0001,
  AES_128_GCM: 0x0002,
  AES_256_CCM: 0x0003,
  AES_256_GCM: 0x0004,
} as const;
/** 2.2.3.1.3 CompressionAlgorithms (also the algorithm ids of 2.2.42). */
export const CompressionAlgorithm = {
  NONE: 0x0000,
  LZNT1: 0x0001,
  LZ77: 0x0002,
  LZ77_HUFFMAN: 0x0003,
  PATTERN_V1: 0x0004,
  LZ4: 0x0005,
} as const;
/** 2.2.3.1.3 Flags of SMB2_COMPRESSION_CAPABILITIES. */
export const CompressionCapabilitiesFlags = { NONE: 0x00000000, CHAINED: 0x00000001 } as const;
/** 2.2.3.1.5 Flags of SMB2_TRANSPORT_CAPABILITIES. */
export const TransportCapabilitiesFlags = { ACCEPT_TRANSPORT_LEVEL_SECURITY: 0x00000001 } as const;
/** 2.2.3.1.6 RDMATransformIds. */
export const RdmaTransformId = { NONE: 0x0000, ENCRYPTION: 0x0001, SIGNING: 0x0002 } as const;
/** 2.2.3.1.7 SigningAlgorithms. */
export const SigningAlgorithm = { HMAC_SHA256: 0x0000, AES_CMAC: 0x0001, AES_GMAC: 0x0002 } as const;

/** 2.2.3.1.1 SMB2_PREAUTH_INTEGRITY_CAPABILITIES. */
export const PreauthIntegrityCapabilities = struct(
  "SMB2_PREAUTH_INTEGRITY_CAPABILITIES",
  {
    hashAlgorithmCount: countOf("hashAlgorithms", u16),
    saltLength: lengthOf("salt", u16),
    hashAlgorithms: varArray(u16),
    salt: varBytes(),
  },
  { spec: "MS-SMB2 2.2.3.1.1" },
);
export type PreauthIntegrityCapabilities = Decoded<typeof PreauthIntegrityCapabilities.fields>;

/** 2.2.3.1.2 SMB2_ENCRYPTION_CAPABILITIES. */
export const EncryptionCapabilities = struct(
  "SMB2_ENCRYPTION_CAPABILITIES",
  { cipherCount: countOf("ciphers", u16), ciphers: varArray(u16) },
  { spec: "MS-SMB2 2.2.3.1.2" },
);
export type EncryptionCapabilities = Decoded<typeof EncryptionCapabilities.fields>;

/** 2.2.3.1.3 SMB2_COMPRESSION_CAPABILITIES. */
export const CompressionCapabilities = struct(
  "SMB2_COMPRESSION_CAPABILITIES",
  {
    compressionAlgorithmCount: countOf("compressionAlgorithms", u16),
    padding: reserved(2),
    flags: u32,
    compressionAlgorithms: varArray(u16),
  },
  { spec: "MS-SMB2 2.2.3.1.3" },
);
export type CompressionCapabilities = Decoded<typeof CompressionCapabilities.fields>;

/** 2.2.3.1.4 SMB2_NETNAME_NEGOTIATE_CONTEXT_ID: the server name the client connects to. */
export const NetnameNegotiateContextId = struct(
  "SMB2_NETNAME_NEGOTIATE_CONTEXT_ID",
  { netName: utf16() },
  { spec: "MS-SMB2 2.2.3.1.4" },
);
export type NetnameNegotiateContextId = Decoded<typeof NetnameNegotiateContextId.fields>;

/** 2.2.3.1.5 SMB2_TRANSPORT_CAPABILITIES. */
export const TransportCapabilities = struct(
  "SMB2_TRANSPORT_CAPABILITIES",
  { flags: u32 },
  { spec: "MS-SMB2 2.2.3.1.5" },
);
export type TransportCapabilities = Decoded<typeof TransportCapabilities.fields>;

/** 2.2.3.1.6 SMB2_RDMA_TRANSFORM_CAPABILITIES. */
export const RdmaTransformCapabilities = struct(
  "SMB2_RDMA_TRANSFORM_CAPABILITIES",
  {
    transformCount: countOf("rdmaTransformIds", u16),
    reserved1: reserved(2),
    reserved2: reserved(4),
    rdmaTransformIds: varArray(u16),
  },
  { spec: "MS-SMB2 2.2.3.1.6" },
);
export type RdmaTransformCapabilities = Decoded<typeof RdmaTransformCapabilities.fields>;

/** 2.2.3.1.7 SMB2_SIGNING_CAPABILITIES. */
export const SigningCapabilities = struct(
  "SMB2_SIGNING_CAPABILITIES",
  { signingAlgorithmCount: countOf("signingAlgorithms", u16), signingAlgorithms: varArray(u16) },
  { spec: "MS-SMB2 2.2.3.1.7" },
);
export type SigningCapabilities = Decoded<typeof SigningCapabilities.fields>;

export const negotiateContextVariants = {
  [NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES]: PreauthIntegrityCapabilities,
  [NegotiateContextType.ENCRYPTION_CAPABILITIES]: EncryptionCapabilities,
  [NegotiateContextType.COMPRESSION_CAPABILITIES]: CompressionCapabilities,
  [NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID]: NetnameNegotiateContextId,
  [NegotiateContextType.TRANSPORT_CAPABILITIES]: TransportCapabilities,
  [NegotiateContextType.RDMA_TRANSFORM_CAPABILITIES]: RdmaTransformCapabilities,
  [NegotiateContextType.SIGNING_CAPABILITIES]: SigningCapabilities,
} as const;

/** One negotiate context: `{ type, value }`, value decoded for known types, raw bytes otherwise. */
export type NegotiateContext = UnionValue<typeof negotiateContextVariants>;

/** 2.2.3.1 SMB2_NEGOTIATE_CONTEXT. */
export const NegotiateContextStruct = struct(
  "SMB2_NEGOTIATE_CONTEXT",
  {
    contextType: tagOf("data", u16),
    dataLength: lengthOf("data", u16),
    reserved: reserved(4),
    data: union("negotiate context data", negotiateContextVariants),
  },
  { spec: "MS-SMB2 2.2.3.1" },
);

/** NegotiateContextList: 8-byte aligned contexts (the list itself starts 8-aligned from the header). */
export function negotiateContextList() {
  return mapVar(
    varArray(NegotiateContextStruct, { align: 8, elementAlign: 8 }),
    (list): NegotiateContext[] => list.map((e) => e.data),
    (list: NegotiateContext[]) => list.map((data) => ({ data })),
  );
}

/** The decoded data of the first context of `type`, if present and of a known layout. */
export function findNegotiateContext<K extends keyof typeof negotiateContextVariants>(
  list: readonly NegotiateContext[],
  type: K,
): Decoded<(typeof negotiateContextVariants)[K]["fields"]> | undefined {
  return findVariant<typeof negotiateContextVariants, K>(list, type);
}
