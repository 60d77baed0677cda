import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Command,
  chain,
  constant,
  countOf,
  lengthOf,
  nextEntryOffset,
  offsetOf,
  reserved,
  type Fields,
  SmbDecodeError,
  Smb2Header,
  Struct,
  struct,
  u16,
  u32,
  u64,
  utf16,
  varArray,
  varBytes,
} from "../src/index.js";

// A READ-response-shaped struct: offset from the SMB2 header, length, 1-byte minimum buffer.
const Sample = struct(
  "sample",
  {
    structureSize: constant(u16, 17),
    dataOffset: offsetOf("data", u16),
    dataLength: lengthOf("data", u32),
    id: u64,
    nameLength: lengthOf("name", u16),
    nameOffset: offsetOf("name", u16),
    data: varBytes({ align: 8 }),
    name: utf16({ align: 8 }),
  },
  { encodeBase: 64, minSize: 21 },
);

const Entry = struct(
  "entry",
  {
    next: nextEntryOffset(),
    value: u32,
    nameLength: lengthOf("name", u32),
    name: utf16(),
  },
  { offsetsFrom: "self" },
);
const List = struct("list", {
  count: countOf("ids", u16),
  pad: reserved(2),
  ids: varArray(u16),
  entries: chain(Entry),
});

describe("struct codec", () => {
  it("lays out variable parts with offsets from the SMB2 header and 8-byte alignment", () => {
    const buf = Sample.encode({ id: 7n, data: Buffer.from("abc"), name: "é" });
    // fixed 20 bytes -> data at body 24 (abs 88), name at body 32 (abs 96)
    expect(buf.toString("hex")).toBe(
      "1100" +
        "5800" +
        "03000000" +
        "0700000000000000" +
        "0200" +
        "6000" +
        "00000000" +
        "616263" +
        "0000000000" +
        "e900",
    );
    const back = Sample.decode(buf);
    expect(back.id).toBe(7n);
    expect(back.data.toString()).toBe("abc");
    expect(back.name).toBe("é");
  });

  it("pads to the minimum size when the buffers are empty", () => {
    expect(Sample.encode({ id: 1n }).length).toBe(24);
  });

  it("rejects a wrong StructureSize and an out-of-range length with typed errors", () => {
    const buf = Sample.encode({ id: 7n, data: Buffer.from("abc") });
    const bad = Buffer.from(buf);
    bad.writeUInt16LE(9, 0);
    expect(() => Sample.decode(bad)).toThrow(/sample.structureSize/);
    const long = Buffer.from(buf);
    long.writeUInt32LE(1000, 4);
    expect(() => Sample.decode(long)).toThrow(SmbDecodeError);
  });

  it("round-trips counted arrays and NextEntryOffset chains", () => {
    const v = {
      ids: [1, 2, 3],
      entries: [
        { value: 1, name: "a" },
        { value: 2, name: "bcd" },
      ],
    };
    const buf = List.encode(v);
    expect(List.decode(buf)).toEqual(v);
    // second entry starts 8-aligned: 12 + 2 = 14 -> 16
    expect(buf.readUInt32LE(10)).toBe(16);
  });

  it("rejects a NextEntryOffset cycle instead of looping", () => {
    const buf = List.encode({
      ids: [],
      entries: [
        { value: 1, name: "a" },
        { value: 2, name: "b" },
      ],
    });
    buf.writeUInt32LE(0, 4 + 16); // entry 2 -> fine; make entry 1 point to itself
    buf.writeUInt32LE(0, 4);
    expect(() => List.decode(Buffer.concat([buf.subarray(0, 4), Buffer.alloc(2)]))).toThrow(SmbDecodeError);
  });

  it("decodes the SMB2 header (MS-SMB2 2.2.1.2) from a captured NEGOTIATE response header", () => {
    const hex =
      "fe534d42" +
      "4000" +
      "0100" +
      "00000000" +
      "0000" +
      "0100" +
      "01000000" +
      "00000000" +
      "0000000000000000" +
      "feff0000" +
      "00000000" +
      "0000000000000000" +
      "00".repeat(16);
    const h = Smb2Header.decode(Buffer.from(hex, "hex"));
    expect(h.command).toBe(Command.NEGOTIATE);
    expect(h.flags).toBe(1);
    expect(h.processId).toBe(0xfffe);
    expect(Smb2Header.encode(h).toString("hex")).toBe(hex);
  });

  it("never throws anything but SmbDecodeError on random input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const s of [Sample, List, Smb2Header]) {
          try {
            s.decode(Buffer.from(bytes));
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
      }),
    );
  });
});

