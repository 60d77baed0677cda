/**
 * Turns an authenticated session key into the pump's per-session security state (MS-SMB2 3.2.5.3.1):
 * derived signing key with the dialect's algorithm, and one cipher per direction for SMB 3.x.
 */
import {
  type CipherAlgorithm,
  deriveSessionKeys,
  SessionCipher,
  type SigningAlgorithm,
  Signer,
} from "smb-crypto";
import type { MessageCipher as PumpCipher } from "smb-transport";

export interface SessionCrypto {
  signer: Signer;
  /** Encrypts requests with EncryptionKey and decrypts replies with DecryptionKey. */
  cipher?: PumpCipher;
  applicationKey: Buffer;
}

export function sessionCrypto(input: {
  dialect: number;
  sessionKey: Uint8Array;
  preauthHash?: Uint8Array;
  signingAlgorithm: SigningAlgorithm;
  cipher?: CipherAlgorithm;
}): SessionCrypto {
  const keys = deriveSessionKeys({
    dialect: input.dialect,
    sessionKey: input.sessionKey,
    preauthHash: input.preauthHash,
    cipher: input.cipher,
  });
  const signer = new Signer(input.signingAlgorithm, keys.signingKey);
  const cipher =
    input.cipher && input.dialect >= 0x0300
      ? new SessionCipher(input.cipher, keys.encryptionKey, keys.decryptionKey)
      : undefined;
  return { signer, cipher, applicationKey: keys.applicationKey };
}

/** MS-SMB2 3.1.4.1: the signing algorithm a dialect uses unless 3.1.1 negotiated another. */
export function defaultSigningAlgorithm(dialect: number): SigningAlgorithm {
  return dialect >= 0x0300 ? "AES-128-CMAC" : "HMAC-SHA256";
}
