/**
 * Declarative structures: a struct is an ordered table of fields; the codec derives every offset,
 * size, length and count field from it, for both encode and decode.
 */
import { SmbDecodeError, SmbEncodeError } from "./errors.js";
import type {
  CodecContext,
  ConstField,
  CountField,
  DefaultField,
  LengthField,
  OffsetField,
  VarCodec,
} from "./fields.js";
import type { FixedCodec } from "./primitives.js";

// biome-ignore lint/suspicious/noExplicitAny: field tables are heterogeneous; values are typed by Decoded<F>.
type AnyFixed = FixedCodec<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyVar = VarCodec<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyDefault = DefaultField<any>;
export type Field = AnyFixed | ConstField | AnyDefault | OffsetField | LengthField | CountField | AnyVar;
export type Fields = Record<string, Field>;

type Hidden = ConstField | OffsetField | LengthField | CountField;
type ValueOf<F> =
  F extends FixedCodec<infer T>
    ? T
    : F extends VarCodec<infer T>
      ? T
      : F extends DefaultField<infer T>
        ? T
        : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The decoded value of a struct: every visible field. */
export type Decoded<F extends Fields> = Simplify<{
  [K in keyof F as F[K] extends Hidden ? never : K]: ValueOf<F[K]>;
}>;
/** What encode takes: defaulted fields and variable parts may be omitted. */
export type Input<F extends Fields> = Simplify<
  {
    [K in keyof F as F[K] extends Hidden | AnyDefault | AnyVar ? never : K]: ValueOf<F[K]>;
  } & {
    [K in keyof F as F[K] extends AnyDefault | AnyVar ? K : never]?: ValueOf<F[K]>;
  }
>;

export interface StructOptions {
  /** Offsets count from the context base (the SMB2 header: default) or from the struct's own start. */
  offsetsFrom?: "base" | "self";
  /** Bytes the header occupies before this struct when encoding standalone (64 for SMB2 bodies). */
  encodeBase?: number;
  /** Minimum encoded size (MS-SMB2 bodies whose StructureSize counts one byte of an empty buffer). */
  minSize?: number;
  /** Spec section, for documentation and error messages. */
  spec?: string;
}

interface FixedSlot {
  name: string;
  off: number;
  field: Field & { codec?: AnyFixed };
  codec: AnyFixed;
}
interface VarSlot {
  name: string;
  codec: AnyVar;
  offsetSlot?: FixedSlot;
  lengthSlot?: FixedSlot;
  countSlot?: FixedSlot;
}

export class Struct<F extends Fields> {
  readonly fixedSize: number;
  private readonly fixed: FixedSlot[] = [];
  private readonly vars: VarSlot[] = [];
  private readonly selfBase: boolean;
  private readonly encodeBase: number;
  private readonly minSize: number;

  constructor(
    readonly name: string,
    readonly fields: F,
    readonly options: StructOptions = {},
  ) {
    this.selfBase = options.offsetsFrom === "self";
    this.encodeBase = options.encodeBase ?? 0;
    this.minSize = options.minSize ?? 0;
    let off = 0;
    const byName = new Map<string, FixedSlot>();
    for (const [fieldName, field] of Object.entries(fields)) {
      if (field.kind === "var") {
        this.vars.push({ name: fieldName, codec: field });
        continue;
      }
      if (this.vars.length > 0) throw new Error(`${name}.${fieldName}: fixed field after a variable part`);
      const codec = "codec" in field ? (field.codec as AnyFixed) : (field as AnyFixed);
      const slot: FixedSlot = { name: fieldName, off, field, codec };
      this.fixed.push(slot);
      byName.set(fieldName, slot);
      off += codec.size;
    }
    this.fixedSize = off;
    for (const slot of this.fixed) {
      const f = slot.field;
      if (f.kind !== "offset" && f.kind !== "length" && f.kind !== "count") continue;
      const target = this.vars.find((v) => v.name === f.target);
      if (!target) throw new Error(`${name}.${slot.name}: no variable part named ${f.target}`);
      if (f.kind === "offset") target.offsetSlot = slot;
      else if (f.kind === "length") target.lengthSlot = slot;
      else target.countSlot = slot;
    }
    const zc = this.vars.findIndex((v) => v.codec.zeroCopy);
    if (zc >= 0 && zc !== this.vars.length - 1) throw new Error(`${name}: zero-copy part must be last`);
  }

