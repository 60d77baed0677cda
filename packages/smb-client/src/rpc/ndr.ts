/**
 * A small NDR 2.0 (C706 chapter 14, MS-RPCE 2.2.5) writer and reader for little-endian stubs.
 *
 * - Primitives align to their size, counted from the start of the stub (C706 14.2.2).
 * - Pointers (14.3.10-14.3.12): a [ref] pointer is its pointee in place; a unique or full pointer is a
 *   4-byte referent id (0 = NULL) whose pointee is deferred. Referent ids count 0x00020000, 0x00020004 ...
 *   as Windows and Samba number them. A full pointer seen again is sent as its first referent id only.
 * - Deferral (14.3.12.3): the pointees met while writing a construct (a top-level parameter, or a pointee)
 *   follow that whole construct, in the order their pointers appeared, each pointee's own pointees right
 *   after it. So the pointees of an array's structs come after the whole array. `construct` opens such a
 *   scope; `uniquePtr` queues into the innermost one.
 * - [string] wchar_t* (14.3.4.2): a conformant varying array: max_count, offset, actual_count (u32), then
 *   UTF-16LE code units including the terminating NUL.
 * - Conformant arrays (14.3.3.2): max_count (u32) then the elements.
 */
import { RpcError } from "./errors.js";

/** Referent ids start here and step by 4 (Windows and Samba do the same). */
export const FIRST_REFERENT_ID = 0x00020000;

export class NdrWriter {
  private buf: Buffer;
  private pos = 0;
  private nextReferent = FIRST_REFERENT_ID;
  private readonly scopes: (() => void)[][] = [];
  private readonly fullPointers = new Map<unknown, number>();

