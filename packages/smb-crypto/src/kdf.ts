import { createHmac } from "node:crypto";
import type { CipherAlgorithm } from "./encryption.js";

/**
 * SP800-108 KDF in counter mode with HMAC-SHA256 as PRF, r = 32 (MS-SMB2 3.1.4.2):
 *   K(i) = HMAC-SHA256(Ki, [i]_32be || Label || 0x00 || Context || [L]_32be), output = first L bits.
 * SMB labels and contexts already include their trailing NUL; the 0x00 separator is added here.
 */
export function kdf(key: Uint8Array, label: Uint8Array, context: Uint8Array, lengthBits: 128 | 256): Buffer {
  if (lengthBits !== 128 && lengthBits !== 256)
    throw new RangeError("KDF output length must be 128 or 256 bits");
  // L <= 256 = the PRF output size, so a single iteration (i = 1) suffices.
  const fixed = Buffer.alloc(4);
  const h = createHmac("sha256", key);
  fixed.writeUInt32BE(1, 0);
  h.update(fixed);
  h.update(label);
  h.update(SEPARATOR);
  h.update(context);
  fixed.writeUInt32BE(lengthBits, 0);
  h.update(fixed);
  return h.digest().subarray(0, lengthBits / 8);
}

const SEPARATOR = new Uint8Array(1);
const ascii = (s: string): Buffer => Buffer.from(`${s}\0`, "latin1");

/** Labels and contexts of MS-SMB2 3.2.5.3.1 / 3.3.5.5.3 (each includes its terminating NUL). */
export const KdfLabels = {
  /** SMB 3.0 / 3.0.2 */
  smb30: {
    signing: { label: ascii("SMB2AESCMAC"), context: ascii("SmbSign") },
    /** Client-to-server ("ServerIn ", trailing space intended). */
    encryption: { label: ascii("SMB2AESCCM"), context: ascii("ServerIn ") },
    /** Server-to-client. */
    decryption: { label: ascii("SMB2AESCCM"), context: ascii("ServerOut") },
    application: { label: ascii("SMB2APP"), context: ascii("SmbRpc") },
  },
  /** SMB 3.1.1: the context is Session.PreauthIntegrityHashValue. */
  smb311: {
    signing: ascii("SMBSigningKey"),
    encryption: ascii("SMBC2SCipherKey"),
    decryption: ascii("SMBS2CCipherKey"),
    application: ascii("SMBAppKey"),
  },
} as const;

/** Dialect revision numbers (MS-SMB2 2.2.3). */
export const Dialect = {
  SMB202: 0x0202,
  SMB210: 0x0210,
  SMB300: 0x0300,
  SMB302: 0x0302,
  SMB311: 0x0311,
} as const;

export interface DeriveSessionKeysInput {
  /** Negotiated dialect: 0x0202, 0x0210, 0x0300, 0x0302 or 0x0311. */
  dialect: number;
  /** The GSS (NTLM / Kerberos) session key, any length. */
  sessionKey: Uint8Array;
  /** Session.PreauthIntegrityHashValue (64 bytes); required for 3.1.1. */
  preauthHash?: Uint8Array;
  /** Connection.CipherId; decides the encryption key size on 3.1.1. Default AES-128-CCM / AES-128-GCM. */
  cipher?: CipherAlgorithm;
}

export interface SessionKeys {
  /** Session.SigningKey (16 bytes). For 2.0.2 / 2.1 it is Session.SessionKey itself. */
  signingKey: Buffer;
  /** Session.EncryptionKey, client to server ("ServerIn"); empty before SMB 3.0. */
  encryptionKey: Buffer;
  /** Session.DecryptionKey, server to client ("ServerOut"); empty before SMB 3.0. */
  decryptionKey: Buffer;
  /** Session.ApplicationKey; for 2.0.2 / 2.1 (which have none) Session.SessionKey, as exposed to apps. */
  applicationKey: Buffer;
}

/**
 * Derives a session's keys as the client does in MS-SMB2 3.2.5.3.1:
 * - Session.SessionKey = first 16 bytes of the GSS key, right-padded with zeros when shorter;
 *   Session.FullSessionKey = the whole GSS key.
 * - 2.0.2 / 2.1: SigningKey = SessionKey (HMAC-SHA256 signing); no encryption keys.
 * - 3.0 / 3.0.2: SMB3KDF(SessionKey, label, constant context) with the smb30 labels.
 * - 3.1.1: SMB3KDF(Ki, label, PreauthIntegrityHashValue) with the smb311 labels, where Ki is
 *   FullSessionKey for the Encryption/DecryptionKey when CipherId is AES-256-CCM/GCM and SessionKey
 *   otherwise (always SessionKey for the Signing/ApplicationKey).
 * L is the size of the key being produced: 128 bits, except 256 for the AES-256 cipher keys (as Samba
 * does; Signing and Application keys are 128-bit keys in every case).
 */
export function deriveSessionKeys(input: DeriveSessionKeysInput): SessionKeys {
  const { dialect, sessionKey: gssKey, preauthHash, cipher } = input;
  const sessionKey = Buffer.alloc(16);
  Buffer.from(gssKey.buffer, gssKey.byteOffset, Math.min(gssKey.length, 16)).copy(sessionKey);
  const empty = Buffer.alloc(0);

  switch (dialect) {
    case Dialect.SMB202:
    case Dialect.SMB210:
      return {
        signingKey: sessionKey,
        encryptionKey: empty,
        decryptionKey: empty,
        applicationKey: sessionKey,
      };
    case Dialect.SMB300:
    case Dialect.SMB302: {
      if (cipher !== undefined && cipher !== "AES-128-CCM") {
        throw new RangeError(
          `SMB ${dialect === Dialect.SMB300 ? "3.0" : "3.0.2"} only encrypts with AES-128-CCM`,
        );
      }
      const l = KdfLabels.smb30;
      return {
        signingKey: kdf(sessionKey, l.signing.label, l.signing.context, 128),
        encryptionKey: kdf(sessionKey, l.encryption.label, l.encryption.context, 128),
        decryptionKey: kdf(sessionKey, l.decryption.label, l.decryption.context, 128),
        applicationKey: kdf(sessionKey, l.application.label, l.application.context, 128),
      };
    }
    case Dialect.SMB311: {
      if (preauthHash === undefined || preauthHash.length !== 64) {
        throw new RangeError("SMB 3.1.1 key derivation needs the 64-byte preauth integrity hash");
      }
      const aes256 = cipher === "AES-256-CCM" || cipher === "AES-256-GCM";
      const cipherKi = aes256 ? gssKey : sessionKey;
      const cipherBits = aes256 ? 256 : 128;
      const l = KdfLabels.smb311;
      return {
        signingKey: kdf(sessionKey, l.signing, preauthHash, 128),
        encryptionKey: kdf(cipherKi, l.encryption, preauthHash, cipherBits),
        decryptionKey: kdf(cipherKi, l.decryption, preauthHash, cipherBits),
        applicationKey: kdf(sessionKey, l.application, preauthHash, 128),
      };
    }
    default:
      throw new RangeError(`unsupported dialect 0x${dialect.toString(16)}`);
  }
}
