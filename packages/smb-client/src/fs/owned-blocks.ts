/**
 * Copies an iterable source into blocks of one WRITE's size that only the transfer holds. Node's
 * fs.writeFile(iterable) waits for each chunk's write before it asks for the next, so a producer may
 * refill one buffer between yields; pipelinedWriteFrom asks for the next chunk while earlier WRITEs are
 * still in flight (and may be replayed after a durable reclaim), so it must not keep the producer's buffers.
 */
export async function* ownedBlocks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Buffer> {
  let cur: Buffer | undefined;
  let used = 0;
  for await (const part of source) {
    for (let o = 0; o < part.length; ) {
      if (!cur) {
        cur = Buffer.allocUnsafe(size);
        used = 0;
      }
      const n = Math.min(part.length - o, size - used);
      cur.set(n === part.length ? part : part.subarray(o, o + n), used);
      used += n;
      o += n;
      if (used === size) {
        yield cur;
        cur = undefined;
      }
    }
  }
  if (cur && used > 0) yield cur.subarray(0, used);
}
