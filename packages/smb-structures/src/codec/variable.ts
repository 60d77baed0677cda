/** Variable-size parts: byte buffers, UTF-16LE strings, arrays, nested structs, NextEntryOffset chains. */
import { SmbDecodeError } from "./errors.js";
import type { CodecContext, VarCodec } from "./fields.js";
import type { FixedCodec } from "./primitives.js";
import { alignUp, type Decoded, type Fields, type Input, type Struct } from "./struct.js";

const EMPTY = Buffer.alloc(0);

export interface VarOptions {
  /** Alignment of the part's start relative to the offsets' base. */
  align?: number;
}

/** Raw bytes, decoded as a view into the received buffer (no copy). */
export function varBytes(opts: VarOptions & { zeroCopy?: boolean } = {}): VarCodec<Buffer> {
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: opts.zeroCopy ?? false,
    empty: EMPTY,
    decode: (buf, start, end) => ({ value: buf.subarray(start, end), end }),
    size: (v) => v.length,
    write: (buf, off, v) => {
      buf.set(v, off);
    },
  };
}

/** A UTF-16LE string filling its length field (MS-SMB2 2.2: all names are UTF-16LE, not terminated). */
export function utf16(opts: VarOptions & { nulTerminated?: boolean } = {}): VarCodec<string> {
  const nul = opts.nulTerminated ?? false;
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: "",
    decode: (buf, start, end, _count) => {
      let stop = end;
      if ((stop - start) % 2 !== 0) stop -= 1;
      if (nul) {
        for (let i = start; i + 1 < stop; i += 2) {
          if (buf[i] === 0 && buf[i + 1] === 0) {
            return { value: buf.toString("utf16le", start, i), end: i + 2 };
          }
        }
      }
      return { value: buf.toString("utf16le", start, stop), end };
    },
    size: (v) => v.length * 2 + (nul ? 2 : 0),
    write: (buf, off, v) => {
      const n = buf.write(v, off, "utf16le");
      if (nul) buf.writeUInt16LE(0, off + n);
    },
  };
}

type Element<T> = FixedCodec<T> | Struct<Fields>;

function isStruct(e: Element<unknown>): e is Struct<Fields> {
  return "fields" in e;
}

/**
 * An array of fixed-size elements or structs. Its count comes from a count field, or it fills its
 * length (or the rest of the enclosing structure). Struct elements may be aligned.
 */
export function varArray<T>(element: FixedCodec<T>, opts?: VarOptions): VarCodec<T[]>;
export function varArray<F extends Fields>(
  element: Struct<F>,
  opts?: VarOptions & { elementAlign?: number },
): VarCodec<Decoded<F>[]>;
export function varArray(
  element: Element<unknown>,
  opts: VarOptions & { elementAlign?: number } = {},
): VarCodec<unknown[]> {
  const ea = opts.elementAlign ?? 1;
  const name = isStruct(element) ? `${element.name}[]` : "array";
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: [],
    structure: name,
    count: (v) => v.length,
    decode: (buf, start, end, count, ctx) => {
      const out: unknown[] = [];
      let pos = start;
      const limit = count ?? Number.POSITIVE_INFINITY;
      while (out.length < limit) {
        if (count === undefined && pos >= end) break;
        if (isStruct(element)) {
          if (out.length > 0) pos = start + alignUp(pos - start, ea);
          const r = element.decodeAt(buf, pos, end, ctx);
          out.push(r.value);
          if (r.end <= pos) throw new SmbDecodeError(name, undefined, "element of zero size");
          pos = r.end;
        } else {
          if (pos + element.size > end) {
            throw new SmbDecodeError(name, `[${out.length}]`, "runs past the end of its buffer");
          }
          out.push(element.read(buf, pos));
          pos += element.size;
        }
      }
      return { value: out, end: pos };
    },
    size: (v) => {
      if (!isStruct(element)) return v.length * element.size;
      let n = 0;
      for (const [i, e] of v.entries()) {
        if (i > 0) n = alignUp(n, ea);
        n += element.sizeOf(e as unknown as Input<Fields>);
      }
      return n;
    },
    write: (buf, off, v, ctx) => {
      let pos = off;
      for (const [i, e] of v.entries()) {
        if (isStruct(element)) {
          if (i > 0) pos = off + alignUp(pos - off, ea);
          pos = element.encodeInto(buf, pos, e as unknown as Input<Fields>, ctx);
        } else {
          const bad = element.check?.(e);
          if (bad) throw new SmbDecodeError(name, `[${i}]`, bad);
          element.write(buf, pos, e);
          pos += element.size;
        }
      }
    },
  };
}

