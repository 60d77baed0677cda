/** Shared helpers for the MS-SMB2 message tests. */
import fc from "fast-check";
import { expect } from "vitest";
import { type Fields, SmbDecodeError, type Struct } from "../../src/index.js";

/** Bytes from a hex dump (whitespace and line breaks ignored). */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}

/** Decodes the body of a whole message (64-byte SMB2 header first; offsets count from the header). */
export function decodeBody<F extends Fields>(s: Struct<F>, message: Buffer, at = 64) {
  return s.decode(message, at, message.length, { base: at - 64 });
}

/**
 * Decodes the body and checks that encoding the value gives the body bytes back. `extra`: bytes the
 * sender appended that the encoding does not produce (Samba's UTF-16 NUL after a CREATE name ...).
 */
export function roundTripBody<F extends Fields>(s: Struct<F>, message: Buffer, at = 64, extra = 0) {
  const v = decodeBody(s, message, at);
  const body = message.subarray(at);
  expect(s.encode(v as never).toString("hex")).toBe(body.subarray(0, body.length - extra).toString("hex"));
  return v;
}

/** Random bytes (alone and after a 64-byte header) decode to a value or throw SmbDecodeError. */
export function fuzzDecode(structs: Struct<Fields>[], runs = 300): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withHeader) => {
      const b = withHeader ? Buffer.concat([Buffer.alloc(64), bytes]) : Buffer.from(bytes);
      for (const s of structs) {
        try {
          if (withHeader) s.decode(b, 64, b.length, { base: 0 });
          else s.decode(b);
        } catch (e) {
          if (!(e instanceof SmbDecodeError)) throw e;
        }
      }
    }),
    { numRuns: runs },
  );
}

/** decode(encode(x)) equals x for generated values. */
export function propertyRoundTrip<T>(s: Struct<Fields>, arb: fc.Arbitrary<T>, runs = 200): void {
  fc.assert(
    fc.property(arb, (v) => {
      const buf = s.encode(v as never);
      expect(s.decode(buf)).toEqual(v);
    }),
    { numRuns: runs },
  );
}

export const arb = {
  u8: fc.integer({ min: 0, max: 0xff }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  u64: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
  guid: fc.uuid(),
  bytes: (maxLength = 64) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a)),
  /** A UTF-16 string without lone surrogates (they do not survive UTF-16LE encoding). */
  text: (maxLength = 20) => fc.string({ unit: "grapheme", maxLength }),
  fileId: fc.record({
    persistent: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    volatile: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
  }),
};
