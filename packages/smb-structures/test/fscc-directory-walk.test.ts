import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FileBothDirectoryInformation,
  FileBothDirectoryInformationEntry,
  FileDirectoryInformation,
  FileDirectoryInformationEntry,
  FileFullDirectoryInformation,
  FileFullDirectoryInformationEntry,
  FileIdBothDirectoryInformation,
  FileIdBothDirectoryInformationEntry,
  FileIdExtdDirectoryInformation,
  FileIdExtdDirectoryInformationEntry,
  FileIdFullDirectoryInformation,
  FileIdFullDirectoryInformationEntry,
  FileNamesInformation,
  FileNamesInformationEntry,
  filetimeToUnixMs,
  readFiletimeUnixMs,
  readI64Number,
  readU64Number,
  SmbDecodeError,
  type Struct,
  type VarCodec,
  walkDirectoryEntries,
} from "../src/index.js";

// Every directory class: its entry struct and its chain codec.
const CLASSES: [Struct<never>, VarCodec<Record<string, unknown>[]>][] = [
  [FileDirectoryInformationEntry, FileDirectoryInformation],
  [FileFullDirectoryInformationEntry, FileFullDirectoryInformation],
  [FileIdFullDirectoryInformationEntry, FileIdFullDirectoryInformation],
  [FileBothDirectoryInformationEntry, FileBothDirectoryInformation],
  [FileIdBothDirectoryInformationEntry, FileIdBothDirectoryInformation],
  [FileIdExtdDirectoryInformationEntry, FileIdExtdDirectoryInformation],
  [FileNamesInformationEntry, FileNamesInformation],
] as never;

const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const name = fc.string({ maxLength: 30 }).filter((s) => Buffer.from(s, "utf16le").toString("utf16le") === s);

function entryValue(cls: Struct<never>, n: string, t: bigint, size: bigint): Record<string, unknown> {
  const v: Record<string, unknown> = { fileName: n };
  for (const f of Object.keys(cls.fields)) {
    if (/Time$/.test(f)) v[f] = t;
    else if (f === "endOfFile" || f === "allocationSize") v[f] = size;
    else if (f === "fileAttributes") v[f] = 0x20;
    else if (f === "fileId")
      v[f] = cls === (FileIdExtdDirectoryInformationEntry as never) ? Buffer.alloc(16, 7) : 9n;
    else if (f === "shortName") v[f] = "SHORT~1";
  }
  return v;
}

function encodeChain(codec: VarCodec<Record<string, unknown>[]>, list: Record<string, unknown>[]): Buffer {
  const buf = Buffer.alloc(codec.size(list));
  codec.write(buf, 0, list, { base: 0 });
  return buf;
}

function walk(cls: Struct<never>, buf: Buffer): { at: number[]; names: string[] } {
  const at: number[] = [];
  const names: string[] = [];
  walkDirectoryEntries(cls as never, buf, 0, buf.length, (p, n) => {
    at.push(p);
    names.push(n);
  });
  return { at, names };
}