/** A nested struct filling its region (offsets inside it count from its own start if it says so). */
export function varStruct<F extends Fields>(
  inner: Struct<F>,
  opts: VarOptions = {},
): VarCodec<Decoded<F> | undefined> {
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: undefined,
    structure: inner.name,
    decode: (buf, start, end, _c, ctx) => inner.decodeAt(buf, start, end, ctx),
    size: (v) => (v === undefined ? 0 : inner.sizeOf(v as unknown as Input<F>)),
    write: (buf, off, v, ctx) => {
      if (v !== undefined) inner.encodeInto(buf, off, v as unknown as Input<F>, ctx);
    },
  };
}

/**
 * A list of entries linked by a leading 4-byte NextEntryOffset (MS-FSCC 2.4, create contexts,
 * FILE_NOTIFY_INFORMATION ...). `entry` declares the link as its first field with `nextEntryOffset()`;
 * the chain fills it in. Entries are aligned to `entryAlign` (8 for most classes). Decoding rejects offsets that do not move forward or
 * leave the buffer, so a hostile cycle cannot loop.
 */
export function chain<F extends Fields>(
  entry: Struct<F>,
  opts: VarOptions & { entryAlign?: number; maxEntries?: number } = {},
): VarCodec<Decoded<F>[]> {
  const ea = opts.entryAlign ?? 8;
  const max = opts.maxEntries ?? 1_000_000;
  const name = `${entry.name} chain`;
  const first = Object.values(entry.fields)[0];
  if (first?.kind !== "const" || first.codec.size !== 4) {
    throw new Error(`${entry.name}: a chained entry starts with nextEntryOffset()`);
  }
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: [],
    structure: name,
    count: (v) => v.length,
    decode: (buf, start, end, _count, ctx) => {
      const out: Decoded<F>[] = [];
      let pos = start;
      for (;;) {
        if (pos + 4 > end) throw new SmbDecodeError(name, "NextEntryOffset", "entry runs past the buffer");
        const next = buf.readUInt32LE(pos);
        const entryEnd = next === 0 ? end : pos + next;
        if (next !== 0 && (next < 4 || entryEnd > end)) {
          throw new SmbDecodeError(
            name,
            "NextEntryOffset",
            `${next} at entry ${out.length} leaves the buffer`,
          );
        }
        const r = entry.decodeAt(buf, pos, entryEnd, ctx);
        out.push(r.value);
        if (next === 0) return { value: out, end: r.end };
        if (out.length >= max) throw new SmbDecodeError(name, undefined, `more than ${max} entries`);
        pos = entryEnd;
      }
    },
    size: (v) => {
      let n = 0;
      for (const [i, e] of v.entries()) {
        if (i > 0) n = alignUp(n, ea);
        n += entry.sizeOf(e as unknown as Input<F>);
      }
      return n;
    },
    write: (buf, off, v, ctx: CodecContext) => {
      let pos = off;
      for (const [i, e] of v.entries()) {
        const end = entry.encodeInto(buf, pos, e as unknown as Input<F>, ctx);
        const next = i === v.length - 1 ? 0 : alignUp(end - pos, ea);
        buf.writeUInt32LE(next, pos);
        pos += next;
      }
    },
  };
}

/**
 * A one-byte-per-character string (ASCII / OEM names: create context tags, EA names). Decoded as latin1,
 * which maps every byte to one character, so binary tags (the GUID-named create contexts) round-trip.
 */
export function latin1(opts: VarOptions & { nulTerminated?: boolean } = {}): VarCodec<string> {
  const nul = opts.nulTerminated ?? false;
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: "",
    decode: (buf, start, end) => {
      if (nul) {
        const at = buf.indexOf(0, start);
        if (at < 0 || at >= end) throw new SmbDecodeError("latin1 string", undefined, "no NUL terminator");
        return { value: buf.toString("latin1", start, at), end: at + 1 };
      }
      return { value: buf.toString("latin1", start, end), end };
    },
    size: (v) => v.length + (nul ? 1 : 0),
    write: (buf, off, v) => {
      const n = buf.write(v, off, "latin1");
      if (nul) buf[off + n] = 0;
    },
  };
}

/** A variable part seen through a conversion (the variable-size counterpart of `mapped`). */
export function mapVar<T, U>(inner: VarCodec<T>, to: (v: T) => U, from: (v: U) => T): VarCodec<U> {
  return {
    kind: "var",
    align: inner.align,
    zeroCopy: inner.zeroCopy,
    empty: to(inner.empty),
    structure: inner.structure,
    decode: (buf, start, end, count, ctx, tag) => {
      const r = inner.decode(buf, start, end, count, ctx, tag);
      return { value: to(r.value), end: r.end };
    },
    size: (v) => inner.size(from(v)),
    count: inner.count ? (v) => inner.count!(from(v)) : undefined,
    tag: inner.tag ? (v) => inner.tag!(from(v)) : undefined,
    write: (buf, off, v, ctx) => inner.write(buf, off, from(v), ctx),
  };
}
