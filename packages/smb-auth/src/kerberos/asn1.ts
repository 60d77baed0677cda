/**
 * The subset of ASN.1 DER (X.690) that Kerberos (RFC 4120 section 5) and the GSS-API token framing need:
 * single-byte identifiers (universal, [APPLICATION n] and context [n] tags up to 30), definite lengths,
 * INTEGER, BOOLEAN, BIT STRING (32-bit flag words), OCTET STRING, GeneralString / KerberosString,
 * GeneralizedTime (KerberosTime) and OBJECT IDENTIFIER.
 *
 * Decoding never reads past the enclosing value and reports what it expected in an {@link Asn1Error}.
 */
import { KerberosError } from "./errors.js";

/** A malformed or unexpected DER value (krbCode KRB5_BAD_MSG); `path` names the structure being decoded. */
export class Asn1Error extends KerberosError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super("KRB5_BAD_MSG", `${path}: ${reason}`);
    this.path = path;
  }
}

/** Identifier octets (class | constructed | number). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  IA5String: 0x16,
  GeneralizedTime: 0x18,
  GeneralString: 0x1b,
} as const;

/** Constructed context-specific tag [n]. */
export const ctxTag = (n: number): number => 0xa0 | n;
/** Constructed application tag [APPLICATION n]. */
export const appTag = (n: number): number => 0x60 | n;

// ---------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------

function lengthOctets(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with already-encoded contents. */
export function tlv(tag: number, ...contents: (Uint8Array | undefined)[]): Buffer {
  const parts = contents.filter((c): c is Uint8Array => c !== undefined);
  const len = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([Buffer.from([tag]), lengthOctets(len), ...parts]);
}

/** SEQUENCE of the given encoded elements (undefined elements, i.e. absent OPTIONAL ones, are skipped). */
export const seq = (...elements: (Uint8Array | undefined)[]): Buffer => tlv(Tag.SEQUENCE, ...elements);
/** EXPLICIT context tag [n] around an encoded value; undefined when the value is absent. */
export function ctx(n: number, value: Uint8Array | undefined): Buffer | undefined {
  return value === undefined ? undefined : tlv(ctxTag(n), value);
}
/** [APPLICATION n] around an encoded value. */
export const app = (n: number, value: Uint8Array): Buffer => tlv(appTag(n), value);

/** INTEGER from a JS integer (Int32 / UInt32 / Microseconds range, and anything up to 2^53). */
export function int(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new RangeError(`ASN.1 INTEGER out of range: ${value}`);
  let hex = BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, "0");
  if (value >= 0) hex = `00${hex}`;
  let bytes = Buffer.from(hex, "hex");
  // Minimal two's complement: drop leading 0x00 / 0xff octets that only repeat the sign bit.
  let i = 0;
  while (
    i < bytes.length - 1 &&
    ((bytes[i] === 0x00 && (bytes[i + 1]! & 0x80) === 0) ||
      (bytes[i] === 0xff && (bytes[i + 1]! & 0x80) !== 0))
  ) {
    i++;
  }
  bytes = bytes.subarray(i);
  return tlv(Tag.INTEGER, bytes);
}