  constructor(opts: { initialSize?: number; firstReferentId?: number } = {}) {
    this.buf = Buffer.alloc(opts.initialSize ?? 256);
    this.nextReferent = opts.firstReferentId ?? FIRST_REFERENT_ID;
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Zero padding up to a multiple of `n` from the stub start. */
  align(n: number): this {
    const pad = (n - (this.pos % n)) % n;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
    return this;
  }

  u8(v: number): this {
    check(v, 0, 0xff, "u8");
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    check(v, 0, 0xffff, "u16");
    this.align(2).ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    check(v, 0, 0xffffffff, "u32");
    this.align(4).ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    check(v, -0x80000000, 0x7fffffff, "i32");
    this.align(4).ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** hyper / u64 (8-aligned). */
  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RpcError("ERR_RPC_ENCODE", `NDR: ${v} is not a u64`);
    this.align(8).ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Raw bytes (no alignment): byte arrays, GUIDs written by the caller. */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * Writes `fn` as one construct: the pointees its pointers queued are written right after it (each as a
   * construct of its own), in order.
   */
  construct(fn: () => void): this {
    this.scopes.push([]);
    let queue: (() => void)[];
    try {
      fn();
    } finally {
      queue = this.scopes.pop()!;
    }
    for (const pointee of queue) this.construct(pointee);
    return this;
  }

  /** A unique pointer (C706 14.3.11.1): referent id now (0 for null/undefined), pointee deferred. */
  uniquePtr<T>(value: T | null | undefined, write: (value: T) => void): this {
    if (value === null || value === undefined) return this.u32(0);
    this.u32(this.allocReferent());
    this.defer(() => write(value));
    return this;
  }

  /**
   * A full pointer (C706 14.3.11.2): the same `value` (by identity) gets the same referent id, and its
   * pointee is written once.
   */
  fullPtr<T>(value: T | null | undefined, write: (value: T) => void): this {
    if (value === null || value === undefined) return this.u32(0);
    const seen = this.fullPointers.get(value);
    if (seen !== undefined) return this.u32(seen);
    const id = this.allocReferent();
    this.fullPointers.set(value, id);
    this.u32(id);
    this.defer(() => write(value));
    return this;
  }

  private allocReferent(): number {
    const id = this.nextReferent;
    this.nextReferent = (this.nextReferent + 4) >>> 0;
    return id;
  }

  private defer(fn: () => void): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.push(fn);
    else this.construct(fn); // a pointer outside any construct: the pointee follows at once
  }

  /**
   * [string] wchar_t (C706 14.3.4.2, MS-DTYP 2.2.59): conformant varying UTF-16LE with the NUL counted.
   * `maxCount` overrides the conformance (a buffer larger than the string).
   */
  wstring(s: string, opts: { nulTerminated?: boolean; maxCount?: number } = {}): this {
    const text = opts.nulTerminated === false ? s : `${s}\0`;
    const units = text.length;
    const max = opts.maxCount ?? units;
    if (max < units) throw new RpcError("ERR_RPC_ENCODE", `NDR: string of ${units} units exceeds max ${max}`);
    this.u32(max).u32(0).u32(units);
    this.ensure(units * 2);
    this.buf.write(text, this.pos, "utf16le");
    this.pos += units * 2;
    return this;
  }

  /** A conformant array (C706 14.3.3.2): max_count, then each element (`write` aligns as it needs). */
  conformantArray<T>(items: readonly T[], write: (item: T, index: number) => void): this {
    this.u32(items.length);
    items.forEach(write);
    return this;
  }

  /** The stub written so far, pending pointees flushed. */
  finish(): Buffer {
    if (this.scopes.length > 0) throw new Error("NdrWriter.finish inside a construct");
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function check(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RpcError("ERR_RPC_ENCODE", `NDR: ${v} is not a ${what}`);
  }
}

/** A pointee filled in when its deferred data is read: `value` stays null for a NULL pointer. */
export interface Deferred<T> {
  value: T | null;
}

/**
 * Reads what NdrWriter writes. Every read is bounds-checked: running out of bytes, counts that cannot fit
 * the stub, or inconsistent string counts throw RpcError ERR_RPC_MALFORMED naming `structure.field`.
 */
export class NdrReader {
  pos = 0;
  private readonly scopes: (() => void)[][] = [];
  private readonly fullPointers = new Map<number, Deferred<unknown>>();

  constructor(
    readonly buf: Buffer,
    /** Names the stub in error messages ("NetrShareEnum response"). */
    readonly structure = "NDR stub",
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  fail(field: string | undefined, reason: string): RpcError {
    return RpcError.malformed(this.structure, field, reason);
  }

  private need(n: number, field: string | undefined): void {
    if (this.pos + n > this.buf.length) {
      throw this.fail(field, `needs ${n} bytes at offset ${this.pos}, the stub has ${this.remaining}`);
    }
  }

  align(n: number, field?: string): this {
    const pad = (n - (this.pos % n)) % n;
    this.need(pad, field);
    this.pos += pad;
    return this;
  }

  u8(field?: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field?: string): number {
    this.align(2, field).need(2, field);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(field?: string): number {
    this.align(4, field).need(4, field);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(field?: string): number {
    this.align(4, field).need(4, field);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(field?: string): bigint {
    this.align(8, field).need(8, field);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes (a view into the stub). */
  bytes(n: number, field?: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Reads `fn` as one construct, then the pointees it queued, in order; returns what `fn` returned. */
  construct<T>(fn: () => T): T {
    this.scopes.push([]);
    let result: T;
    let queue: (() => void)[];
    try {
      result = fn();
    } finally {
      queue = this.scopes.pop()!;
    }
    for (const pointee of queue) this.construct(pointee);
    return result;
  }

  /** A unique pointer: its referent id now, its pointee (read by `read`) after the enclosing construct. */
  uniquePtr<T>(read: () => T, field?: string): Deferred<T> {
    const out: Deferred<T> = { value: null };
    if (this.u32(field) !== 0) this.defer(() => (out.value = read()));
    return out;
  }

  /** A full pointer: a referent id seen before aliases the earlier pointee (no data follows). */
  fullPtr<T>(read: () => T, field?: string): Deferred<T> {
    const id = this.u32(field);
    if (id === 0) return { value: null };
    const seen = this.fullPointers.get(id);
    if (seen) return seen as Deferred<T>;
    const out: Deferred<T> = { value: null };
    this.fullPointers.set(id, out as Deferred<unknown>);
    this.defer(() => (out.value = read()));
    return out;
  }

  private defer(fn: () => void): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.push(fn);
    else this.construct(fn);
  }

  /**
   * [string] wchar_t: max_count, offset, actual_count, then actual_count UTF-16LE units. The terminating
   * NUL (when present) is not part of the result; an unterminated string is accepted as it is.
   */
  wstring(field?: string): string {
    const max = this.u32(field && `${field}.MaxCount`);
    const offset = this.u32(field && `${field}.Offset`);
    const actual = this.u32(field && `${field}.ActualCount`);
    if (offset > max || actual > max - offset) {
      throw this.fail(field, `offset ${offset} + actual count ${actual} exceed max count ${max}`);
    }
    if (actual * 2 > this.remaining) {
      throw this.fail(
        field,
        `${actual} characters at offset ${this.pos}, the stub has ${this.remaining} bytes`,
      );
    }
    let end = this.pos + actual * 2;
    const start = this.pos;
    this.pos = end;
    if (actual > 0 && this.buf[end - 2] === 0 && this.buf[end - 1] === 0) end -= 2;
    return this.buf.toString("utf16le", start, end);
  }

  /**
   * A conformant array: max_count, then `read` for each element. `minElementSize` (bytes each element
   * takes at least) rejects counts the rest of the stub cannot hold before anything is allocated.
   */
  conformantArray<T>(read: (index: number) => T, minElementSize: number, field?: string): T[] {
    const count = this.u32(field && `${field}.MaxCount`);
    if (count * Math.max(1, minElementSize) > this.remaining) {
      throw this.fail(field, `${count} elements cannot fit the ${this.remaining} bytes left`);
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(read(i));
    return out;
  }

  /** Throws unless the whole stub was consumed (trailing bytes mean a layout mismatch). */
  expectEnd(): void {
    if (this.pos !== this.buf.length) {
      throw this.fail(undefined, `${this.buf.length - this.pos} unexpected bytes after offset ${this.pos}`);
    }
  }
}
