/**
 * Field kinds beyond plain fixed codecs. Hidden fields (constants, reserved, offsets, lengths, counts)
 * are computed by the struct codec on encode and checked or consumed on decode, so they never appear in
 * the decoded value and are never written by hand.
 */
import type { FixedCodec } from "./primitives.js";

/** Decode/encode context: where the SMB2 header (the base of most MS-SMB2 offsets) starts. */
export interface CodecContext {
  /** Absolute position of the base that `offset` fields count from. */
  base: number;
}

/** A value that must hold a fixed number (StructureSize, ProtocolId). Checked on decode. */
export interface ConstField {
  readonly kind: "const";
  readonly codec: FixedCodec<number> | FixedCodec<bigint>;
  readonly value: number | bigint;
  /** When true a mismatch is ignored on decode (servers known to send other values). */
  readonly lenient: boolean;
}
export function constant(codec: FixedCodec<number>, value: number, lenient = false): ConstField {
  return { kind: "const", codec, value, lenient };
}
/** Reserved bytes: written as zero, ignored on decode (MS-SMB2: "MUST be ignored on receipt"). */
export function reserved(size: number): ConstField & { readonly size: number } {
  const codec: FixedCodec<number> = {
    kind: "fixed",
    size,
    prim: "zero",
    read: () => 0,
    write: (b, o) => {
      b.fill(0, o, o + size);
    },
  };
  return { kind: "const", codec, value: 0, lenient: true, size };
}

/** The leading NextEntryOffset of a chained entry (see `chain`): filled in by the chain. */
export function nextEntryOffset(): ConstField & { readonly size: number } {
  return reserved(4);
}

/** A visible field that may be omitted on encode. */
export interface DefaultField<T> {
  readonly kind: "default";
  readonly codec: FixedCodec<T>;
  readonly value: T;
}
export function withDefault<T>(codec: FixedCodec<T>, value: T): DefaultField<T> {
  return { kind: "default", codec, value };
}

/**
 * What an offset counts from: the context base (the SMB2 header), the struct's own start, or the end of
 * its fixed fields (MS-FSCC / MS-SMB2 "offset from the beginning of the PathBuffer field").
 */
export type OffsetBase = "base" | "self" | "fixedEnd";

/** Offset of a variable field, counted from the struct's `offsetsFrom` base unless `from` overrides it. */
export interface OffsetField {
  readonly kind: "offset";
  readonly codec: FixedCodec<number>;
  readonly target: string;
  /** Written as 0 when the part is empty (MS-SMB2: "If no ... are sent, this value MUST be 0"). */
  readonly zeroIfEmpty: boolean;
  readonly from?: OffsetBase;
}
export interface OffsetOptions {
  zeroIfEmpty?: boolean;
  from?: OffsetBase;
}
export function offsetOf(target: string, codec: FixedCodec<number>, opts: OffsetOptions = {}): OffsetField {
  return { kind: "offset", codec, target, zeroIfEmpty: opts.zeroIfEmpty ?? false, from: opts.from };
}
/** Byte length of a variable field. */
export interface LengthField {
  readonly kind: "length";
  readonly codec: FixedCodec<number>;
  readonly target: string;
  /**
   * Added to the part's size to get the wire value: -1 when the length leaves out a terminator the part
   * carries (FILE_FULL_EA_INFORMATION.EaNameLength excludes the name's NUL).
   */
  readonly adjust: number;
}
export function lengthOf(
  target: string,
  codec: FixedCodec<number>,
  opts: { adjust?: number } = {},
): LengthField {
  return { kind: "length", codec, target, adjust: opts.adjust ?? 0 };
}
/** Element count of a variable list. */
export interface CountField {
  readonly kind: "count";
  readonly codec: FixedCodec<number>;
  readonly target: string;
}
export function countOf(target: string, codec: FixedCodec<number>): CountField {
  return { kind: "count", codec, target };
}

/**
 * The type field of a tagged union (see `union`): derived from the value on encode, handed to the
 * union's decoder on decode.
 */
export interface TagField {
  readonly kind: "tag";
  readonly codec: FixedCodec<number>;
  readonly target: string;
}
export function tagOf(target: string, codec: FixedCodec<number>): TagField {
  return { kind: "tag", codec, target };
}

/**
 * A byte count from the start of field `from` (default: the field after this one) to the end of the
 * struct: SymLinkLength, ReparseDataLength. Computed on encode; on decode it bounds the struct (a value
 * past the available bytes is an error).
 */
export interface SizeField {
  readonly kind: "size";
  readonly codec: FixedCodec<number>;
  readonly from: string | undefined;
}
export function sizeFrom(codec: FixedCodec<number>, from?: string): SizeField {
  return { kind: "size", codec, from };
}

/** Result of decoding a variable part: the value and the position just past it. */
export interface VarDecoded<T> {
  value: T;
  end: number;
}

/**
 * A variable-size part placed after the fixed fields, either at the position an offset field gives or
 * right after the previous part. Its extent comes from a length field, a count field, or the struct end.
 */
export interface VarCodec<T> {
  readonly kind: "var";
  /** Alignment of the part's start relative to the context base (8 for most MS-SMB2 buffers). */
  readonly align: number;
  /** Written as a separate segment by `encodeParts` (large payloads: WRITE data). Must be last. */
  readonly zeroCopy: boolean;
  readonly empty: T;
  /**
   * Decode from [start, end). `count` is set when a count field governs the part; `exact` is true when
   * `end` came from a length field (the value must fill it).
   */
  decode(
    buf: Buffer,
    start: number,
    end: number,
    count: number | undefined,
    ctx: CodecContext,
    /** The value of the struct's `tagOf` field for this part, if it has one. */
    tag?: number,
  ): VarDecoded<T>;
  size(value: T): number;
  count?(value: T): number;
  /** The tag a `tagOf` field gets for this value (tagged unions). */
  tag?(value: T): number;
  write(buf: Buffer, off: number, value: T, ctx: CodecContext): void;
  readonly structure?: string;
}
