/**
 * Fixed-size field codecs: little-endian integers and raw byte runs (MS-SMB2 2.1: all fields are
 * little-endian unless stated). Each knows its size, so struct layouts are computed, not hand-written.
 */
export interface FixedCodec<T> {
  readonly kind: "fixed";
  readonly size: number;
  /**
   * Which primitive this is, for the struct compiler (compile.ts), which then reads and writes it
   * inline instead of calling `read`/`write`. Absent: an opaque codec, always called.
   */
  readonly prim?: Primitive;
  /** Caller guarantees `off + size <= buf.length`. */
  read(buf: Buffer, off: number): T;
  write(buf: Buffer, off: number, value: T): void;
  /** Range check used by encode; returns a reason when the value does not fit. */
  check?(value: T): string | undefined;
}

/** The primitives compile.ts inlines (`bytes` of any size, `zero`: reserved bytes). */
export type Primitive = "u8" | "u16" | "u32" | "i32" | "u64" | "i64" | "bytes" | "zero";

function uint(size: 1 | 2 | 4, max: number): FixedCodec<number> {
  return {
    kind: "fixed",
    size,
    prim: size === 1 ? "u8" : size === 2 ? "u16" : "u32",
    read:
      size === 1 ? (b, o) => b[o]! : size === 2 ? (b, o) => b.readUInt16LE(o) : (b, o) => b.readUInt32LE(o),
    write:
      size === 1
        ? (b, o, v) => {
            b[o] = v;
          }
        : size === 2
          ? (b, o, v) => {
              b.writeUInt16LE(v, o);
            }
          : (b, o, v) => {
              b.writeUInt32LE(v, o);
            },
    check: (v) => (Number.isInteger(v) && v >= 0 && v <= max ? undefined : `${v} is not a u${size * 8}`),
  };
}

export const u8: FixedCodec<number> = uint(1, 0xff);
export const u16: FixedCodec<number> = uint(2, 0xffff);
export const u32: FixedCodec<number> = uint(4, 0xffffffff);

export const i32: FixedCodec<number> = {
  kind: "fixed",
  size: 4,
  prim: "i32",
  read: (b, o) => b.readInt32LE(o),
  write: (b, o, v) => {
    b.writeInt32LE(v, o);
  },
  check: (v) =>
    Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? undefined : `${v} is not an i32`,
};

// One-entry caches for u64 values above 2^53 (SessionId, file ids, ...): the same value is read and
// written on every message of a session, and a bigint is immutable, so it can be shared.
let readHi = -1;
let readLo = -1;
let readBig = 0n;
let writeBig = -1n;
let writeLo = 0;
let writeHi = 0;

/**
 * The u64 at `off` as a bigint. Buffer#readBigUInt64LE builds it from four intermediate bigints; this
 * allocates one (below 2^53), or none (the value read last time).
 */
export function readU64(b: Buffer, off: number): bigint {
  const lo = b.readUInt32LE(off);
  const hi = b.readUInt32LE(off + 4);
  if (hi < 0x200000) return BigInt(hi * 4294967296 + lo);
  if (hi !== readHi || lo !== readLo) {
    readHi = hi;
    readLo = lo;
    readBig = (BigInt(hi) << 32n) | BigInt(lo);
  }
  return readBig;
}

/**
 * Writes a u64 without intermediate bigints. Anything but a bigint in 0..2^64-1 goes to
 * Buffer#writeBigUInt64LE, which throws as before (codecs that write without checking first).
 */
export function writeU64(b: Buffer, off: number, v: bigint): void {
  if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) {
    b.writeBigUInt64LE(v, off);
    return;
  }
  if (v <= 0x1fffffffffffffn) {
    const n = Number(v);
    const lo = n >>> 0;
    b.writeUInt32LE(lo, off);
    b.writeUInt32LE((n - lo) / 4294967296, off + 4);
    return;
  }
  if (v !== writeBig) {
    writeLo = Number(v & 0xffffffffn);
    writeHi = Number(v >> 32n);
    writeBig = v;
  }
  b.writeUInt32LE(writeLo, off);
  b.writeUInt32LE(writeHi, off + 4);
}

/** 64-bit unsigned as bigint (offsets, sizes, MessageId, SessionId can exceed 2^53). */
export const u64: FixedCodec<bigint> = {
  kind: "fixed",
  size: 8,
  prim: "u64",
  read: readU64,
  write: writeU64,
  check: (v) =>
    typeof v === "bigint" && v >= 0n && v <= 0xffffffffffffffffn ? undefined : `${v} is not a u64`,
};

export const i64: FixedCodec<bigint> = {
  kind: "fixed",
  size: 8,
  prim: "i64",
  read: (b, o) => b.readBigInt64LE(o),
  write: (b, o, v) => {
    b.writeBigInt64LE(v, o);
  },
  check: (v) =>
    typeof v === "bigint" && v >= -0x8000000000000000n && v <= 0x7fffffffffffffffn
      ? undefined
      : `${v} is not an i64`,
};

/**
 * The i64 / u64 at `off` as a number, rounded exactly as Number(bigint) would (one rounding of an exact
 * sum), without allocating the bigint: sizes in directory listings.
 */
export function readI64Number(buf: Buffer, off: number): number {
  return buf.readInt32LE(off + 4) * 4294967296 + buf.readUInt32LE(off);
}
export function readU64Number(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 4) * 4294967296 + buf.readUInt32LE(off);
}

/** A fixed run of bytes, decoded as a view into the source buffer (no copy). */
export function bytes(size: number): FixedCodec<Buffer> {
  return {
    kind: "fixed",
    size,
    prim: "bytes",
    read: (b, o) => b.subarray(o, o + size),
    write: (b, o, v) => {
      b.set(v, o);
    },
    check: (v) => (v.length === size ? undefined : `expected ${size} bytes, got ${v.length}`),
  };
}

/** Maps a fixed codec's value to another representation (enums, FILETIME -> Date ...). */
export function mapped<T, U>(inner: FixedCodec<T>, to: (v: T) => U, from: (v: U) => T): FixedCodec<U> {
  return {
    kind: "fixed",
    size: inner.size,
    read: (b, o) => to(inner.read(b, o)),
    write: (b, o, v) => inner.write(b, o, from(v)),
    check: inner.check ? (v) => inner.check!(from(v)) : undefined,
  };
}
