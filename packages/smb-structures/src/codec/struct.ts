/**
 * Declarative structures: a struct is an ordered table of fields; the codec derives every offset,
 * size, length and count field from it, for both encode and decode.
 */
import { type CompiledFixed, compileFixed } from "./compile.js";
import { SmbDecodeError, SmbEncodeError } from "./errors.js";
import type {
  CodecContext,
  ConstField,
  CountField,
  DefaultField,
  LengthField,
  OffsetBase,
  OffsetField,
  SizeField,
  TagField,
  VarCodec,
} from "./fields.js";
import type { FixedCodec } from "./primitives.js";

// biome-ignore lint/suspicious/noExplicitAny: field tables are heterogeneous; values are typed by Decoded<F>.
type AnyFixed = FixedCodec<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyVar = VarCodec<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyDefault = DefaultField<any>;
export type Field =
  | AnyFixed
  | ConstField
  | AnyDefault
  | OffsetField
  | LengthField
  | CountField
  | TagField
  | SizeField
  | AnyVar;
export type Fields = Record<string, Field>;

type Hidden = ConstField | OffsetField | LengthField | CountField | TagField | SizeField;
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
  /**
   * Offsets count from the context base (the SMB2 header: default), the struct's own start, or the end of
   * its fixed fields. Parts without an offset field are aligned relative to the context base ("base") or
   * the struct start (otherwise).
   */
  offsetsFrom?: OffsetBase;
  /** Bytes the header occupies before this struct when encoding standalone (64 for SMB2 bodies). */
  encodeBase?: number;
  /** Minimum encoded size (MS-SMB2 bodies whose StructureSize counts one byte of an empty buffer). */
  minSize?: number;
  /** Spec section, for documentation and error messages. */
  spec?: string;
}

interface FixedSlot {
  name: string;
  /** Position in the table's fixed fields (index of hidden and computed values). */
  index: number;
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
  tagSlot?: FixedSlot;
}

/** The fixed slots, variable parts and size fields of a field table (checked: a misdeclared table throws). */
function shapeOf(name: string, fields: Fields): Shape {
  const fixed: FixedSlot[] = [];
  const vars: VarSlot[] = [];
  const sizeSlots: { slot: FixedSlot; from: number }[] = [];
  let off = 0;
  const byName = new Map<string, FixedSlot>();
  for (const [fieldName, field] of Object.entries(fields)) {
    if (field.kind === "var") {
      vars.push({ name: fieldName, codec: field });
      continue;
    }
    if (vars.length > 0) throw new Error(`${name}.${fieldName}: fixed field after a variable part`);
    const codec = "codec" in field ? (field.codec as AnyFixed) : (field as AnyFixed);
    const slot: FixedSlot = { name: fieldName, index: fixed.length, off, field, codec };
    fixed.push(slot);
    byName.set(fieldName, slot);
    off += codec.size;
  }
  const fixedSize = off;
  for (const [i, slot] of fixed.entries()) {
    const f = slot.field;
    if (f.kind === "size") {
      // `from` may also name the first variable part, which starts where the fixed fields end
      // (REPARSE_DATA_BUFFER.ReparseDataLength counts from the reparse-specific body).
      const from =
        f.from === undefined
          ? fixed[i + 1]?.off
          : (byName.get(f.from)?.off ?? (vars[0]?.name === f.from ? off : undefined));
      if (from === undefined) throw new Error(`${name}.${slot.name}: no field ${f.from ?? "after it"}`);
      sizeSlots.push({ slot, from });
      continue;
    }
    if (f.kind !== "offset" && f.kind !== "length" && f.kind !== "count" && f.kind !== "tag") continue;
    const target = vars.find((v) => v.name === f.target);
    if (!target) throw new Error(`${name}.${slot.name}: no variable part named ${f.target}`);
    if (f.kind === "offset") target.offsetSlot = slot;
    else if (f.kind === "length") target.lengthSlot = slot;
    else if (f.kind === "count") target.countSlot = slot;
    else {
      if (!target.codec.tag) throw new Error(`${name}.${slot.name}: ${f.target} is not a tagged union`);
      target.tagSlot = slot;
    }
  }
  const zc = vars.findIndex((v) => v.codec.zeroCopy);
  if (zc >= 0 && zc !== vars.length - 1) throw new Error(`${name}: zero-copy part must be last`);
  return { fixedSize, fixed, vars, sizeSlots, compiled: undefined };
}

