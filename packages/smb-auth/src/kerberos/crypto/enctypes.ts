/**
 * Kerberos encryption types (RFC 3961 framework):
 * - aes128/aes256-cts-hmac-sha1-96 (17, 18; RFC 3962): simplified profile, DK key derivation, PBKDF2-SHA1;
 * - aes128-cts-hmac-sha256-128 / aes256-cts-hmac-sha384-192 (19, 20; RFC 8009): SP800-108 HMAC KDF,
 *   encrypt-then-MAC, PBKDF2-SHA256/384;
 * - rc4-hmac (23; RFC 4757): MD4 string-to-key, HMAC-MD5 + RC4 (pure TS from smb-crypto).
 * AES runs in node:crypto (CBC/ECB) under the CTS construction of ./cts.ts; nothing here implements AES.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { hmacMd5, md4, rc4 } from "smb-crypto";
import { KerberosError } from "../errors.js";
import { aesBlock, ctsDecrypt, ctsEncrypt } from "./cts.js";
import { nfold } from "./nfold.js";

/** Encryption type numbers (RFC 3961 8, RFC 8009, RFC 4757). */
export const EncType = {
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
  RC4_HMAC: 23,
} as const;

/** Checksum type numbers. */
export const ChecksumType = {
  HMAC_SHA1_96_AES128: 15,
  HMAC_SHA1_96_AES256: 16,
  HMAC_SHA256_128_AES128: 19,
  HMAC_SHA384_192_AES256: 20,
  HMAC_MD5: -138,
  /** RFC 4121 4.1.1 authenticator checksum carrying GSS flags and channel bindings. */
  GSSAPI: 0x8003,
} as const;

/** Key usage numbers (RFC 4120 7.5.1, RFC 4121 2). */
export const KeyUsage = {
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  KDC_REP_TICKET: 2,
  AS_REP_ENC_PART: 3,
  TGS_REQ_AUTH_DATA_SESSION_KEY: 4,
  TGS_REQ_AUTH_DATA_SUBKEY: 5,
  TGS_REQ_PA_TGS_REQ_CKSUM: 6,
  TGS_REQ_PA_TGS_REQ_AUTHENTICATOR: 7,
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  TGS_REP_ENC_PART_SUBKEY: 9,
  AP_REQ_AUTHENTICATOR_CKSUM: 10,
  AP_REQ_AUTHENTICATOR: 11,
  AP_REP_ENC_PART: 12,
  GSS_ACCEPTOR_SEAL: 22,
  GSS_ACCEPTOR_SIGN: 23,
  GSS_INITIATOR_SEAL: 24,
  GSS_INITIATOR_SIGN: 25,
} as const;

/** One encryption type: operations on raw key bytes (wrapped by KerberosKey for everyone else). */
export interface EncryptionProfile {
  readonly enctype: number;
  readonly name: string;
  readonly keySize: number;
  /** The mandatory checksum type of this enctype (RFC 3961 "required checksum mechanism"). */
  readonly checksumType: number;
  readonly checksumSize: number;
  /** Default s2kparams (iteration count) when the KDC sends none; undefined for rc4-hmac. */
  readonly defaultIterations: number | undefined;
  /** string-to-key; `params` are the ETYPE-INFO2 s2kparams (4-byte big-endian iteration count). */
  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer;
  randomKey(): Buffer;
  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer;
  /** Throws KerberosError KRB_AP_ERR_BAD_INTEGRITY when the integrity check fails. */
  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer;
  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer;
  /** RFC 3961 pseudo-random function. */
  prf(key: Uint8Array, data: Uint8Array): Buffer;
}

const integrityError = (name: string, usage: number): KerberosError =>
  new KerberosError(
    "KRB_AP_ERR_BAD_INTEGRITY",
    `${name}: integrity check failed (key usage ${usage}): wrong key or corrupted message`,
    { errorCode: 31 },
  );

function usageConstant(usage: number, kind: 0x99 | 0xaa | 0x55): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(usage >>> 0, 0);
  b[4] = kind;
  return b;
}

function iterationsOf(params: Uint8Array | undefined, fallback: number, name: string): number {
  if (params === undefined || params.length === 0) return fallback;
  if (params.length !== 4) {
    throw new KerberosError("KRB5_BAD_MSG", `${name}: s2kparams must be 4 bytes, got ${params.length}`);
  }
  const n = Buffer.from(params).readUInt32BE(0);
  // RFC 3962 4: an iteration count of 0 means 2^32; refuse absurd (or weakening) values.
  if (n === 0 || n > 10_000_000)
    throw new KerberosError("KRB5_BAD_MSG", `${name}: iteration count ${n} refused`);
  return n;
}