  /** Decodes the struct at `start`; `end` bounds it (end of message or enclosing region). */
  decode(buf: Buffer, start = 0, end = buf.length, ctx?: CodecContext): Decoded<F> {
    return this.decodeAt(buf, start, end, ctx).value;
  }

  decodeAt(buf: Buffer, start: number, end: number, ctx?: CodecContext): { value: Decoded<F>; end: number } {
    if (end > buf.length) end = buf.length;
    if (start + this.fixedSize > end) {
      throw new SmbDecodeError(
        this.name,
        undefined,
        `needs ${this.fixedSize} bytes, has ${Math.max(0, end - start)}`,
      );
    }
    const out: Record<string, unknown> = {};
    const hidden = this.vars.length ? new Map<FixedSlot, number>() : undefined;
    for (const slot of this.fixed) {
      const f = slot.field;
      const v = slot.codec.read(buf, start + slot.off);
      switch (f.kind) {
        case "const":
          if (!f.lenient && v !== f.value) {
            throw new SmbDecodeError(this.name, slot.name, `expected ${String(f.value)}, got ${String(v)}`);
          }
          break;
        case "offset":
        case "length":
        case "count":
          hidden!.set(slot, v as number);
          break;
        default:
          out[slot.name] = v;
      }
    }
    let cursor = start + this.fixedSize;
    const base = this.selfBase ? start : (ctx?.base ?? start - this.encodeBase);
    const innerCtx: CodecContext = ctx ?? { base };
    for (const v of this.vars) {
      const length = v.lengthSlot ? hidden!.get(v.lengthSlot)! : undefined;
      const count = v.countSlot ? hidden!.get(v.countSlot)! : undefined;
      let pos: number;
      if (v.offsetSlot) {
        const rel = hidden!.get(v.offsetSlot)!;
        if ((length === 0 || count === 0) && rel === 0) {
          out[v.name] = v.codec.empty;
          continue;
        }
        pos = base + rel;
      } else {
        pos = alignUp(cursor - base, v.codec.align) + base;
      }
      if (length === 0 || count === 0) {
        out[v.name] = v.codec.empty;
        continue;
      }
      if (pos < start || pos > end) {
        throw new SmbDecodeError(this.name, v.name, `offset ${pos - base} outside the structure`);
      }
      let partEnd = end;
      if (length !== undefined) {
        partEnd = pos + length;
        if (partEnd > end) {
          throw new SmbDecodeError(
            this.name,
            v.name,
            `length ${length} at offset ${pos - base} exceeds the buffer`,
          );
        }
      }
      const r = v.codec.decode(buf, pos, partEnd, count, innerCtx);
      out[v.name] = r.value;
      if (r.end > cursor) cursor = r.end;
    }
    if (this.vars.length === 0) cursor = start + this.fixedSize;
    return { value: out as Decoded<F>, end: cursor };
  }

  /** Encoded size of `value` (fixed part, aligned variable parts, minimum size). */
  sizeOf(value: Input<F>): number {
    return this.layout(value as Record<string, unknown>, this.encodeBase).size;
  }

  /** Encodes into a fresh buffer. */
  encode(value: Input<F>): Buffer {
    const v = value as Record<string, unknown>;
    const lay = this.layout(v, this.encodeBase);
    const buf = Buffer.alloc(lay.size);
    this.writeLaid(buf, 0, v, lay, { base: -this.encodeBase }, false);
    return buf;
  }

