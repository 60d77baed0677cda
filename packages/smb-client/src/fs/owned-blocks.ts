/**
 * Copying a producer's chunks into blocks of one WRITE's size that only the transfer holds. A producer
 * may reuse its buffer once its write was accepted (Node's Writable callback; fs.writeFile(iterable) asks
 * for the next chunk only after the previous was written), while pipelinedWriteFrom keeps earlier WRITEs
 * in flight (and may replay them after a durable reclaim): so the transfer must own its bytes.
 */

/** Packs bytes into blocks of `size`, copied out of the caller's buffers; full blocks go to `emit`. */
export class BlockPacker {
  private cur: Buffer | undefined;
  private used = 0;

  constructor(
    readonly size: number,
    /** Where an empty block comes from (a free list, or a new allocation). */
    private readonly take: () => Buffer = () => Buffer.allocUnsafe(size),
  ) {}

  add(chunk: Uint8Array, emit: (block: Buffer) => void): void {
    for (let o = 0; o < chunk.length; ) {
      if (!this.cur) {
        this.cur = this.take();
        this.used = 0;
      }
      const n = Math.min(chunk.length - o, this.size - this.used);
      this.cur.set(n === chunk.length ? chunk : chunk.subarray(o, o + n), this.used);
      this.used += n;
      o += n;
      if (this.used === this.size) {
        emit(this.cur);
        this.cur = undefined;
      }
    }
  }

  /** The partly filled last block (a view of its filled part), if any; the packer is empty afterwards. */
  finish(): Buffer | undefined {
    const last = this.cur && this.used > 0 ? this.cur.subarray(0, this.used) : undefined;
    this.cur = undefined;
    return last;
  }
}

/** An iterable source as owned blocks of `size` bytes (the last one may be shorter). */
export async function* ownedBlocks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Buffer> {
  const packer = new BlockPacker(size);
  const full: Buffer[] = [];
  const emit = (b: Buffer) => void full.push(b);
  for await (const part of source) {
    packer.add(part, emit);
    for (const b of full.splice(0)) yield b;
  }
  const last = packer.finish();
  if (last) yield last;
}
