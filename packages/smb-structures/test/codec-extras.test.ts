import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  asFixedVar,
  bool8,
  countedUtf16,
  decodeVar,
  encodeVar,
  fixedArray,
  flagged,
  SmbDecodeError,
  SmbEncodeError,
  struct,
  tagOf,
  u8,
  u16,
  u32,
  uintBE,
  utf16,
  varArray,
} from "../src/index.js";

describe("codec extras (src/codec/extras.ts)", () => {
  const Flagged = struct("flagged sample", {
    flags: tagOf("opt", u32),
    opt: flagged("opt", { a: [1, u16], b: [4, u32] } as const),
    tail: utf16(),
  });

  it("flagged: parts present by bits of a tagOf field, bits derived on encode", () => {
    const buf = Flagged.encode({ opt: { b: 7 }, tail: "x" });
    expect(buf.toString("hex")).toBe("04000000" + "07000000" + "7800");
    expect(Flagged.decode(buf)).toEqual({ opt: { b: 7 }, tail: "x" });
    expect(Flagged.decode(Flagged.encode({ opt: { a: 1, b: 2 }, tail: "" }))).toEqual({
      opt: { a: 1, b: 2 },
      tail: "",
    });
    expect(() => Flagged.decode(Buffer.from("0500000001", "hex"))).toThrow(SmbDecodeError);
  });

  it("countedUtf16: count byte, gap, fixed slot", () => {
    const S = struct("counted", { name: countedUtf16(u8, 1, 8), after: u8 });
    const buf = S.encode({ name: "ab", after: 9 });
    expect(buf.toString("hex")).toBe("04" + "00" + "61006200" + "00000000" + "09");
    expect(S.decode(buf)).toEqual({ name: "ab", after: 9 });
    expect(() => S.encode({ name: "abcde", after: 0 })).toThrow(SmbEncodeError);
    expect(() => S.decode(Buffer.from("0a00000000000000000000", "hex"))).toThrow(SmbDecodeError);
  });

  it("fixedArray, uintBE, bool8, asFixedVar", () => {
    const T = struct("misc2", { xs: fixedArray(u16, 3), be: uintBE(6), ok: bool8, last: asFixedVar(u32, 0) });
    const buf = T.encode({ xs: [1, 2, 3], be: 0x010203040506, ok: true, last: 5 });
    expect(buf.toString("hex")).toBe("010002000300" + "010203040506" + "01" + "05000000");
    expect(T.decode(buf)).toEqual({ xs: [1, 2, 3], be: 0x010203040506, ok: true, last: 5 });
    expect(() => T.encode({ xs: [1, 2], be: 0, ok: false })).toThrow(SmbEncodeError);
    expect(() => T.encode({ xs: [1, 2, 3], be: 2 ** 48, ok: false })).toThrow(SmbEncodeError);
    expect(() => T.decode(buf.subarray(0, 15))).toThrow(SmbDecodeError);
  });

  it("decodeVar / encodeVar work on bare variable parts", () => {
    const arr = varArray(u16);
    expect(decodeVar(arr, Buffer.alloc(0))).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }), (xs) => {
        expect(decodeVar(arr, encodeVar(arr, xs))).toEqual(xs);
      }),
    );
  });
});
