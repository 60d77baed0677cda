import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcError } from "../src/rpc/errors.js";
import { NdrReader, NdrWriter } from "../src/rpc/ndr.js";

/** A string without lone surrogates (UTF-16LE round-trips it exactly), ASCII to emoji. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("", "é", "日本語", "😀", "a\u0000b", "IPC Service (Samba 4.17.12-Debian)"),
);

interface Item {
  name: string | null;
  n: number;
  note: string | null;
}

function writeItems(w: NdrWriter, items: Item[] | null): void {
  w.construct(() =>
    w.uniquePtr(items, (list) =>
      w.conformantArray(list, (e) => {
        w.uniquePtr(e.name, (s) => w.wstring(s));
        w.u32(e.n);
        w.uniquePtr(e.note, (s) => w.wstring(s));
      }),
    ),
  );
}

function readItems(r: NdrReader): Item[] | null {
  const p = r.construct(() =>
    r.uniquePtr(() =>
      r.conformantArray(
        () => {
          const name = r.uniquePtr(() => r.wstring("name"));
          const n = r.u32("n");
          const note = r.uniquePtr(() => r.wstring("note"));
          return { name, n, note };
        },
        12,
        "items",
      ),
    ),
  );
  return p.value?.map((e) => ({ name: e.name.value, n: e.n, note: e.note.value })) ?? null;
}

describe("NDR writer (C706 14)", () => {
  it("aligns primitives to their size from the stub start", () => {
    const w = new NdrWriter();
    w.u8(1).u16(0x0203).u8(4).u32(0x05060708).u8(9).u64(0x0a0b0c0d0e0f1011n).u8(1).u64(2n);
    expect(w.finish().toString("hex")).toBe(
      "01000302" +
        "04000000" +
        "08070605" +
        "09000000" +
        "11100f0e0d0c0b0a" +
        "0100000000000000" +
        "0200000000000000",
    );
  });

  it("writes [string] wchar_t* as max/offset/actual counts with the NUL counted", () => {
    const w = new NdrWriter();
    w.construct(() => w.uniquePtr("ab", (s) => w.wstring(s)));
    expect(w.finish().toString("hex")).toBe(
      "00000200" + "03000000" + "00000000" + "03000000" + "610062000000",
    );
    const r = new NdrReader(new NdrWriter().wstring("😀", { maxCount: 8 }).finish());
    expect(r.wstring()).toBe("😀");
    expect(() => new NdrWriter().wstring("abc", { maxCount: 2 })).toThrow(RpcError);
  });

  it("defers embedded pointees of an array's structs until after the whole array (14.3.12.3)", () => {
    const w = new NdrWriter();
    writeItems(w, [
      { name: "a", n: 1, note: "x" },
      { name: null, n: 2, note: "y" },
    ]);
    const b = w.finish();
    // referent, max_count, [ptr a, n, ptr x], [NULL, n, ptr y], then "a", "x", "y" in pointer order.
    expect(b.readUInt32LE(0)).toBe(0x20000);
    expect(b.readUInt32LE(4)).toBe(2);
    expect([...Array(6)].map((_, i) => b.readUInt32LE(8 + i * 4))).toEqual([
      0x20004, 1, 0x20008, 0, 2, 0x2000c,
    ]);
    const strings = b.subarray(32).toString("hex");
    const s = (c: string) => `020000000000000002000000${Buffer.from(`${c}\0`, "utf16le").toString("hex")}`;
    expect(strings).toBe(s("a") + s("x") + s("y"));
    expect(readItems(new NdrReader(b))).toEqual([
      { name: "a", n: 1, note: "x" },
      { name: null, n: 2, note: "y" },
    ]);
  });

  it("nested pointees follow their own pointee, before later siblings", () => {
    const w = new NdrWriter();
    w.construct(() => {
      w.uniquePtr(1, () => {
        w.u32(0xa);
        w.uniquePtr(2, () => w.u32(0xaa));
      });
      w.uniquePtr(3, () => w.u32(0xb));
    });
    const words = (b: Buffer) => [...Array(b.length / 4)].map((_, i) => b.readUInt32LE(i * 4));
    // ptrA, ptrB, A{0xa, ptrAA}, AA, B
    expect(words(w.finish())).toEqual([0x20000, 0x20004, 0xa, 0x20008, 0xaa, 0xb]);
  });

  it("full pointers: the same object is sent once, later by its referent id only", () => {
    const shared = { v: 7 };
    const w = new NdrWriter();
    w.construct(() => {
      w.fullPtr(shared, (o) => w.u32(o.v));
      w.fullPtr(shared, (o) => w.u32(o.v));
      w.fullPtr(null, () => {});
    });
    const b = w.finish();
    expect(b.toString("hex")).toBe("00000200" + "00000200" + "00000000" + "07000000");
    const r = new NdrReader(b);
    const [x, y, z] = r.construct(() => [
      r.fullPtr(() => r.u32()),
      r.fullPtr(() => r.u32()),
      r.fullPtr(() => 0),
    ]);
    expect(x!.value).toBe(7);
    expect(y).toBe(x);
    expect(z!.value).toBeNull();
    r.expectEnd();
  });

  it("rejects values that do not fit", () => {
    const w = new NdrWriter();
    expect(() => w.u8(256)).toThrow(RpcError);
    expect(() => w.u16(-1)).toThrow(/NDR: -1 is not a u16/);
    expect(() => w.u32(2 ** 32)).toThrow(RpcError);
    expect(() => w.i32(2 ** 31)).toThrow(RpcError);
    expect(() => w.u64(-1n)).toThrow(RpcError);
    expect(new NdrWriter().i32(-2).finish().toString("hex")).toBe("feffffff");
  });
});

describe("NDR reader errors", () => {
  it("names the field that runs out of bytes", () => {
    const r = new NdrReader(Buffer.from("0100", "hex"), "Thing");
    expect(() => r.u32("Count")).toThrow("Thing.Count: needs 4 bytes at offset 0, the stub has 2");
  });

  it("rejects string counts that disagree or exceed the stub", () => {
    const str = (max: number, off: number, act: number, tail = "") =>
      new NdrReader(
        Buffer.from(new NdrWriter().u32(max).u32(off).u32(act).finish().toString("hex") + tail, "hex"),
        "S",
      );
    expect(() => str(2, 0, 3).wstring("name")).toThrow(
      "S.name: offset 0 + actual count 3 exceed max count 2",
    );
    expect(() => str(2, 3, 0).wstring("name")).toThrow(/offset 3/);
    expect(() => str(0xffffffff, 0, 0x7fffffff).wstring("name")).toThrow(/0x7fffffff|2147483647 characters/);
    expect(str(4, 0, 2, "41004200").wstring()).toBe("AB"); // no NUL: taken as it is
    expect(str(1, 0, 0).wstring()).toBe("");
  });

  it("rejects conformant array counts the stub cannot hold, before allocating", () => {
    const r = new NdrReader(new NdrWriter().u32(0xffffffff).finish(), "A");
    expect(() => r.conformantArray(() => r.u32(), 4, "list")).toThrow(
      "A.list: 4294967295 elements cannot fit the 0 bytes left",
    );
    expect(() => new NdrReader(Buffer.from("00000000ff", "hex")).expectEnd()).toThrow(/5 unexpected bytes/);
  });
});

describe("NDR round trips (fast-check)", () => {
  it("strings, including non-ASCII, emoji and embedded NUL", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), fc.nat(3), (strings, lead) => {
        const w = new NdrWriter();
        w.bytes(Buffer.alloc(lead, 0xee)); // misalign on purpose
        for (const s of strings) w.construct(() => w.uniquePtr(s, (v) => w.wstring(v)));
        const r = new NdrReader(w.finish());
        r.bytes(lead);
        const back = strings.map(() => r.construct(() => r.uniquePtr(() => r.wstring())).value);
        r.expectEnd();
        expect(back).toEqual(strings);
      }),
    );
  });

  it("arrays of structs with embedded unique pointers", () => {
    const item = fc.record({
      name: fc.option(text, { nil: null }),
      n: fc.nat(0xffffffff),
      note: fc.option(text, { nil: null }),
    });
    fc.assert(
      fc.property(fc.option(fc.array(item, { maxLength: 20 }), { nil: null }), (items) => {
        const w = new NdrWriter();
        writeItems(w, items);
        w.u32(0xfeedface);
        const r = new NdrReader(w.finish());
        expect(readItems(r)).toEqual(items);
        expect(r.u32()).toBe(0xfeedface);
        r.expectEnd();
      }),
    );
  });

  it("random bytes into the reader: a value or RpcError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          readItems(new NdrReader(Buffer.from(bytes)));
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
