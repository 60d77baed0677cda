import { type Cipher, createCipheriv, createSecretKey, KeyObject } from "node:crypto";

/**
 * AES-CMAC (RFC 4493 / NIST SP800-38B) on top of OpenSSL's AES-CBC, used for SMB 3.x signing
 * (MS-SMB2 3.1.4.1, AES-128-CMAC). No JavaScript AES: CMAC is CBC-MAC with a modified last block, so the
 * message streams through one `aes-*-cbc` cipher (zero IV) while the last 1..16 bytes are held back; the
 * final block is XORed with subkey K1 (complete) or padded and XORed with K2 (partial), and the last
 * CBC output block is the MAC.
 */

const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);
/** Bulk data is fed to OpenSSL in slices of this size, so the discarded CBC output stays small. */
const FEED_SLICE = 64 * 1024;

function cbcName(key: KeyObject): string {
  const bits = (key.symmetricKeySize ?? 0) * 8;
  if (bits !== 128 && bits !== 192 && bits !== 256)
    throw new RangeError("AES-CMAC key must be 16, 24 or 32 bytes");
  return `aes-${bits}-cbc`;
}

/** RFC 4493 2.3: doubling in GF(2^128) (left shift, conditional XOR with Rb = 0x87). */
function dbl(src: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(BLOCK);
  let carry = 0;
  for (let i = BLOCK - 1; i >= 0; i--) {
    const b = src[i]!;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >> 7;
  }
  if (src[0]! & 0x80) out[BLOCK - 1] = out[BLOCK - 1]! ^ 0x87;
  return out;
}

/** An incremental AES-CMAC computation: `update` any number of times, then `digest` once. */
export class CmacStream {
  readonly #cipher: Cipher;
  readonly #k1: Uint8Array;
  readonly #k2: Uint8Array;
  /** Held-back tail of the message: always 1..16 bytes once any data arrived. */
  readonly #pending = Buffer.alloc(BLOCK);
  #pendingLen = 0;
  #done = false;

  /** @internal Use {@link AesCmac.start}. */
  constructor(cipher: Cipher, k1: Uint8Array, k2: Uint8Array) {
    this.#cipher = cipher;
    this.#k1 = k1;
    this.#k2 = k2;
  }

  update(data: Uint8Array): this {
    if (this.#done) throw new Error("CMAC already finalized");
    let off = 0;
    const len = data.length;
    if (len === 0) return this;
    if (this.#pendingLen > 0) {
      const take = Math.min(BLOCK - this.#pendingLen, len);
      this.#pending.set(data.subarray(0, take), this.#pendingLen);
      this.#pendingLen += take;
      off = take;
      // A full held-back block is only processed once we know more data follows it.
      if (off === len) return this;
      this.#cipher.update(this.#pending);
      this.#pendingLen = 0;
    }
    const remaining = len - off;
    const tail = remaining % BLOCK || BLOCK; // always keep the last 1..16 bytes back
    const bulkEnd = off + remaining - tail;
    while (off < bulkEnd) {
      const end = Math.min(off + FEED_SLICE, bulkEnd);
      this.#cipher.update(data.subarray(off, end));
      off = end;
    }
    this.#pending.set(data.subarray(bulkEnd, len), 0);
    this.#pendingLen = tail;
    return this;
  }

  /** The 16-byte MAC. */
  digest(): Buffer {
    if (this.#done) throw new Error("CMAC already finalized");
    this.#done = true;
    const last = this.#pending;
    let sub: Uint8Array;
    if (this.#pendingLen === BLOCK) {
      sub = this.#k1;
    } else {
      // RFC 4493 2.4 step 4: pad with 10^i (this also covers the empty message).
      last[this.#pendingLen] = 0x80;
      last.fill(0, this.#pendingLen + 1);
      sub = this.#k2;
    }
    for (let i = 0; i < BLOCK; i++) last[i] = last[i]! ^ sub[i]!;
    const out = this.#cipher.update(last);
    this.#cipher.final();
    return out.subarray(out.length - BLOCK);
  }
}

/** AES-CMAC with a fixed key; subkeys are derived once (RFC 4493 2.3). */
export class AesCmac {
  readonly #key: KeyObject;
  readonly #cbc: string;
  readonly #k1: Buffer;
  readonly #k2: Buffer;

  constructor(key: Uint8Array | KeyObject) {
    this.#key = key instanceof KeyObject ? key : createSecretKey(Buffer.from(key));
    this.#cbc = cbcName(this.#key);
    const ecb = createCipheriv(this.#cbc.replace("-cbc", "-ecb"), this.#key, null);
    ecb.setAutoPadding(false);
    const l = ecb.update(new Uint8Array(BLOCK));
    ecb.final();
    this.#k1 = dbl(l);
    this.#k2 = dbl(this.#k1);
  }

  /** Starts an incremental MAC computation. */
  start(): CmacStream {
    const cipher = createCipheriv(this.#cbc, this.#key, ZERO_IV);
    cipher.setAutoPadding(false);
    return new CmacStream(cipher, this.#k1, this.#k2);
  }

  /** MAC of the concatenation of `parts`. */
  mac(...parts: Uint8Array[]): Buffer {
    const s = this.start();
    for (const p of parts) s.update(p);
    return s.digest();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "AesCmac { <key hidden> }";
  }
}