  /**
   * Encodes with the zero-copy part (if any) left as its own segment: [fixed+other parts, payload].
   * The segments concatenated equal `encode(value)`.
   */
  encodeParts(value: Input<F>): Buffer[] {
    const v = value as Record<string, unknown>;
    const lay = this.layout(v, this.encodeBase);
    const last = this.vars[this.vars.length - 1];
    if (!last?.codec.zeroCopy) return [this.encode(value)];
    const payload = (v[last.name] ?? last.codec.empty) as Buffer;
    const headSize = lay.size - payload.length;
    const head = Buffer.alloc(headSize);
    this.writeLaid(head, 0, v, lay, { base: -this.encodeBase }, true);
    return payload.length > 0 ? [head, payload] : [head];
  }

  /** Writes at `off` in `buf` (which must have `sizeOf` bytes free); returns the end position. */
  encodeInto(buf: Buffer, off: number, value: Input<F>, ctx?: CodecContext): number {
    const v = value as Record<string, unknown>;
    const c = ctx ?? { base: off - this.encodeBase };
    const lay = this.layout(v, this.selfBase ? 0 : off - c.base);
    this.writeLaid(buf, off, v, lay, c, false);
    return off + lay.size;
  }

  /** Positions of each variable part relative to the struct start, given where the struct sits. */
  private layout(v: Record<string, unknown>, startFromBase: number): { size: number; positions: number[] } {
    let cursor = this.fixedSize;
    const positions: number[] = [];
    for (const slot of this.vars) {
      const val = v[slot.name] ?? slot.codec.empty;
      const from = this.selfBase ? 0 : startFromBase;
      cursor = alignUp(cursor + from, slot.codec.align) - from;
      positions.push(cursor);
      cursor += slot.codec.size(val);
    }
    return { size: Math.max(cursor, this.minSize), positions };
  }

  private writeLaid(
    buf: Buffer,
    off: number,
    v: Record<string, unknown>,
    lay: { size: number; positions: number[] },
    ctx: CodecContext,
    skipZeroCopy: boolean,
  ): void {
    const base = this.selfBase ? off : ctx.base;
    const computed = new Map<string, number>();
    this.vars.forEach((slot, i) => {
      const val = v[slot.name] ?? slot.codec.empty;
      const pos = off + lay.positions[i]!;
      const size = slot.codec.size(val);
      if (slot.offsetSlot) computed.set(slot.offsetSlot.name, pos - base);
      if (slot.lengthSlot) computed.set(slot.lengthSlot.name, size);
      if (slot.countSlot) {
        if (!slot.codec.count)
          throw new Error(`${this.name}.${slot.name}: count field on an uncountable part`);
        computed.set(slot.countSlot.name, slot.codec.count(val));
      }
      if (!(skipZeroCopy && slot.codec.zeroCopy)) slot.codec.write(buf, pos, val, ctx);
    });
    for (const slot of this.fixed) {
      const f = slot.field;
      let val: unknown;
      switch (f.kind) {
        case "const":
          val = f.value;
          break;
        case "default":
          val = v[slot.name] ?? f.value;
          break;
        case "offset":
        case "length":
        case "count":
          val = computed.get(slot.name);
          break;
        default:
          val = v[slot.name];
          if (val === undefined) throw new SmbEncodeError(this.name, slot.name, "missing");
      }
      const bad = slot.codec.check?.(val);
      if (bad) throw new SmbEncodeError(this.name, slot.name, bad);
      slot.codec.write(buf, off + slot.off, val);
    }
  }
}

export function alignUp(n: number, align: number): number {
  return align <= 1 ? n : Math.ceil(n / align) * align;
}

/** Declares a structure. */
export function struct<F extends Fields>(name: string, fields: F, options?: StructOptions): Struct<F> {
  return new Struct(name, fields, options);
}
