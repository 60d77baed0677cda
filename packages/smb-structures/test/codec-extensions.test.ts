import { describe, expect, it } from "vitest";
import {
  countOf,
  findVariant,
  latin1,
  lengthOf,
  mapVar,
  offsetOf,
  reserved,
  SmbDecodeError,
  SmbEncodeError,
  sizeFrom,
  struct,
  tagOf,
  u8,
  u16,
  u32,
  union,
  utf16,
  varArray,
  varBytes,
} from "../src/index.js";

const A = struct("A", { x: u16 });
const B = struct("B", { n: countOf("items", u8), items: varArray(u8) });
const Tagged = struct("Tagged", {
  type: tagOf("body", u16),
  length: lengthOf("body", u16),
  body: union("body", { 1: A, 2: B }),
});

describe("tagged unions (tagOf + union)", () => {
  it("derives the tag on encode and picks the layout by it on decode", () => {
    const buf = Tagged.encode({ body: { type: 2, value: { items: [7, 8] } } });
    expect(buf.toString("hex")).toBe("02000300020708");
    expect(Tagged.decode(buf)).toEqual({ body: { type: 2, value: { items: [7, 8] } } });
  });
  it("keeps unknown types (even empty) as raw bytes and finds known ones", () => {
    expect(Tagged.decode(Buffer.from("09000000", "hex")).body).toEqual({ type: 9, value: Buffer.alloc(0) });
    const List = struct("L", { list: varArray(Tagged) });
    const v = List.decode(
      List.encode({
        list: [{ body: { type: 5, value: Buffer.from([1]) } }, { body: { type: 1, value: { x: 3 } } }],
      }),
    );
    expect(
      findVariant(
        v.list.map((e) => e.body),
        1,
      ),
    ).toEqual({ x: 3 });
  });
  it("fails with typed errors: known type too short, known type without layout given raw on encode works", () => {
    expect(() => Tagged.decode(Buffer.from("01000100ff", "hex"))).toThrow(SmbDecodeError);
    expect(Tagged.encode({ body: { type: 1, value: Buffer.from("abcd", "hex") } }).toString("hex")).toBe(
      "01000200abcd",
    );
    const NoLayout = struct("N", { t: tagOf("b", u8), b: union("b", {}) });
    expect(() => NoLayout.encode({ b: { type: 1, value: { x: 1 } as never } })).toThrow(SmbEncodeError);
  });
});

describe("offset bases, zero offsets for absent parts, adjusted lengths, sizes", () => {
  it("zeroIfEmpty writes 0 and adds no padding; from: self counts from the struct start", () => {
    const S = struct(
      "S",
      {
        off: offsetOf("data", u16, { zeroIfEmpty: true }),
        len: lengthOf("data", u16),
        selfOff: offsetOf("tail", u16, { from: "self" }),
        tailLen: lengthOf("tail", u16),
        data: varBytes({ align: 8 }),
        tail: varBytes(),
      },
      { encodeBase: 64 },
    );
    expect(S.encode({ tail: Buffer.from([1]) }).toString("hex")).toBe("00000000080001000" + "1");
    const full = S.encode({ data: Buffer.from([9]), tail: Buffer.from([1]) });
    expect(full.readUInt16LE(0)).toBe(64 + 8);
    expect(S.decode(full)).toEqual({ data: Buffer.from([9]), tail: Buffer.from([1]) });
  });
  it("fixedEnd offsets, sizeFrom and a length that excludes a NUL terminator", () => {
    const S = struct(
      "S",
      {
        total: sizeFrom(u32),
        nameLen: lengthOf("name", u8, { adjust: -1 }),
        pad: reserved(1),
        strOff: offsetOf("str", u16),
        strLen: lengthOf("str", u16),
        name: latin1({ nulTerminated: true }),
        str: utf16(),
      },
      { offsetsFrom: "fixedEnd" },
    );
    const buf = S.encode({ name: "ab", str: "é" });
    expect(buf.toString("hex")).toBe("0b000000" + "02" + "00" + "0300" + "0200" + "616200" + "e900");
    expect(S.decode(buf)).toEqual({ name: "ab", str: "é" });
    const short = Buffer.from(buf);
    short.writeUInt32LE(100, 0);
    expect(() => S.decode(short)).toThrow(/total/);
  });
  it("mapVar views a part through a conversion", () => {
    const S = struct("S", {
      n: countOf("xs", u16),
      xs: mapVar(
        varArray(u32),
        (a) => a.map(String),
        (a: string[]) => a.map(Number),
      ),
    });
    expect(S.decode(S.encode({ xs: ["1", "2"] }))).toEqual({ xs: ["1", "2"] });
  });
});