interface Shape {
  fixedSize: number;
  fixed: FixedSlot[];
  vars: VarSlot[];
  sizeSlots: { slot: FixedSlot; from: number }[];
  /** compile.ts functions for the fixed fields (null: not compiled, the table is walked). */
  compiled: CompiledFixed | null | undefined;
}

/**
 * A zero-filled buffer. Small ones are slices of Node's shared allocation pool (`allocUnsafe` + fill)
 * rather than `Buffer.alloc`'s own ArrayBuffer each: headers and request bodies are encoded per message
 * (16,384 READs per GiB on SMB 2.0.2), and a fresh ArrayBuffer costs a native allocation plus GC work.
 */
function zeroed(size: number): Buffer {
  return size < 4096 ? Buffer.allocUnsafe(size).fill(0) : Buffer.alloc(size);
}

export class Struct<F extends Fields> {
  private shapeCache: Shape | undefined;
  private readonly offsetsFrom: OffsetBase;
  private readonly selfBase: boolean;
  private readonly encodeBase: number;
  private readonly minSize: number;

  constructor(
    readonly name: string,
    readonly fields: F,
    readonly options: StructOptions = {},
  ) {
    this.offsetsFrom = options.offsetsFrom ?? "base";
    this.selfBase = this.offsetsFrom !== "base";
    this.encodeBase = options.encodeBase ?? 0;
    this.minSize = options.minSize ?? 0;
  }

  /**
   * The layout, worked out on first use: a few hundred structures are declared at import and a run
   * uses a few dozen. `check()` works it out at once (the tests run it on every declared structure).
   */
  private get shape(): Shape {
    if (!this.shapeCache) this.shapeCache = shapeOf(this.name, this.fields);
    return this.shapeCache;
  }
  private get fixed(): FixedSlot[] {
    return this.shape.fixed;
  }
  private get vars(): VarSlot[] {
    return this.shape.vars;
  }
  private get sizeSlots(): { slot: FixedSlot; from: number }[] {
    return this.shape.sizeSlots;
  }
  /**
   * The compiled fixed-field functions, made on first use; null for tables with a size field (their
   * decode moves the struct's end) or where code generation is not allowed.
   */
  private get compiled(): CompiledFixed | null {
    const shape = this.shape;
    if (shape.compiled === undefined) {
      shape.compiled =
        (shape.sizeSlots.length === 0
          ? compileFixed(shape.fixed, {
              constMismatch: (i, got) => {
                const slot = shape.fixed[i]!;
                throw new SmbDecodeError(
                  this.name,
                  slot.name,
                  `expected ${String((slot.field as ConstField).value)}, got ${String(got)}`,
                );
              },
              missing: (i) => {
                throw new SmbEncodeError(this.name, shape.fixed[i]!.name, "missing");
              },
              invalid: (i, reason) => {
                throw new SmbEncodeError(this.name, shape.fixed[i]!.name, reason);
              },
            })
          : undefined) ?? null;
    }
    return shape.compiled;
  }

  /**
   * The same structure decoded and encoded by walking its table, never compiled (the reference the
   * compiled functions are tested against).
   * @internal
   */
  walked(): Struct<F> {
    const s = new Struct(this.name, this.fields, this.options);
    s.shape.compiled = null;
    return s;
  }

