/**
 * More field kinds, built only on the public FixedCodec / VarCodec interfaces:
 * - `flagged`: parts present or absent by bits of a `tagOf` field (ACE object types, ...);
 * - `countedUtf16`: a UTF-16 string in a fixed-capacity slot whose byte count sits just before it
 *   (FILE_BOTH_DIR_INFORMATION.ShortNameLength / ShortName[12]);
 * - `fixedArray`: a fixed number of fixed-size elements;
 * - `uintBE`: big-endian unsigned integers up to 48 bits (SID IdentifierAuthority);
 * - `asFixedVar`: a fixed codec used as a variable part (so it can follow other variable parts).
 */
import { SmbDecodeError, SmbEncodeError } from "./errors.js";
import type { VarCodec } from "./fields.js";
import type { FixedCodec } from "./primitives.js";

// biome-ignore lint/suspicious/noExplicitAny: part tables are heterogeneous; values typed by FlaggedValue.
type AnyFixed = FixedCodec<any>;
type FlaggedParts = Record<string, readonly [bit: number, codec: AnyFixed]>;
export type FlaggedValue<P extends FlaggedParts> = {
  [K in keyof P]?: P[K][1] extends FixedCodec<infer T> ? T : never;
};

/**
 * Optional fixed-size parts, in table order, each present when its bit is set in the struct's
 * `tagOf(thisPart, ...)` field. On encode the bits come from which parts the value holds.
 */
export function flagged<P extends FlaggedParts>(name: string, parts: P): VarCodec<FlaggedValue<P>> {
  const entries = Object.entries(parts);
  return {
    kind: "var",
    align: 1,
    zeroCopy: false,
    empty: {},
    structure: name,
    decode: (buf, start, end, _count, _ctx, tag) => {
      const out: Record<string, unknown> = {};
      let pos = start;
      for (const [key, [bit, codec]] of entries) {
        if (((tag ?? 0) & bit) === 0) continue;
        if (pos + codec.size > end) throw new SmbDecodeError(name, key, "runs past the end of its buffer");
        out[key] = codec.read(buf, pos);
        pos += codec.size;
      }
      return { value: out as FlaggedValue<P>, end: pos };
    },
    size: (v) => {
      let n = 0;
      for (const [key, [, codec]] of entries)
        if ((v as Record<string, unknown>)[key] !== undefined) n += codec.size;
      return n;
    },
    tag: (v) => {
      let bits = 0;
      for (const [key, [bit]] of entries) if ((v as Record<string, unknown>)[key] !== undefined) bits |= bit;
      return bits >>> 0;
    },
    write: (buf, off, v) => {
      let pos = off;
      for (const [key, [, codec]] of entries) {
        const val = (v as Record<string, unknown>)[key];
        if (val === undefined) continue;
        const bad = codec.check?.(val);
        if (bad) throw new SmbEncodeError(name, key, bad);
        codec.write(buf, pos, val);
        pos += codec.size;
      }
    },
  };
}

/**
 * A UTF-16LE string stored in a fixed slot of `capacity` bytes, preceded by its byte count (`lengthCodec`)
 * and `gap` reserved bytes. The whole run (count, gap, slot) is one fixed field.
 */
export function countedUtf16(
  lengthCodec: FixedCodec<number>,
  gap: number,
  capacity: number,
): FixedCodec<string> {
  const at = lengthCodec.size + gap;
  return {
    kind: "fixed",
    size: at + capacity,
    read: (b, o) => {
      const n = lengthCodec.read(b, o);
      if (n > capacity) throw new SmbDecodeError("counted string", undefined, `length ${n} > ${capacity}`);
      return b.toString("utf16le", o + at, o + at + (n & ~1));
    },
    write: (b, o, v) => {
      b.fill(0, o, o + at + capacity);
      const n = b.write(v, o + at, capacity, "utf16le");
      lengthCodec.write(b, o, n);
    },
    check: (v) => (v.length * 2 <= capacity ? undefined : `longer than ${capacity / 2} characters`),
  };
}

/** `n` consecutive fixed-size elements. */
export function fixedArray<T>(element: FixedCodec<T>, n: number): FixedCodec<T[]> {
  return {
    kind: "fixed",
    size: element.size * n,
    read: (b, o) => {
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = element.read(b, o + i * element.size);
      return out;
    },
    write: (b, o, v) => {
      for (let i = 0; i < n; i++) element.write(b, o + i * element.size, v[i]!);
    },
    check: (v) => {
      if (v.length !== n) return `expected ${n} elements, got ${v.length}`;
      for (const e of v) {
        const bad = element.check?.(e);
        if (bad) return bad;
      }
      return undefined;
    },
  };
}

/** Big-endian unsigned integer of 1..6 bytes, as a number. */
export function uintBE(size: number): FixedCodec<number> {
  const max = 2 ** (8 * size) - 1;
  return {
    kind: "fixed",
    size,
    read: (b, o) => b.readUIntBE(o, size),
    write: (b, o, v) => {
      b.writeUIntBE(v, o, size);
    },
    check: (v) => (Number.isInteger(v) && v >= 0 && v <= max ? undefined : `${v} does not fit ${size} bytes`),
  };
}

/** A fixed codec as a variable part (decoded from its position; `empty` when the value is omitted). */
export function asFixedVar<T>(codec: FixedCodec<T>, empty: T, align = 1): VarCodec<T> {
  return {
    kind: "var",
    align,
    zeroCopy: false,
    empty,
    decode: (buf, start, end) => {
      if (start + codec.size > end)
        throw new SmbDecodeError("field", undefined, "runs past the end of its buffer");
      return { value: codec.read(buf, start), end: start + codec.size };
    },
    size: () => codec.size,
    write: (buf, off, v) => {
      codec.write(buf, off, v);
    },
  };
}

/** A one-byte boolean (DeletePending, ReplaceIfExists ...): nonzero decodes as true. */
export const bool8: FixedCodec<boolean> = {
  kind: "fixed",
  size: 1,
  read: (b, o) => b[o] !== 0,
  write: (b, o, v) => {
    b[o] = v ? 1 : 0;
  },
  check: (v) => (typeof v === "boolean" ? undefined : `${String(v)} is not a boolean`),
};

/** Decodes a variable part that fills [start, end) on its own (a bare NextEntryOffset chain ...). */
export function decodeVar<T>(codec: VarCodec<T>, buf: Buffer, start = 0, end = buf.length): T {
  if (end > buf.length) end = buf.length;
  if (start >= end) return codec.empty;
  return codec.decode(buf, start, end, undefined, { base: start }).value;
}

/** Encodes a variable part into a fresh buffer. */
export function encodeVar<T>(codec: VarCodec<T>, value: T): Buffer {
  const buf = Buffer.alloc(codec.size(value));
  codec.write(buf, 0, value, { base: 0 });
  return buf;
}
