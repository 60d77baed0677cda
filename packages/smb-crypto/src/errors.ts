/**
 * Typed errors thrown by smb-crypto. Every error carries a stable `code` string so callers (transport,
 * auth) can branch without string-matching messages.
 */

/** Base class of every error this package throws on purpose. */
export class SmbCryptoError extends Error {
  /** Stable machine-readable code, e.g. "ERR_SMB_BAD_SIGNATURE". */
  readonly code: string;

  constructor(message: string, code = "ERR_SMB_CRYPTO", options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A received message's signature (MS-SMB2 3.1.5.1) did not match the one computed locally. */
export class SignatureMismatchError extends SmbCryptoError {
  constructor(message = "SMB2 message signature does not match") {
    super(message, "ERR_SMB_BAD_SIGNATURE");
  }
}

/** Why a transformed (encrypted) message was rejected. */
export type DecryptionFailure =
  | "truncated" // shorter than the 52-byte transform header
  | "bad-protocol-id" // not 0xFD 'S' 'M' 'B'
  | "bad-flags" // Flags/EncryptionAlgorithm is not 0x0001
  | "size-mismatch" // OriginalMessageSize differs from the ciphertext length
  | "bad-tag"; // authentication failed: wrong key, tampered header (AAD), ciphertext or signature

/** A transformed message (MS-SMB2 2.2.41, 3.1.5.1) could not be decrypted and authenticated. */
export class DecryptionError extends SmbCryptoError {
  readonly reason: DecryptionFailure;

  constructor(reason: DecryptionFailure, message: string, options?: { cause?: unknown }) {
    super(message, "ERR_SMB_DECRYPTION_FAILED", options);
    this.reason = reason;
  }
}

/** A MessageCipher used up its 64-bit nonce counter; the key must be replaced (new session). */
export class NonceExhaustedError extends SmbCryptoError {
  constructor(message = "nonce counter exhausted for this encryption key") {
    super(message, "ERR_SMB_NONCE_EXHAUSTED");
  }
}