const toBytes = (s: string | Uint8Array): Buffer =>
  typeof s === "string" ? Buffer.from(s, "utf8") : Buffer.from(s);

// -------------------------------------------------------------------------------------------------------
// RFC 3962: aes*-cts-hmac-sha1-96
// -------------------------------------------------------------------------------------------------------

/** RFC 3961 5.1 DR then DK (random-to-key is the identity for AES). */
function dk(key: Uint8Array, constant: Uint8Array): Buffer {
  let block = constant.length === 16 ? Buffer.from(constant) : nfold(constant, 16);
  const out: Buffer[] = [];
  let have = 0;
  while (have < key.length) {
    block = aesBlock(true, key, block);
    out.push(block);
    have += 16;
  }
  return Buffer.concat(out).subarray(0, key.length);
}

class AesSha1 implements EncryptionProfile {
  readonly checksumSize = 12;
  readonly defaultIterations = 4096;
  constructor(
    readonly enctype: number,
    readonly name: string,
    readonly keySize: 16 | 32,
    readonly checksumType: number,
  ) {}

  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer {
    const iterations = iterationsOf(params, this.defaultIterations, this.name);
    const tkey = pbkdf2Sync(Buffer.from(password, "utf8"), toBytes(salt), iterations, this.keySize, "sha1");
    return dk(tkey, Buffer.from("kerberos", "latin1"));
  }

  randomKey(): Buffer {
    return randomBytes(this.keySize);
  }

  #checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) throw new RangeError(`${this.name} needs a ${this.keySize}-byte key`);
  }

  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    this.#checkKey(key);
    const ke = dk(key, usageConstant(usage, 0xaa));
    const ki = dk(key, usageConstant(usage, 0x55));
    const data = Buffer.concat([confounder ?? randomBytes(16), plaintext]);
    const c = ctsEncrypt(ke, data);
    const h = createHmac("sha1", ki).update(data).digest().subarray(0, 12);
    return Buffer.concat([c, h]);
  }

  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer {
    this.#checkKey(key);
    if (ciphertext.length < 16 + 12) throw integrityError(this.name, usage);
    const ke = dk(key, usageConstant(usage, 0xaa));
    const ki = dk(key, usageConstant(usage, 0x55));
    const c = ciphertext.subarray(0, ciphertext.length - 12);
    const mac = Buffer.from(ciphertext.subarray(ciphertext.length - 12));
    const data = ctsDecrypt(ke, c);
    const h = createHmac("sha1", ki).update(data).digest().subarray(0, 12);
    if (!timingSafeEqual(h, mac)) throw integrityError(this.name, usage);
    return data.subarray(16);
  }

  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer {
    this.#checkKey(key);
    const kc = dk(key, usageConstant(usage, 0x99));
    return createHmac("sha1", kc).update(data).digest().subarray(0, 12);
  }

  /** RFC 3962 6: E(DK(key, "prf"), truncate-to-blocks(SHA-1(data))). */
  prf(key: Uint8Array, data: Uint8Array): Buffer {
    const tmp = createHash("sha1").update(data).digest().subarray(0, 16);
    return ctsEncrypt(dk(key, Buffer.from("prf", "latin1")), tmp);
  }
}

// -------------------------------------------------------------------------------------------------------
// RFC 8009: aes128-cts-hmac-sha256-128, aes256-cts-hmac-sha384-192
// -------------------------------------------------------------------------------------------------------

/** RFC 8009 3: KDF-HMAC-SHA2(key, label, context, k) = k-truncate(HMAC(key, 1 | label | 0x00 | context | k)). */
export function kdfHmacSha2(
  hash: "sha256" | "sha384",
  key: Uint8Array,
  label: Uint8Array,
  context: Uint8Array,
  bits: number,
): Buffer {
  const i = Buffer.from([0, 0, 0, 1]);
  const k = Buffer.alloc(4);
  k.writeUInt32BE(bits, 0);
  const out = createHmac(hash, key)
    .update(i)
    .update(label)
    .update(Buffer.from([0]))
    .update(context)
    .update(k)
    .digest();
  return out.subarray(0, bits / 8);
}

class AesSha2 implements EncryptionProfile {
  readonly defaultIterations = 32768;
  readonly checksumSize: number;
  readonly #hash: "sha256" | "sha384";
  constructor(
    readonly enctype: number,
    readonly name: string,
    readonly keySize: 16 | 32,
    readonly checksumType: number,
  ) {
    this.#hash = keySize === 16 ? "sha256" : "sha384";
    this.checksumSize = keySize === 16 ? 16 : 24;
  }

