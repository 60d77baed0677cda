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

/** Offset of a variable field, counted from the context base (SMB2 header) or the struct start. */
export interface OffsetField {
  readonly kind: "offset";
  readonly codec: FixedCodec<number>;
  readonly target: string;
}
export function offsetOf(target: string, codec: FixedCodec<number>): OffsetField {
  return { kind: "offset", codec, target };
}
/** Byte length of a variable field. */
export interface LengthField {
  readonly kind: "length";
  readonly codec: FixedCodec<number>;
  readonly target: string;
}
export function lengthOf(target: string, codec: FixedCodec<number>): LengthField {
  return { kind: "length", codec, target };
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
  ): VarDecoded<T>;
  size(value: T): number;
  count?(value: T): number;
  write(buf: Buffer, off: number, value: T, ctx: CodecContext): void;
  readonly structure?: string;
}
