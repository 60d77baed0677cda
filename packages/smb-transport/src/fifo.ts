/**
 * A first-in first-out queue for per-message objects on hot paths (requests waiting for credits, READs
 * in flight), without Array.prototype.shift.
 *
 * Why: on Node 20, an array that lives long enough to be tenured and is used as a queue with push() and
 * shift() made V8's young-generation GC keep what passed through it alive (measured: every promise that
 * went through pipelinedRead's window, and all it referenced, was promoted -- ~2 KiB per 64 KiB READ,
 * 40 MiB of old-generation garbage per GiB and a heap twice the size). Taking items by index and
 * clearing their slot does not.
 */
export class Fifo<T> {
  /** A ring: `size` items from `head`, wrapping around. Its capacity only grows (a power of two). */
  private ring: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) & (this.ring.length - 1)] = item;
    this.size++;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.size > 0 ? this.ring[this.head] : undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.size--;
    return item;
  }

  /** Removes `item` wherever it is; false when it is not queued. */
  remove(item: T): boolean {
    const mask = this.ring.length - 1;
    for (let i = 0; i < this.size; i++) {
      if (this.ring[(this.head + i) & mask] !== item) continue;
      // Close the gap: move the later items one slot towards the head.
      for (let j = i; j < this.size - 1; j++) {
        this.ring[(this.head + j) & mask] = this.ring[(this.head + j + 1) & mask];
      }
      this.ring[(this.head + this.size - 1) & mask] = undefined;
      this.size--;
      return true;
    }
    return false;
  }

  /** Removes and returns every item, oldest first. */
  takeAll(): T[] {
    const out: T[] = [];
    while (this.size > 0) out.push(this.shift() as T);
    return out;
  }

  private grow(): void {
    const old = this.ring;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) {
      const at = (this.head + i) & (old.length - 1);
      next[i] = old[at];
      old[at] = undefined; // the old array holds no references once dropped
    }
    this.ring = next;
    this.head = 0;
  }
}
