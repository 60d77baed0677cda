/**
 * Tagged unions: a variable part whose layout is chosen by a type field of the enclosing struct
 * (negotiate contexts by ContextType, compression payloads by algorithm ...). The type field is declared
 * with `tagOf(part, codec)` and is derived from the value on encode. Types without a declared variant
 * decode to their raw bytes (a view), so unknown future types pass through untouched.
 */
import { SmbDecodeError, SmbEncodeError } from "./errors.js";
import type { VarCodec } from "./fields.js";
import type { Decoded, Input, Struct } from "./struct.js";

// biome-ignore lint/suspicious/noExplicitAny: variants are heterogeneous; values are typed by UnionValue.
type AnyStruct = Struct<any>;
export type Variants = { readonly [tag: number]: AnyStruct };

/** A known variant: its type and decoded body. */
export type KnownVariant<V extends Variants> = {
  [K in keyof V & number]: { type: K; value: Decoded<V[K]["fields"]> };
}[keyof V & number];
/** Any type carried as raw bytes (always the case for types without a declared variant). */
export interface RawVariant {
  type: number;
  value: Buffer;
}
export type UnionValue<V extends Variants> = KnownVariant<V> | RawVariant;

const EMPTY = Buffer.alloc(0);

export function union<V extends Variants>(
  name: string,
  variants: V,
  opts: { align?: number } = {},
): VarCodec<UnionValue<V>> {
  const variantOf = (type: number): AnyStruct | undefined =>
    Object.hasOwn(variants, type) ? variants[type] : undefined;
  return {
    kind: "var",
    align: opts.align ?? 1,
    zeroCopy: false,
    empty: { type: 0, value: EMPTY },
    structure: name,
    decode: (buf, start, end, _count, ctx, tag) => {
      if (tag === undefined) throw new SmbDecodeError(name, undefined, "no type field");
      const s = variantOf(tag);
      if (!s) return { value: { type: tag, value: buf.subarray(start, end) }, end };
      const r = s.decodeAt(buf, start, end, ctx);
      return { value: { type: tag, value: r.value } as UnionValue<V>, end: r.end };
    },
    size: (v) => (Buffer.isBuffer(v.value) ? v.value.length : sizeOfVariant(variantOf(v.type), v)),
    tag: (v) => v.type,
    write: (buf, off, v, ctx) => {
      if (Buffer.isBuffer(v.value)) {
        buf.set(v.value, off);
        return;
      }
      variantOf(v.type)!.encodeInto(buf, off, v.value as Input<AnyStruct["fields"]>, ctx);
    },
  };
  function sizeOfVariant(s: AnyStruct | undefined, v: UnionValue<V>): number {
    if (!s)
      throw new SmbEncodeError(name, undefined, `type ${v.type} has no declared layout; pass raw bytes`);
    return s.sizeOf(v.value as Input<AnyStruct["fields"]>);
  }
}

/** The decoded body of the first entry of `type` in a list of union values, if any. */
export function findVariant<V extends Variants, K extends keyof V & number>(
  list: readonly UnionValue<V>[],
  type: K,
): Decoded<V[K]["fields"]> | undefined {
  for (const e of list) {
    if (e.type === type && !Buffer.isBuffer(e.value)) return e.value as Decoded<V[K]["fields"]>;
  }
  return undefined;
}