  /** Whether this structure's fixed fields are compiled (compile.ts). @internal */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }

  /** Size of the fixed fields. */
  get fixedSize(): number {
    return this.shape.fixedSize;
  }

  /** Works the layout out now; throws if the field table is misdeclared. */
  check(): this {
    void this.shape;
    return this;
  }

  /**
   * Byte offset of a fixed field from the struct's start (for readers that pick single fields out of
   * many entries without decoding each into an object, e.g. directory listings).
   */
  fieldOffset(name: keyof F & string): number {
    const slot = this.fixed.find((s) => s.name === name);
    if (!slot) throw new Error(`${this.name}: no fixed field ${name}`);
    return slot.off;
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
    const hidden = this.vars.length ? new Array<number>(this.fixed.length) : undefined;
    const compiled = this.compiled;
    let out: Record<string, unknown>;
    // Set by a size field: the struct then occupies exactly that many bytes (padding after its last
    // part included), which is where the next element of a list starts (ACE.AceSize, ACL.AclSize).
    let sizedEnd: number | undefined;
    if (compiled) out = compiled.read(buf, start, hidden);
    else out = {};
    for (const slot of compiled ? NO_SLOTS : this.fixed) {
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
        case "tag":
          hidden![slot.index] = v as number;
          break;
        case "size": {
          const { from } = this.sizeSlots.find((s) => s.slot === slot)!;
          const limit = start + from + (v as number);
          if (limit > end) {
            throw new SmbDecodeError(
              this.name,
              slot.name,
              `${v} bytes from offset ${from} exceed the buffer`,
            );
          }
          if (limit >= start + this.fixedSize) end = sizedEnd = limit;
          break;
        }
        default:
          out[slot.name] = v;
      }
    }
    let cursor = start + this.fixedSize;
    const ctxBase = ctx?.base ?? start - this.encodeBase;
    const base = this.selfBase ? start : ctxBase;
    const innerCtx: CodecContext = ctx ?? { base: ctxBase };
    for (const v of this.vars) {
      const lengthField = v.lengthSlot?.field as LengthField | undefined;
      const length = v.lengthSlot ? hidden![v.lengthSlot.index]! - lengthField!.adjust : undefined;
      const count = v.countSlot ? hidden![v.countSlot.index]! : undefined;
      const tag = v.tagSlot ? hidden![v.tagSlot.index]! : undefined;
      // A tagged union decodes even an empty part (its type alone may be the value).
      const empty = (length === 0 || count === 0) && !v.tagSlot;
      let pos: number;
      if (v.offsetSlot) {
        const f = v.offsetSlot.field as OffsetField;
        const rel = hidden![v.offsetSlot.index]!;
        pos = this.offsetBase(f, start, ctxBase) + rel;
        // A zero offset is "absent" for an empty part, and for a zeroIfEmpty offset whenever 0 cannot be
        // a real position (it would point into the fixed fields): MS-DTYP SECURITY_DESCRIPTOR.OffsetOwner
        // ... have no length, 0 is their only way to say "none". Counted from the end of the fixed fields
        // (SMB2_QUERY_QUOTA_INFO.StartSidOffset), 0 is a real position.
        if (rel === 0 && (empty || (f.zeroIfEmpty && pos < start + this.fixedSize))) {
          out[v.name] = v.codec.empty;
          continue;
        }
      } else {
        pos = alignUp(cursor - base, v.codec.align) + base;
      }
      if (empty) {
        out[v.name] = v.codec.empty;
        continue;
      }
      if (length !== undefined && length < 0) {
        throw new SmbDecodeError(this.name, v.lengthSlot!.name, "length below its minimum");
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
      const r = v.codec.decode(buf, pos, partEnd, count, innerCtx, tag);
      out[v.name] = r.value;
      if (r.end > cursor) cursor = r.end;
    }
    if (this.vars.length === 0) cursor = start + this.fixedSize;
    return { value: out as Decoded<F>, end: sizedEnd ?? cursor };
  }

  /** Encoded size of `value` (fixed part, aligned variable parts, minimum size). */
  sizeOf(value: Input<F>): number {
    return this.layout(value as Record<string, unknown>, this.encodeBase).size;
  }

  /** Encodes into a fresh buffer. */
  encode(value: Input<F>): Buffer {
    const v = value as Record<string, unknown>;
    // Fixed fields only (the SMB2 header, most request bodies' heads): no layout to work out.
    if (this.vars.length === 0) {
      const compiled = this.compiled;
      if (compiled) {
        const buf = zeroed(Math.max(this.fixedSize, this.minSize));
        compiled.write(buf, 0, v, NO_COMPUTED);
        return buf;
      }
    }
    const lay = this.layout(v, this.encodeBase);
    const buf = zeroed(lay.size);
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
    const head = zeroed(headSize);
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

  /** Where the offsets of `f` count from, for a struct at `start` (decode) or `off` (encode). */
  private offsetBase(f: OffsetField, start: number, ctxBase: number): number {
    switch (f.from ?? this.offsetsFrom) {
      case "self":
        return start;
      case "fixedEnd":
        return start + this.fixedSize;
      default:
        return ctxBase;
    }
  }

  /** Positions of each variable part relative to the struct start, given where the struct sits. */
  private layout(v: Record<string, unknown>, startFromBase: number): { size: number; positions: number[] } {
    let cursor = this.fixedSize;
    const positions: number[] = [];
    for (const slot of this.vars) {
      const val = v[slot.name] ?? slot.codec.empty;
      const from = this.selfBase ? 0 : startFromBase;
      const size = slot.codec.size(val);
      // An empty part whose offset is written as 0 is absent: it gets no alignment padding.
      const absent =
        (slot.offsetSlot?.field as OffsetField | undefined)?.zeroIfEmpty &&
        (size === 0 || slot.codec.count?.(val) === 0);
      if (!absent) cursor = alignUp(cursor + from, slot.codec.align) - from;
      positions.push(cursor);
      cursor += size;
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
    const computed = new Array<number | undefined>(this.fixed.length);
    for (const { slot, from } of this.sizeSlots) computed[slot.index] = lay.size - from;
    const vars = this.vars;
    for (let i = 0; i < vars.length; i++) {
      const slot = vars[i]!;
      const val = v[slot.name] ?? slot.codec.empty;
      const pos = off + lay.positions[i]!;
      const size = slot.codec.size(val);
      const count = slot.codec.count?.(val);
      if (slot.offsetSlot) {
        const f = slot.offsetSlot.field as OffsetField;
        const isEmpty = size === 0 || count === 0;
        computed[slot.offsetSlot.index] =
          f.zeroIfEmpty && isEmpty ? 0 : pos - this.offsetBase(f, off, ctx.base);
      }
      if (slot.lengthSlot)
        computed[slot.lengthSlot.index] = size + (slot.lengthSlot.field as LengthField).adjust;
      if (slot.countSlot) {
        if (count === undefined)
          throw new Error(`${this.name}.${slot.name}: count field on an uncountable part`);
        computed[slot.countSlot.index] = count;
      }
      if (slot.tagSlot) computed[slot.tagSlot.index] = slot.codec.tag!(val);
      if (!(skipZeroCopy && slot.codec.zeroCopy)) slot.codec.write(buf, pos, val, ctx);
    }
    const compiled = this.compiled;
    if (compiled) {
      compiled.write(buf, off, v, computed);
      return;
    }
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
        case "tag":
        case "size":
          val = computed[slot.index];
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

const NO_SLOTS: readonly FixedSlot[] = [];
const NO_COMPUTED: (number | undefined)[] = [];

export function alignUp(n: number, align: number): number {
  return align <= 1 ? n : Math.ceil(n / align) * align;
}

/** Declares a structure. */
export function struct<F extends Fields>(name: string, fields: F, options?: StructOptions): Struct<F> {
  return new Struct(name, fields, options);
}
