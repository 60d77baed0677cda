/**
 * A pool of large receive buffers (frames, decrypted messages), so that streaming does not allocate a
 * fresh megabyte per message. A fresh large Buffer is a fresh mmap: ~256 page faults per MiB, kernel
 * zeroing, and external memory that drives V8 into frequent full GCs; reusing buffers avoids all three.
 *
 * Ownership is explicit and optional: `acquire` hands out a buffer the caller owns; `recycleBuffer` gives
 * it back once nothing references it any more. A buffer that is never recycled is simply garbage
 * collected, so code that does not know about the pool stays correct. Recycling a buffer the pool does
 * not own, or recycling twice, is a no-op.
 */

/** Buffers smaller than this are not pooled (Node's own small-buffer pool and malloc do well there). */
export const MIN_POOLED = 64 * 1024;
/** Capacities are rounded up to a multiple of this, so sizes differing by headers share a class. */
const GRANULE = 64 * 1024;

/** Which pool owns each pooled ArrayBuffer (recycling needs only the buffer). */
const owners = new WeakMap<ArrayBufferLike, BufferPool>();

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly idle = new WeakSet<ArrayBufferLike>();
  private freeBytes = 0;
  /** Buffers handed out by `acquire` that came from the free lists (for tests and diagnostics). */
  reused = 0;
  /** Buffers `acquire` had to allocate. */
  allocated = 0;

  constructor(
    /** Most bytes kept in the free lists; recycled buffers beyond that are left to the GC. */
    public maxFreeBytes = 32 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes (uninitialised). Pooled when size >= MIN_POOLED. */
  acquire(size: number): Buffer {
    if (size < MIN_POOLED) return Buffer.allocUnsafe(size);
    const capacity = Math.ceil(size / GRANULE) * GRANULE;
    const list = this.free.get(capacity);
    let ab = list?.pop();
    if (ab) {
      this.idle.delete(ab);
      this.freeBytes -= capacity;
      this.reused++;
    } else {
      ab = Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer; // uninitialised, its own
      owners.set(ab, this);
      this.allocated++;
    }
    return Buffer.from(ab, 0, size);
  }

  /** Takes back a buffer from `acquire` (any view of it); no-op for other buffers or a second call. */
  release(buf: Uint8Array): void {
    const ab = buf.buffer;
    if (owners.get(ab) !== this || this.idle.has(ab)) return;
    const capacity = ab.byteLength;
    if (this.freeBytes + capacity > this.maxFreeBytes) return;
    let list = this.free.get(capacity);
    if (!list) {
      list = [];
      this.free.set(capacity, list);
    }
    list.push(ab as ArrayBuffer);
    this.idle.add(ab);
    this.freeBytes += capacity;
  }

  /** Bytes held in the free lists. */
  get pooledBytes(): number {
    return this.freeBytes;
  }

  /** Drops every free buffer (e.g. when the connection closes). */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }
}

/**
 * Returns `buf` (or the buffer it is a view of) to the pool that handed it out. Call only when nothing
 * will read `buf` or any other view of the same memory again. No-op for buffers no pool owns.
 */
export function recycleBuffer(buf: Uint8Array): void {
  owners.get(buf.buffer)?.release(buf);
}

/** True when `buf` is a view of pooled memory (recycling it may make the memory reappear elsewhere). */
export function isPooled(buf: Uint8Array): boolean {
  return owners.has(buf.buffer);
}
