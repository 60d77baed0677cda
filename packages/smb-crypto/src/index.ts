/**
 * smb-crypto: SMB2/3 signing (HMAC-SHA256, AES-CMAC, AES-GMAC), encryption (AES-CCM/GCM), SP800-108 KDF,
 * preauth integrity, and pure-TypeScript MD4/RC4/DES for NTLM.
 */
export const PACKAGE_NAME = "smb-crypto";

export { AesCmac, CmacStream } from "./cmac.js";
export { desEncryptBlock, expandDesKey } from "./des.js";
export {
  type CipherAlgorithm,
  CipherId,
  cipherAlgorithmFromId,
  MessageCipher,
  type MessageCipherOptions,
  SessionCipher,
} from "./encryption.js";
export {
  type DecryptionFailure,
  DecryptionError,
  NonceExhaustedError,
  SignatureMismatchError,
  SmbCryptoError,
} from "./errors.js";
export { hmacMd5 } from "./hmac-md5.js";
export {
  Dialect,
  type DeriveSessionKeysInput,
  deriveSessionKeys,
  KdfLabels,
  kdf,
  type SessionKeys,
} from "./kdf.js";
export { md4 } from "./md4.js";
export { PreauthHash } from "./preauth.js";
export { Rc4, rc4 } from "./rc4.js";
export { SIGNATURE_OFFSET, SIGNATURE_SIZE, SMB2_HEADER_SIZE } from "./segments.js";
export { aesCmac, type SigningAlgorithm, SigningAlgorithmId, Signer, signatureOf } from "./signing.js";
export {
  isTransformMessage,
  readTransformHeader,
  TRANSFORM_AAD_OFFSET,
  TRANSFORM_FLAG_ENCRYPTED,
  TRANSFORM_HEADER_SIZE,
  TRANSFORM_PROTOCOL_ID,
  TransformField,
  type TransformHeaderFields,
  writeTransformHeader,
} from "./transform-layout.js";
