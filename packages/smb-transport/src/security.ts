/**
 * What the pump needs from a session's keys (implemented by smb-crypto's Signer and MessageCipher);
 * declared structurally so other implementations (a hardware signer, a test double) plug in.
 */
export interface MessageSigner {
  /** Signs the message given as segments; writes the signature into header bytes 48..63. */
  signInPlace(segments: readonly Uint8Array[]): void;
  /** Constant-time check of the signature in header bytes 48..63. */
  verify(segments: readonly Uint8Array[]): boolean;
}

export interface MessageCipher {
  /** [transform header, ciphertext...] for the plaintext message segments. */
  encrypt(plain: readonly Uint8Array[], sessionId: bigint): Buffer[];
  /**
   * Plaintext of a transform-wrapped message; throws on a bad tag. When `output` (exactly
   * OriginalMessageSize bytes) is given, the plaintext may be written into it and returned as a view of
   * it; implementations may also ignore it and return a buffer of their own. The pump passes the
   * ciphertext part of `message` itself (decryption in place): an implementation that writes `output`
   * must not read ciphertext bytes it has already overwritten.
   */
  decrypt(message: Uint8Array, output?: Buffer): Buffer;
}

/** Per-session security state registered with the pump by the session layer. */
export interface SessionSecurity {
  signer?: MessageSigner;
  /** Encrypts requests and decrypts replies of this session. */
  cipher?: MessageCipher;
  /** Replies must be signed (or encrypted); an unsigned final reply fails its request. */
  signingRequired: boolean;
}