describe("walkDirectoryEntries: the chain codec's entries without decoding them into objects", () => {
  it("finds the same names, and the fixed fields at fieldOffset, as the chain codec decodes (every class)", () => {
    for (const [cls, codec] of CLASSES) {
      fc.assert(
        fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), u64, u64, (names, t, s) => {
          const size = s & 0x7fffffffffffffffn;
          const buf = encodeChain(
            codec,
            names.map((n) => entryValue(cls, n, t, size)),
          );
          const decoded = codec.decode(buf, 0, buf.length, undefined, { base: 0 }).value;
          const w = walk(cls, buf);
          expect(w.names).toEqual(decoded.map((d) => d.fileName));
          for (const [i, d] of decoded.entries()) {
            for (const f of ["lastWriteTime", "endOfFile", "fileAttributes"] as const) {
              if (!(f in cls.fields)) continue;
              const off = w.at[i]! + cls.fieldOffset(f as never);
              const raw = f === "fileAttributes" ? buf.readUInt32LE(off) : buf.readBigUInt64LE(off);
              expect(BigInt(raw)).toBe(BigInt(d[f] as bigint | number) & 0xffffffffffffffffn);
            }
          }
        }),
        { numRuns: 40 },
      );
    }
  });

  it("drops an odd trailing name byte as the utf16 codec does", () => {
    const buf = encodeChain(FileNamesInformation as never, [{ fileName: "ab" }]);
    buf.writeUInt32LE(3, FileNamesInformationEntry.fieldOffset("fileNameLength"));
    expect(walk(FileNamesInformationEntry as never, buf).names).toEqual(["a"]);
    expect(FileNamesInformation.decode(buf, 0, buf.length, undefined, { base: 0 }).value[0]!.fileName).toBe(
      "a",
    );
  });

  it("rejects what the chain codec rejects: offsets out of the buffer, short entries, long names", () => {
    const two = encodeChain(FileIdFullDirectoryInformation as never, [
      entryValue(FileIdFullDirectoryInformationEntry as never, "one", 1n, 1n),
      entryValue(FileIdFullDirectoryInformationEntry as never, "two", 1n, 1n),
    ]);
    const bad: Buffer[] = [];
    // NextEntryOffset past the end, below 4, and a truncated second entry.
    bad.push(Buffer.from(two).fill(0xff, 0, 4));
    const small = Buffer.from(two);
    small.writeUInt32LE(2, 0);
    bad.push(small);
    bad.push(two.subarray(0, two.readUInt32LE(0) + 20));
    // FileNameLength larger than the entry.
    const long = Buffer.from(two);
    long.writeUInt32LE(1000, FileIdFullDirectoryInformationEntry.fieldOffset("fileNameLength"));
    bad.push(long);
    bad.push(Buffer.alloc(2));
    for (const b of bad) {
      expect(() => FileIdFullDirectoryInformation.decode(b, 0, b.length, undefined, { base: 0 })).toThrow(
        SmbDecodeError,
      );
      expect(() => walk(FileIdFullDirectoryInformationEntry as never, b)).toThrow(SmbDecodeError);
    }
    expect(walk(FileIdFullDirectoryInformationEntry as never, two).names).toEqual(["one", "two"]);
  });

  it("fieldOffset gives the MS-FSCC 2.4.21 offsets and refuses unknown or variable fields", () => {
    const e = FileIdFullDirectoryInformationEntry;
    expect([e.fieldOffset("creationTime"), e.fieldOffset("endOfFile"), e.fieldOffset("fileId")]).toEqual([
      8, 40, 72,
    ]);
    expect(e.fixedSize).toBe(80);
    expect(() => e.fieldOffset("fileName" as never)).toThrow(/no fixed field/);
  });
});

describe("number readers: the bigint conversions' results without the bigints", () => {
  it("readFiletimeUnixMs equals filetimeToUnixMs for any u64 (same rounding)", () => {
    const edge = [0n, 1n, 116444736000000000n, 116444736000000001n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    const buf = Buffer.alloc(8);
    const check = (ft: bigint) => {
      buf.writeBigUInt64LE(ft);
      expect(readFiletimeUnixMs(buf, 0)).toBe(filetimeToUnixMs(ft));
    };
    for (const ft of edge) check(ft);
    fc.assert(
      fc.property(u64, (ft) => check(ft)),
      { numRuns: 2000 },
    );
  });

  it("readI64Number / readU64Number equal Number(bigint), also above 2^53", () => {
    const buf = Buffer.alloc(8);
    fc.assert(
      fc.property(u64, (v) => {
        buf.writeBigUInt64LE(v);
        expect(readU64Number(buf, 0)).toBe(Number(v));
        expect(readI64Number(buf, 0)).toBe(Number(buf.readBigInt64LE(0)));
      }),
      { numRuns: 2000 },
    );
  });
});
