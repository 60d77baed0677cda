/**
 * A small DER (X.690) reader and writer for the GSS-API and SPNEGO tokens: TLVs with bounds checks,
 * long-form lengths, OIDs, and the few universal types SPNEGO uses. Readers never trust a length: every
 * failure is a {@link DerError} (an {@link AuthError} with code ERR_SMB_AUTH_BAD_TOKEN).
 */
import { AuthError } from "./errors.js";

export class DerError extends AuthError {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super("ERR_SMB_AUTH_BAD_TOKEN", `malformed DER ${where}: ${reason}`);
  }
}

/** Identifier octets used here (single-byte tags: class bits | constructed bit | tag number < 31). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  GENERAL_STRING: 0x1b,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [APPLICATION 0] constructed: the GSS-API InitialContextToken framing (RFC 2743 3.1). */
  APPLICATION_0: 0x60,
} as const;

/** Context-specific constructed tag [n] (0xa0 | n). */
export function contextTag(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag ${n} out of range`);
  return 0xa0 | n;
}

/** One decoded TLV. `value` is a view into the source buffer. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset just past the value. */
  readonly end: number;
  readonly value: Buffer;
  /** The whole encoding (identifier, length and value). */
  readonly raw: Buffer;
}

/** Longest length field accepted: 4 bytes (tokens beyond 4 GiB are not SPNEGO). */
const MAX_LENGTH_OCTETS = 4;

/** Reads the TLV at `offset`, which must end at or before `end`. */
export function readTlv(buf: Uint8Array, offset = 0, end = buf.length, where = "TLV"): Tlv {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (end > b.length) end = b.length;
  if (offset < 0 || offset >= end) throw new DerError(where, "no data");
  const tag = b[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(where, "multi-byte tags are not supported");
  let pos = offset + 1;
  if (pos >= end) throw new DerError(where, "missing length");
  const first = b[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DerError(where, "indefinite length is not DER");
  } else {
    const n = first & 0x7f;
    if (n > MAX_LENGTH_OCTETS) throw new DerError(where, `length field of ${n} bytes`);
    if (pos + n > end) throw new DerError(where, "truncated length");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[pos++]!;
  }
  if (length > end - pos) throw new DerError(where, `length ${length} exceeds the ${end - pos} bytes left`);
  const valueEnd = pos + length;
  return {
    tag,
    start: offset,
    end: valueEnd,
    value: b.subarray(pos, valueEnd),
    raw: b.subarray(offset, valueEnd),
  };
}

/** Reads a TLV that must have `tag` and fill the buffer exactly (no trailing bytes). */
export function readWhole(buf: Uint8Array, tag: number, where: string): Tlv {
  const t = readTlv(buf, 0, buf.length, where);
  expectTag(t, tag, where);
  if (t.end !== buf.length) throw new DerError(where, `${buf.length - t.end} trailing bytes`);
  return t;
}

/** Splits a constructed value into its child TLVs. */
export function readChildren(parent: Tlv | Uint8Array, where = "SEQUENCE"): Tlv[] {
  const value = "value" in parent && "tag" in parent ? parent.value : parent;
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < value.length) {
    const t = readTlv(value, pos, value.length, where);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function expectTag(t: Tlv, tag: number, where: string): void {
  if (t.tag !== tag) {
    throw new DerError(where, `expected tag 0x${hex2(tag)}, got 0x${hex2(t.tag)}`);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

// ---------------------------------------------------------------------------------------------------
// Writing

/** Encodes a DER length (short form below 128, otherwise minimal long form). */
export function encodeLength(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`DER length ${n} out of range`);
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV whose value is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
    throw new RangeError(`unsupported DER tag ${tag}`);
  }
  let len = 0;
  for (const p of parts) len += p.length;
  return Buffer.concat([Buffer.from([tag]), encodeLength(len), ...parts]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(Tag.SEQUENCE, ...items);
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(contextTag(n), inner);
export const octetString = (data: Uint8Array): Buffer => tlv(Tag.OCTET_STRING, data);

/** ENUMERATED / INTEGER with a small non-negative value (minimal two's complement). */
export function enumerated(value: number, tag: number = Tag.ENUMERATED): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`value ${value}`);
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

/** Decodes a non-negative INTEGER/ENUMERATED value that fits a JS number (up to 2^31-1). */
export function decodeSmallInteger(t: Tlv, where: string): number {
  const v = t.value;
  if (v.length === 0) throw new DerError(where, "empty integer");
  if (v[0]! & 0x80) throw new DerError(where, "negative integer");
  let start = 0;
  while (start < v.length - 1 && v[start] === 0) start++;
  if (v.length - start > 4 || (v.length - start === 4 && v[start]! & 0x80)) {
    throw new DerError(where, "integer too large");
  }
  let n = 0;
  for (let i = start; i < v.length; i++) n = n * 256 + v[i]!;
  return n;
}

/**
 * BIT STRING from named bits (bit 0 is the most significant bit of the first octet, X.680 22.7); trailing
 * zero bits are dropped as DER requires for named bit lists.
 */
export function bitString(bits: number[]): Buffer {
  const max = bits.length ? Math.max(...bits) : -1;
  if (max < 0) return tlv(Tag.BIT_STRING, Buffer.from([0]));
  const octets = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const bit of bits) octets[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (max & 7);
  return tlv(Tag.BIT_STRING, Buffer.from([unused]), octets);
}

/** The set bit numbers of a BIT STRING. */
export function decodeBitString(t: Tlv, where: string): number[] {
  const v = t.value;
  if (v.length === 0) throw new DerError(where, "empty bit string");
  const unused = v[0]!;
  if (unused > 7 || (v.length === 1 && unused !== 0))
    throw new DerError(where, `bad unused-bits count ${unused}`);
  const out: number[] = [];
  const total = (v.length - 1) * 8 - unused;
  for (let i = 0; i < total; i++) if (v[1 + (i >> 3)]! & (0x80 >> (i & 7))) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Object identifiers

/** OID content octets for a dotted string ("1.3.6.1.5.5.2"). */
export function encodeOidValue(dotted: string): Buffer {
  const parts = dotted.split(".");
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p))) throw new RangeError(`bad OID "${dotted}"`);
  const arcs = parts.map((p) => BigInt(p));
  const [a0, a1] = arcs as [bigint, bigint];
  if (a0 > 2n || (a0 < 2n && a1 > 39n)) throw new RangeError(`bad OID "${dotted}"`);
  const out: number[] = [];
  const push = (arc: bigint) => {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  };
  push(a0 * 40n + a1);
  for (const arc of arcs.slice(2)) push(arc);
  return Buffer.from(out);
}

export function oid(dotted: string): Buffer {
  return tlv(Tag.OID, encodeOidValue(dotted));
}

/** Dotted string of OID content octets. */
export function decodeOidValue(v: Uint8Array, where = "OID"): string {
  if (v.length === 0) throw new DerError(where, "empty OID");
  const arcs: bigint[] = [];
  let acc = 0n;
  let inArc = false;
  for (let i = 0; i < v.length; i++) {
    const byte = v[i]!;
    if (!inArc && byte === 0x80) throw new DerError(where, "non-minimal arc encoding");
    acc = (acc << 7n) | BigInt(byte & 0x7f);
    inArc = (byte & 0x80) !== 0;
    if (!inArc) {
      arcs.push(acc);
      acc = 0n;
    }
    if (acc > 1n << 64n) throw new DerError(where, "arc too large");
  }
  if (inArc) throw new DerError(where, "truncated arc");
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

export function decodeOid(t: Tlv, where = "OID"): string {
  expectTag(t, Tag.OID, where);
  return decodeOidValue(t.value, where);
}
