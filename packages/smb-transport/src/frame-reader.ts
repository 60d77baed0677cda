/**
 * Direct TCP framing (MS-SMB2 2.1): each message is preceded by a zero byte and a 24-bit big-endian
 * length. Nothing is ever re-concatenated.
 *
 * Two ways to feed it:
 * - `push(chunk)`: frames that lie inside the chunk are handed out as views (no copy); a frame that
 *   spans chunks is assembled once into a buffer of exactly its size.
 * - `readBuffer()` / `onRead(n, buf)` (net.Socket's `onread`): the socket reads into memory the reader
 *   chooses. While a large frame is incomplete (at least DIRECT_MIN bytes missing) that is the rest of
 *   the frame itself, so the kernel copies the payload straight to its final place; otherwise a reused
 *   scratch buffer, out of which complete frames are copied (the scratch is overwritten by the next
 *   read). The scratch is large enough that one read brings several small or medium replies (64 KiB
 *   READs on SMB 2.0.2): one syscall and one event-loop turn for all of them, and the requests they
 *   trigger leave together too.
 *
 * Frame buffers come from a {@link BufferPool} when one is given: whoever ends up owning a frame may
 * recycle it (see `recycleBuffer`) so the next frame reuses the memory.
 */
import type { BufferPool } from "./buffer-pool.js";
import { ProtocolError } from "./errors.js";

/** Size of the scratch buffer socket reads land in between large frames. */
export const SCRATCH_SIZE = 256 * 1024;
/** A frame missing at least this much is read into directly; a smaller rest goes through the scratch. */
export const DIRECT_MIN = 128 * 1024;

export class FrameReader {
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  private frame: Buffer | undefined;
  private frameFill = 0;
  private scratch: Buffer | undefined;
  /** The view of `frame` last returned by readBuffer() (a socket read into it fills the frame). */
  private direct: Buffer | undefined;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    /** Largest frame accepted (negotiated max sizes plus headers); larger lengths are a protocol error. */
    public maxFrameSize = 16 * 1024 * 1024,
    /** Where buffers for frames that span reads come from (default: a fresh allocation each). */
    private readonly pool?: BufferPool,
  ) {}

  /** Feeds received bytes; `chunk` stays the caller's, frames inside it are handed out as views. */
  push(chunk: Buffer): void {
    this.parse(chunk, false);
  }

  /**
   * Where the next socket read should go (net.Socket `onread.buffer` as a function): the unfilled rest
   * of the frame being received, else the scratch buffer. Pass what was read to {@link onRead}.
   */
  readBuffer(): Buffer {
    if (this.frame && this.frame.length - this.frameFill >= DIRECT_MIN) {
      this.direct = this.frame.subarray(this.frameFill);
      return this.direct;
    }
    this.direct = undefined;
    this.scratch ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE);
    return this.scratch;
  }

  /** `n` bytes were read into `buf`, the buffer last returned by {@link readBuffer}. */
  onRead(n: number, buf: Buffer): void {
    if (n <= 0) return;
    if (buf === this.direct && this.frame) {
      this.direct = undefined;
      this.frameFill += n;
      if (this.frameFill === this.frame.length) this.complete();
      return;
    }
    // The scratch is overwritten by the next read: frames found in it are copied out.
    this.parse(buf.subarray(0, n), true);
  }

  private complete(): void {
    const f = this.frame!;
    this.frame = undefined;
    this.onFrame(f);
  }

  private parse(chunk: Buffer, transient: boolean): void {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      if (this.frame) {
        const take = Math.min(n - pos, this.frame.length - this.frameFill);
        chunk.copy(this.frame, this.frameFill, pos, pos + take);
        this.frameFill += take;
        pos += take;
        if (this.frameFill === this.frame.length) this.complete();
        continue;
      }
      let length: number;
      if (this.headerFill === 0 && n - pos >= 4) {
        if (chunk[pos] !== 0) throw new ProtocolError(`bad stream header byte 0x${chunk[pos]!.toString(16)}`);
        length = (chunk[pos + 1]! << 16) | (chunk[pos + 2]! << 8) | chunk[pos + 3]!;
        pos += 4;
      } else {
        const take = Math.min(n - pos, 4 - this.headerFill);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < 4) return;
        this.headerFill = 0;
        if (this.header[0] !== 0)
          throw new ProtocolError(`bad stream header byte 0x${this.header[0]!.toString(16)}`);
        length = this.header.readUIntBE(1, 3);
      }
      if (length > this.maxFrameSize) {
        throw new ProtocolError(`frame of ${length} bytes exceeds the limit of ${this.maxFrameSize}`);
      }
      if (n - pos >= length) {
        let f = chunk.subarray(pos, pos + length);
        if (transient) {
          const copy = this.pool ? this.pool.acquire(length) : Buffer.allocUnsafe(length);
          f.copy(copy);
          f = copy;
        }
        pos += length;
        this.onFrame(f);
      } else {
        this.frame = this.pool ? this.pool.acquire(length) : Buffer.allocUnsafe(length);
        this.frameFill = 0;
      }
    }
  }

  /** Bytes of an incomplete frame held (for diagnostics when the connection drops mid-frame). */
  get partialBytes(): number {
    return this.frame ? this.frameFill : this.headerFill;
  }
}

/** The 4-byte direct TCP prefix for a message of `length` bytes. */
export function frameHeader(length: number): Buffer {
  if (length > 0xffffff) throw new RangeError(`SMB2 frame of ${length} bytes is too large for direct TCP`);
  const h = Buffer.allocUnsafe(4);
  h.writeUInt32BE(length, 0);
  return h;
}
