export { SmbDecodeError, SmbEncodeError } from "./errors.js";
export type {
  CodecContext,
  ConstField,
  CountField,
  DefaultField,
  LengthField,
  OffsetBase,
  OffsetField,
  OffsetOptions,
  SizeField,
  TagField,
  VarCodec,
} from "./fields.js";
export {
  constant,
  countOf,
  lengthOf,
  nextEntryOffset,
  offsetOf,
  reserved,
  sizeFrom,
  tagOf,
  withDefault,
} from "./fields.js";
export type { FixedCodec } from "./primitives.js";
export { bytes, i32, i64, mapped, readI64Number, readU64Number, u8, u16, u32, u64 } from "./primitives.js";
export type { Decoded, Field, Fields, Input, StructOptions } from "./struct.js";
export { alignUp, Struct, struct } from "./struct.js";
export type { KnownVariant, RawVariant, UnionValue, Variants } from "./union.js";
export { findVariant, union } from "./union.js";
export { chain, latin1, mapVar, utf16, varArray, varBytes, varStruct } from "./variable.js";
export type { NamedValues } from "./format.js";
export { formatEnum, formatFlags } from "./format.js";
