/**
 * Direct TCP framing (MS-SMB2 2.1): each message is preceded by a zero byte and a 24-bit big-endian
 * length. Frames that lie inside one received chunk are handed out as views (no copy); a frame that
 * spans chunks is assembled once into a buffer of exactly its size. Nothing is ever re-concatenated.
 */
import { ProtocolError } from "./errors.js";

export class FrameReader {
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  private frame: Buffer | undefined;
  private frameFill = 0;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    /** Largest frame accepted (negotiated max sizes plus headers); larger lengths are a protocol error. */
    public maxFrameSize = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      if (this.frame) {
        const take = Math.min(n - pos, this.frame.length - this.frameFill);
        chunk.copy(this.frame, this.frameFill, pos, pos + take);
        this.frameFill += take;
        pos += take;
        if (this.frameFill === this.frame.length) {
          const f = this.frame;
          this.frame = undefined;
          this.onFrame(f);
        }
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
        const f = chunk.subarray(pos, pos + length);
        pos += length;
        this.onFrame(f);
      } else {
        this.frame = Buffer.allocUnsafe(length);
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
