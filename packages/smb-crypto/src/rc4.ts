/**
 * RC4 stream cipher in pure TypeScript (OpenSSL 3 keeps RC4 in its "legacy" provider only). NTLM uses it
 * for key exchange (MS-NLMP 3.4.3 RC4K) and for sealing, where one keystream runs across all messages of
 * a context: hence the stateful {@link Rc4} class.
 */

/** Stateful RC4: successive `update` calls continue the same keystream. */
export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 256) throw new RangeError("RC4 key must be 1..256 bytes");
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    // Key-scheduling algorithm.
    for (let i = 0, j = 0; i < 256; i++) {
      const si = s[i]!;
      j = (j + si + key[i % key.length]!) & 0xff;
      s[i] = s[j]!;
      s[j] = si;
    }
  }

  /** XORs `data` with the next `data.length` keystream bytes and returns the result (a new Buffer). */
  update(data: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(data.length);
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i]!;
      j = (j + si) & 0xff;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      out[n] = data[n]! ^ s[(si + sj) & 0xff]!;
    }
    this.#i = i;
    this.#j = j;
    return out;
  }

  /** Keeps the keystream state out of `util.inspect` / console.log output. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Rc4 { <keystream hidden> }";
  }
}

/** One-shot RC4: encrypts (or decrypts) `data` with a fresh keystream from `key`. */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  return new Rc4(key).update(data);
}