  #kdf(key: Uint8Array, label: Uint8Array, bits: number, context: Uint8Array = EMPTY): Buffer {
    return kdfHmacSha2(this.#hash, key, label, context, bits);
  }

  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer {
    const iterations = iterationsOf(params, this.defaultIterations, this.name);
    const saltp = Buffer.concat([Buffer.from(this.name, "latin1"), Buffer.from([0]), toBytes(salt)]);
    const tkey = pbkdf2Sync(Buffer.from(password, "utf8"), saltp, iterations, this.keySize, this.#hash);
    return this.#kdf(tkey, Buffer.from("kerberos", "latin1"), this.keySize * 8);
  }

  randomKey(): Buffer {
    return randomBytes(this.keySize);
  }

  #checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) throw new RangeError(`${this.name} needs a ${this.keySize}-byte key`);
  }

  #keys(key: Uint8Array, usage: number): { ke: Buffer; ki: Buffer } {
    return {
      ke: this.#kdf(key, usageConstant(usage, 0xaa), this.keySize * 8),
      ki: this.#kdf(key, usageConstant(usage, 0x55), this.checksumSize * 8),
    };
  }

  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    this.#checkKey(key);
    const { ke, ki } = this.#keys(key, usage);
    const c = ctsEncrypt(ke, Buffer.concat([confounder ?? randomBytes(16), plaintext]));
    const h = createHmac(this.#hash, ki).update(ZERO_IV).update(c).digest().subarray(0, this.checksumSize);
    return Buffer.concat([c, h]);
  }

  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer {
    this.#checkKey(key);
    if (ciphertext.length < 16 + this.checksumSize) throw integrityError(this.name, usage);
    const { ke, ki } = this.#keys(key, usage);
    const c = ciphertext.subarray(0, ciphertext.length - this.checksumSize);
    const mac = Buffer.from(ciphertext.subarray(ciphertext.length - this.checksumSize));
    const h = createHmac(this.#hash, ki).update(ZERO_IV).update(c).digest().subarray(0, this.checksumSize);
    if (!timingSafeEqual(h, mac)) throw integrityError(this.name, usage);
    return ctsDecrypt(ke, c).subarray(16);
  }

  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer {
    this.#checkKey(key);
    const kc = this.#kdf(key, usageConstant(usage, 0x99), this.checksumSize * 8);
    return createHmac(this.#hash, kc).update(data).digest().subarray(0, this.checksumSize);
  }

  /** RFC 8009 5: KDF-HMAC-SHA2(key, "prf", data, 256 | 384). */
  prf(key: Uint8Array, data: Uint8Array): Buffer {
    return this.#kdf(key, Buffer.from("prf", "latin1"), this.keySize === 16 ? 256 : 384, data);
  }
}

const EMPTY = Buffer.alloc(0);
const ZERO_IV = Buffer.alloc(16);

// -------------------------------------------------------------------------------------------------------
// RFC 4757: rc4-hmac
// -------------------------------------------------------------------------------------------------------

/** RFC 4757 section 4 / MIT: Microsoft's key usage numbers differ for the AS-REP part and GSS wrap. */
function msUsage(usage: number): number {
  if (usage === 3) return 8;
  if (usage === 23) return 13;
  return usage;
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

class Rc4Hmac implements EncryptionProfile {
  readonly enctype = EncType.RC4_HMAC;
  readonly name = "rc4-hmac";
  readonly keySize = 16;
  readonly checksumType = ChecksumType.HMAC_MD5;
  readonly checksumSize = 16;
  readonly defaultIterations = undefined;

  /** MD4 of the UTF-16LE password (the NT hash); the salt is not used. */
  stringToKey(password: string): Buffer {
    return md4(Buffer.from(password, "utf16le"));
  }

  randomKey(): Buffer {
    return randomBytes(16);
  }

  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    const k1 = hmacMd5(key, le32(msUsage(usage)));
    const data = Buffer.concat([confounder ?? randomBytes(8), plaintext]);
    const checksum = hmacMd5(k1, data);
    const k3 = hmacMd5(k1, checksum);
    return Buffer.concat([checksum, rc4(k3, data)]);
  }

  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer {
    if (ciphertext.length < 16 + 8) throw integrityError(this.name, usage);
    const attempt = (u: number): Buffer | undefined => {
      const k1 = hmacMd5(key, le32(msUsage(u)));
      const checksum = Buffer.from(ciphertext.subarray(0, 16));
      const k3 = hmacMd5(k1, checksum);
      const data = rc4(k3, ciphertext.subarray(16));
      return timingSafeEqual(hmacMd5(k1, data), checksum) ? data.subarray(8) : undefined;
    };
    // Windows encrypts a TGS-REP under a subkey with usage 8 instead of 9 (MIT falls back the same way).
    const out = attempt(usage) ?? (usage === 9 ? attempt(8) : undefined);
    if (out === undefined) throw integrityError(this.name, usage);
    return out;
  }

  /** RFC 4757 4: HMAC-MD5(HMAC-MD5(key, "signaturekey\0"), MD5(usage_le32 | data)). */
  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer {
    const ksign = hmacMd5(key, Buffer.from("signaturekey\0", "latin1"));
    const tmp = createHash("md5")
      .update(le32(msUsage(usage)))
      .update(data)
      .digest();
    return hmacMd5(ksign, tmp);
  }

  /** RFC 4757 / MIT: HMAC-SHA1(key, data). */
  prf(key: Uint8Array, data: Uint8Array): Buffer {
    return createHmac("sha1", key).update(data).digest();
  }
}

const PROFILES: ReadonlyMap<number, EncryptionProfile> = new Map<number, EncryptionProfile>([
  [17, new AesSha1(17, "aes128-cts-hmac-sha1-96", 16, ChecksumType.HMAC_SHA1_96_AES128)],
  [18, new AesSha1(18, "aes256-cts-hmac-sha1-96", 32, ChecksumType.HMAC_SHA1_96_AES256)],
  [19, new AesSha2(19, "aes128-cts-hmac-sha256-128", 16, ChecksumType.HMAC_SHA256_128_AES128)],
  [20, new AesSha2(20, "aes256-cts-hmac-sha384-192", 32, ChecksumType.HMAC_SHA384_192_AES256)],
  [23, new Rc4Hmac()],
]);

/** Names accepted in krb5.conf enctype lists (MIT spellings and aliases). */
const ALIASES: Readonly<Record<string, number>> = {
  "aes256-cts-hmac-sha1-96": 18,
  "aes256-cts": 18,
  aes256: 18,
  "aes128-cts-hmac-sha1-96": 17,
  "aes128-cts": 17,
  aes128: 17,
  "aes256-cts-hmac-sha384-192": 20,
  "aes256-sha2": 20,
  "aes128-cts-hmac-sha256-128": 19,
  "aes128-sha2": 19,
  "rc4-hmac": 23,
  "arcfour-hmac": 23,
  "arcfour-hmac-md5": 23,
};

/** Our default preference: strongest first, RC4 last (kept for old AD accounts). */
export const DEFAULT_ENCTYPES: readonly number[] = [18, 17, 20, 19, 23];

/** The profile of an enctype, or undefined when this client does not implement it. */
export function findProfile(enctype: number): EncryptionProfile | undefined {
  return PROFILES.get(enctype);
}

/** The profile of an enctype; throws KRB5_PROG_ETYPE_NOSUPP for ones this client lacks. */
export function profileOf(enctype: number): EncryptionProfile {
  const p = PROFILES.get(enctype);
  if (!p) {
    throw new KerberosError(
      "KRB5_PROG_ETYPE_NOSUPP",
      `encryption type ${enctype} is not supported (supported: ${[...PROFILES.values()].map((x) => x.name).join(", ")})`,
    );
  }
  return p;
}

export function enctypeName(enctype: number): string {
  return PROFILES.get(enctype)?.name ?? `enctype ${enctype}`;
}

/**
 * Parses a krb5.conf enctype list ("aes256-cts aes128-cts rc4-hmac", commas allowed, "DEFAULT" expands
 * to our defaults, "-name" removes). Unknown or unsupported names are skipped.
 */
export function parseEnctypeList(text: string): number[] {
  const out: number[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const remove = word.startsWith("-");
    const name = (remove || word.startsWith("+") ? word.slice(1) : word).toLowerCase();
    const ids =
      name === "default"
        ? [...DEFAULT_ENCTYPES]
        : name === "aes"
          ? [18, 17, 20, 19]
          : [ALIASES[name] ?? Number(name)];
    for (const id of ids) {
      if (!Number.isInteger(id) || !PROFILES.has(id)) continue;
      const at = out.indexOf(id);
      if (remove) {
        if (at >= 0) out.splice(at, 1);
      } else if (at < 0) {
        out.push(id);
      }
    }
  }
  return out;
}