describe("field tables are laid out on first use", () => {
  it("every exported structure's table is well formed (the layout is worked out and checked)", async () => {
    const exported: unknown[] = Object.values(await import("../src/index.js"));
    const all = exported.filter((v): v is Struct<Fields> => v instanceof Struct);
    expect(all.length).toBeGreaterThan(100);
    for (const s of all) expect(() => s.check(), s.name).not.toThrow();
  });

  it("compiled fixed fields decode and encode exactly as the table walk, on every exported structure", async () => {
    const exported: unknown[] = Object.values(await import("../src/index.js"));
    const all = exported.filter((v): v is Struct<Fields> => v instanceof Struct);
    const outcome = (f: () => unknown) => {
      try {
        return { value: f() };
      } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    };
    let compiled = 0;
    let encoded = 0;
    for (const s of all) {
      const walk = s.walked();
      if (s.isCompiled) compiled++;
      expect(walk.isCompiled).toBe(false);
      // Random bytes with the declared constants in place (else most decodes stop at StructureSize).
      const consts = Object.entries(s.fields).flatMap(([name, f]) =>
        f.kind === "const" && !f.lenient ? [{ off: s.fieldOffset(name), f }] : [],
      );
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: s.fixedSize + 96 }), (bytes) => {
          const buf = Buffer.from(bytes);
          for (const { off, f } of consts) {
            if (off + f.codec.size <= buf.length)
              (f.codec.write as (b: Buffer, o: number, v: unknown) => void)(buf, off, f.value);
          }
          const a = outcome(() => s.decode(buf));
          const b = outcome(() => walk.decode(buf));
          expect(a, s.name).toEqual(b);
          if (!("value" in a)) return;
          // What decoded re-encodes the same way (or fails with the same error) on both paths.
          const value = a.value as Parameters<typeof s.encode>[0];
          const ea = outcome(() => s.encode(value));
          const eb = outcome(() => walk.encode(value));
          expect(ea, s.name).toEqual(eb);
          if ("value" in ea) encoded++;
        }),
        { numRuns: 40 },
      );
    }
    // Every structure compiles but those with a size field (ACE, ACL ...); most round trips got as far
    // as encoding.
    expect(compiled).toBeGreaterThan(all.length * 0.9);
    expect(encoded).toBeGreaterThan(all.length * 3);
  });

  it("compiled encode rejects out-of-range and missing values with the table walk's errors", () => {
    const walk = Smb2Header.walked();
    const good = {
      creditCharge: 1,
      status: 0,
      command: Command.READ,
      credits: 1,
      flags: 0,
      nextCommand: 0,
      messageId: 0xffff_ffff_ffffn,
      processId: 0xfeff,
      treeId: 7,
      sessionId: 0x9000_0000_0000_0001n,
      signature: Buffer.alloc(16),
    };
    expect(Smb2Header.encode(good).equals(walk.encode(good))).toBe(true);
    for (const bad of [
      { creditCharge: 0x10000 },
      { creditCharge: -1 },
      { creditCharge: 1.5 },
      { creditCharge: 5n },
      { command: "5" },
      { status: 2 ** 32 },
      { messageId: -1n },
      { messageId: 2n ** 64n },
      { messageId: 5 },
      { signature: Buffer.alloc(15) },
      { treeId: undefined },
    ]) {
      const v = { ...good, ...bad } as typeof good;
      const message = (() => {
        try {
          walk.encode(v);
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(message, JSON.stringify(Object.keys(bad))).toBeDefined();
      expect(() => Smb2Header.encode(v)).toThrow(message!);
    }
  });

  it("u64 reads and writes equal Buffer's bigint methods (values below and above 2^53, repeated)", () => {
    const u64s = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 2n ** 53n + 5n }),
      fc.constantFrom(0n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 32n, 2n ** 32n - 1n),
    );
    fc.assert(
      fc.property(fc.array(u64s, { minLength: 1, maxLength: 6 }), (values) => {
        for (const v of [...values, ...values]) {
          const a = Buffer.alloc(8);
          const b = Buffer.alloc(8);
          u64.write(a, 0, v);
          b.writeBigUInt64LE(v, 0);
          expect(a.equals(b)).toBe(true);
          expect(u64.read(a, 0)).toBe(v);
        }
      }),
    );
    // Whatever is not a u64 throws as Buffer's own method does (codecs that write without a check).
    expect(() => u64.write(Buffer.alloc(8), 0, 5 as unknown as bigint)).toThrow(TypeError);
    expect(() => u64.write(Buffer.alloc(8), 0, 2n ** 64n)).toThrow(RangeError);
    expect(() => u64.write(Buffer.alloc(8), 0, -1n)).toThrow(RangeError);
  });

  it("a misdeclared table throws when it is first used, with what is wrong", () => {
    const bad = struct("bad", { name: utf16(), after: u32 });
    expect(() => bad.check()).toThrow(/bad.after: fixed field after a variable part/);
    expect(() => bad.encode({ name: "x", after: 1 })).toThrow(/fixed field after a variable part/);
    expect(() => struct("dangling", { len: lengthOf("missing", u16) }).fixedSize).toThrow(
      /no variable part named missing/,
    );
  });
});
