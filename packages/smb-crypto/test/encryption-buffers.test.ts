/** MessageCipher's buffer handling for large messages: GCM slicing, decryption into (or onto) a buffer. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type CipherAlgorithm, DecryptionError, MessageCipher, TRANSFORM_HEADER_SIZE } from "../src/index.js";

const ALGS: CipherAlgorithm[] = ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"];
const keyFor = (alg: CipherAlgorithm) => Buffer.alloc(alg.startsWith("AES-256") ? 32 : 16, 9);
const fixed = (alg: CipherAlgorithm) => ({
  noncePrefix: new Uint8Array(alg.endsWith("CCM") ? 3 : 4),
  initialCounter: 5n,
});

describe("MessageCipher with large messages", () => {
  it("GCM encrypts a large segment in 64 KiB slices; the bytes equal a one-shot encryption", () => {
    for (const alg of ["AES-128-GCM", "AES-256-GCM"] as const) {
      const payload = randomBytes(300_000);
      const header = randomBytes(112);
      const out = new MessageCipher(alg, keyFor(alg), fixed(alg)).encrypt([header, payload], 7n);
      expect(out.map((b) => b.length)).toEqual([52, 112, 65536, 65536, 65536, 65536, 300_000 - 4 * 65536]);
      const whole = new MessageCipher(alg, keyFor(alg), fixed(alg)).encrypt(
        [Buffer.concat([header, payload])],
        7n,
      );
      expect(Buffer.concat(out).equals(Buffer.concat(whole))).toBe(true);
    }
  });

  for (const alg of ALGS) {
    it(`${alg}: decrypts into a separate output buffer and in place over the ciphertext`, () => {
      const plain = randomBytes(1024 * 1024 + 80);
      const sealed = Buffer.concat(new MessageCipher(alg, keyFor(alg)).encrypt([plain], 3n));
      const dec = new MessageCipher(alg, keyFor(alg));

      const output = Buffer.alloc(plain.length);
      const a = dec.decrypt(sealed, output);
      expect(a.equals(plain)).toBe(true);
      // GCM writes into the given buffer; CCM (one OpenSSL call) returns its own.
      expect(a.buffer === output.buffer).toBe(alg.endsWith("GCM"));

      const copy = Buffer.from(sealed);
      const inPlace = copy.subarray(TRANSFORM_HEADER_SIZE);
      const b = dec.decrypt(copy, inPlace);
      expect(b.equals(plain)).toBe(true);
      if (alg.endsWith("GCM")) expect(copy.subarray(TRANSFORM_HEADER_SIZE).equals(plain)).toBe(true);

      // Without an output: a buffer of its own, as before.
      expect(dec.decrypt(sealed).equals(plain)).toBe(true);
    });

    it(`${alg}: a tampered message still fails when decrypting into a buffer`, () => {
      const plain = randomBytes(200_000);
      const sealed = Buffer.concat(new MessageCipher(alg, keyFor(alg)).encrypt([plain], 3n));
      sealed[sealed.length - 1]! ^= 1;
      const dec = new MessageCipher(alg, keyFor(alg));
      expect(() => dec.decrypt(sealed, sealed.subarray(TRANSFORM_HEADER_SIZE))).toThrow(DecryptionError);
      expect(() => dec.decrypt(sealed, Buffer.alloc(plain.length))).toThrow(DecryptionError);
    });
  }

  it("ignores an output buffer of the wrong size", () => {
    const alg = "AES-128-GCM";
    const plain = randomBytes(100_000);
    const sealed = Buffer.concat(new MessageCipher(alg, keyFor(alg)).encrypt([plain], 3n));
    const small = Buffer.alloc(10);
    const r = new MessageCipher(alg, keyFor(alg)).decrypt(sealed, small);
    expect(r.equals(plain)).toBe(true);
    expect(r.buffer).not.toBe(small.buffer);
  });
});
