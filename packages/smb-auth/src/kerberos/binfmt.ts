/**
 * Building blocks for the MIT file formats (credential cache, keytab) on top of smb-structures' declarative
 * codec: big-endian integers, counted byte strings, nested structs that may follow variable parts, and
 * self-counted arrays. These formats are sequences of big-endian length-prefixed parts, some after
 * variable ones, so they use these variable-part helpers rather than SMB-style offset/length fields.
 */
import {
  type Decoded,
  type Fields,
  type FixedCodec,
  type Input,
  lengthOf,
  SmbDecodeError,
  type Struct,
  struct,
  uintBE,
  type VarCodec,
  varBytes,
} from "smb-structures";

export const be16: FixedCodec<number> = uintBE(2);
export const be32: FixedCodec<number> = uintBE(4);

/** Signed 32-bit big-endian (keytab entry sizes, ccache time offsets). */
export const bei32: FixedCodec<number> = {
  kind: "fixed",
  size: 4,
  read: (b, o) => b.readInt32BE(o),
  write: (b, o, v) => {
    b.writeInt32BE(v, o);
  },
  check: (v) =>
    Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? undefined : `${v} is not an i32`,
};

/** counted_octet_string with a 32-bit (ccache) or 16-bit (keytab) length. */
export const data32 = struct("counted_octet_string", { length: lengthOf("data", be32), data: varBytes() });
export const data16 = struct("counted_octet_string", { length: lengthOf("data", be16), data: varBytes() });

/** A struct used as a variable part (it may follow other variable parts); never absent. */
export function nested<F extends Fields>(inner: Struct<F>): VarCodec<Decoded<F>> {
  return {
    kind: "var",
    align: 1,
    zeroCopy: false,
    empty: undefined as unknown as Decoded<F>,
    structure: inner.name,
    decode: (buf, start, end, _count, ctx) => inner.decodeAt(buf, start, end, ctx),
    size: (v) => inner.sizeOf(v as unknown as Input<F>),
    write: (buf, off, v, ctx) => {
      inner.encodeInto(buf, off, v as unknown as Input<F>, ctx);
    },
  };
}

/** An array preceded by its own element count (`countCodec`), usable after other variable parts. */
export function countedArray<F extends Fields>(
  element: Struct<F>,
  countCodec: FixedCodec<number>,
  max = 65_536,
): VarCodec<Decoded<F>[]> {
  const name = `${element.name}[]`;
  return {
    kind: "var",
    align: 1,
    zeroCopy: false,
    empty: [],
    structure: name,
    decode: (buf, start, end, _count, ctx) => {
      if (start + countCodec.size > end)
        throw new SmbDecodeError(name, "count", "runs past the end of its buffer");
      const n = countCodec.read(buf, start);
      if (n > max) throw new SmbDecodeError(name, "count", `${n} elements is more than ${max}`);
      let pos = start + countCodec.size;
      const out: Decoded<F>[] = [];
      for (let i = 0; i < n; i++) {
        const r = element.decodeAt(buf, pos, end, ctx);
        out.push(r.value);
        pos = r.end;
      }
      return { value: out, end: pos };
    },
    size: (v) => v.reduce((n, e) => n + element.sizeOf(e as unknown as Input<F>), countCodec.size),
    write: (buf, off, v, ctx) => {
      countCodec.write(buf, off, v.length);
      let pos = off + countCodec.size;
      for (const e of v) pos = element.encodeInto(buf, pos, e as unknown as Input<F>, ctx);
    },
  };
}

/** A trailing fixed field that is present only when enough bytes remain (keytab's 32-bit kvno). */
export function optionalTail<T>(codec: FixedCodec<T>): VarCodec<T | undefined> {
  return {
    kind: "var",
    align: 1,
    zeroCopy: false,
    empty: undefined,
    decode: (buf, start, end) =>
      start + codec.size <= end
        ? { value: codec.read(buf, start), end: start + codec.size }
        : { value: undefined, end: start },
    size: (v) => (v === undefined ? 0 : codec.size),
    write: (buf, off, v) => {
      if (v !== undefined) codec.write(buf, off, v);
    },
  };
}