export const bool = (value: boolean): Buffer => tlv(Tag.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
export const octets = (value: Uint8Array): Buffer => tlv(Tag.OCTET_STRING, value);
/** KerberosString / Realm: GeneralString restricted to IA5 characters (RFC 4120 5.2.1); sent as UTF-8. */
export const kstring = (value: string): Buffer => tlv(Tag.GeneralString, Buffer.from(value, "utf8"));

/** KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ" without fractional seconds. */
export function ktime(date: Date): Buffer {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
  const text = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(Tag.GeneralizedTime, Buffer.from(text, "latin1"));
}

/** A 32-bit flags BIT STRING (KDCOptions, TicketFlags, APOptions): bit 0 is the most significant bit. */
export function flags32(value: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(value >>> 0, 1);
  return tlv(Tag.BIT_STRING, b);
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Buffer {
  return tlv(Tag.OID, oidContents(dotted));
}

export function oidContents(dotted: string): Buffer {
  const arcs = dotted.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OID ${dotted}`);
    return Number(a);
  });
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    let n = arc;
    do {
      groups.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    out.push(...groups);
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------

/** One decoded TLV: its identifier octet, its contents (a view), and where the next TLV starts. */
export interface Tlv {
  tag: number;
  contents: Buffer;
  /** The whole encoding (identifier, length and contents), a view. */
  raw: Buffer;
  next: number;
}

/** Reads the TLV at `off`, checking that it fits before `end`. */
export function readTlv(buf: Buffer, off: number, end: number, path: string): Tlv {
  if (off >= end) throw new Asn1Error(path, "unexpected end of data");
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error(path, `multi-byte tag 0x${tag.toString(16)} not supported`);
  if (off + 1 >= end) throw new Asn1Error(path, "truncated length");
  let len = buf[off + 1]!;
  let pos = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new Asn1Error(path, "indefinite length is not DER");
    if (n > 4) throw new Asn1Error(path, `length of ${n} octets is too large`);
    if (pos + n > end) throw new Asn1Error(path, "truncated length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i]!;
    pos += n;
  }
  if (pos + len > end) throw new Asn1Error(path, `length ${len} runs past the end of the data`);
  return { tag, contents: buf.subarray(pos, pos + len), raw: buf.subarray(off, pos + len), next: pos + len };
}

const tagName = (tag: number): string => {
  const cls = tag & 0xc0;
  if (cls === 0x80) return `[${tag & 0x1f}]`;
  if (cls === 0x40) return `[APPLICATION ${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16).padStart(2, "0")}`;
};

/**
 * Sequential reader over the contents of a constructed value. Context-tagged fields are read with
 * {@link DerReader.field} / {@link DerReader.optional}, which unwrap the EXPLICIT tag.
 */
export class DerReader {
  #pos: number;
  readonly #end: number;
  readonly #buf: Buffer;
  readonly path: string;

  constructor(contents: Buffer, path: string) {
    this.#buf = contents;
    this.#pos = 0;
    this.#end = contents.length;
    this.path = path;
  }

  /** Reader over the contents of the single value in `data`, which must carry `tag` and fill `data`. */
  static of(data: Uint8Array, tag: number, path: string): DerReader {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    const t = readTlv(buf, 0, buf.length, path);
    if (t.tag !== tag) throw new Asn1Error(path, `expected ${tagName(tag)}, got ${tagName(t.tag)}`);
    if (t.next !== buf.length) throw new Asn1Error(path, `${buf.length - t.next} trailing bytes`);
    return new DerReader(t.contents, path);
  }

  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.#buf[this.#pos];
  }

  /** The next TLV, whatever its tag. */
  any(what = "value"): Tlv {
    const t = readTlv(this.#buf, this.#pos, this.#end, `${this.path}.${what}`);
    this.#pos = t.next;
    return t;
  }

  /** The next TLV, which must have `tag`. */
  expect(tag: number, what: string): Tlv {
    const got = this.peekTag();
    if (got !== tag) {
      throw new Asn1Error(
        `${this.path}.${what}`,
        got === undefined
          ? `missing (expected ${tagName(tag)})`
          : `expected ${tagName(tag)}, got ${tagName(got)}`,
      );
    }
    return this.any(what);
  }

  /** The value inside the mandatory EXPLICIT context tag [n]: a reader positioned on it. */
  field(n: number, what: string): Value {
    const outer = this.expect(ctxTag(n), what);
    const path = `${this.path}.${what}`;
    const inner = readTlv(outer.contents, 0, outer.contents.length, path);
    if (inner.next !== outer.contents.length) throw new Asn1Error(path, "trailing bytes inside the tag");
    return new Value(inner, path);
  }

  /** Like {@link field} for an OPTIONAL field: undefined when the next element is not [n]. */
  optional(n: number, what: string): Value | undefined {
    return this.peekTag() === ctxTag(n) ? this.field(n, what) : undefined;
  }

  /** Skips whatever fields remain (extensions this decoder does not know). */
  skipRest(): void {
    while (!this.atEnd) this.any("extension");
  }

  /** Throws if bytes remain (strict structures). */
  done(): void {
    if (!this.atEnd) throw new Asn1Error(this.path, `unexpected ${tagName(this.peekTag()!)}`);
  }
}

/** One decoded value with typed accessors. */
export class Value {
  readonly tlv: Tlv;
  readonly path: string;
  constructor(t: Tlv, path: string) {
    this.tlv = t;
    this.path = path;
  }

  get raw(): Buffer {
    return this.tlv.raw;
  }

  #check(tag: number): Buffer {
    if (this.tlv.tag !== tag) {
      throw new Asn1Error(this.path, `expected ${tagName(tag)}, got ${tagName(this.tlv.tag)}`);
    }
    return this.tlv.contents;
  }

  /** INTEGER as a JS number (Kerberos integers are Int32 / UInt32). */
  int(): number {
    const c = this.#check(Tag.INTEGER);
    if (c.length === 0) throw new Asn1Error(this.path, "empty INTEGER");
    if (c.length > 6) throw new Asn1Error(this.path, `INTEGER of ${c.length} octets is out of range`);
    let v = 0;
    for (const b of c) v = v * 256 + b;
    if (c[0]! & 0x80) v -= 256 ** c.length;
    return v;
  }

  bool(): boolean {
    const c = this.#check(Tag.BOOLEAN);
    if (c.length !== 1) throw new Asn1Error(this.path, "BOOLEAN must be one octet");
    return c[0] !== 0;
  }

  octets(): Buffer {
    return this.#check(Tag.OCTET_STRING);
  }

  /** KerberosString (GeneralString); UTF-8 and IA5String / UTF8String are accepted too. */
  string(): string {
    const t = this.tlv.tag;
    if (t !== Tag.GeneralString && t !== Tag.IA5String && t !== Tag.UTF8String) {
      throw new Asn1Error(this.path, `expected a string, got ${tagName(t)}`);
    }
    return this.tlv.contents.toString("utf8");
  }

  time(): Date {
    const text = this.#check(Tag.GeneralizedTime).toString("latin1");
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
    if (!m) throw new Asn1Error(this.path, `bad KerberosTime "${text}"`);
    const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
    return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  }

  /** BIT STRING of up to 32 flags as a uint32 (bit 0 = 0x80000000). */
  flags(): number {
    const c = this.#check(Tag.BIT_STRING);
    if (c.length < 1) throw new Asn1Error(this.path, "empty BIT STRING");
    const b = Buffer.alloc(4);
    c.copy(b, 0, 1, Math.min(c.length, 5));
    return b.readUInt32BE(0);
  }

  oid(): string {
    return oidToString(this.#check(Tag.OID), this.path);
  }

  /** Reader over a constructed value with the given tag (SEQUENCE by default). */
  reader(tag: number = Tag.SEQUENCE, what?: string): DerReader {
    return new DerReader(this.#check(tag), what ? `${this.path}.${what}` : this.path);
  }

  /** SEQUENCE OF: each element. */
  sequenceOf(): Value[] {
    const r = this.reader();
    const out: Value[] = [];
    for (let i = 0; !r.atEnd; i++) out.push(new Value(r.any(`[${i}]`), `${this.path}[${i}]`));
    return out;
  }
}

export function oidToString(c: Buffer, path = "OID"): string {
  if (c.length === 0) throw new Asn1Error(path, "empty OID");
  const arcs: number[] = [];
  let n = 0;
  for (const [i, b] of c.entries()) {
    n = n * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else arcs.push(n);
      n = 0;
    } else if (i === c.length - 1) {
      throw new Asn1Error(path, "truncated OID");
    }
  }
  return arcs.join(".");
}

/** Decodes a whole buffer as one value (trailing bytes rejected). */
export function decodeValue(data: Uint8Array, path: string): Value {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  const t = readTlv(buf, 0, buf.length, path);
  if (t.next !== buf.length) throw new Asn1Error(path, `${buf.length - t.next} trailing bytes`);
  return new Value(t, path);
}
