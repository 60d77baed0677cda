import { describe, expect, it } from "vitest";
import { BufferPool, isPooled, MIN_POOLED, recycleBuffer } from "../src/buffer-pool.js";

describe("BufferPool", () => {
  it("hands out exact sizes; small ones are plain allocations, not pooled", () => {
    const pool = new BufferPool();
    const small = pool.acquire(100);
    expect(small.length).toBe(100);
    expect(isPooled(small)).toBe(false);
    const big = pool.acquire(MIN_POOLED + 80);
    expect(big.length).toBe(MIN_POOLED + 80);
    expect(isPooled(big)).toBe(true);
    // Capacity is rounded up to 64 KiB, so sizes differing by a header share a class.
    expect(big.buffer.byteLength).toBe(2 * 64 * 1024);
    expect(big.byteOffset).toBe(0);
  });

  it("reuses a recycled buffer (through any view of it) for the next acquire of its class", () => {
    const pool = new BufferPool();
    const a = pool.acquire(1024 * 1024 + 80);
    recycleBuffer(a.subarray(80, 1000));
    expect(pool.pooledBytes).toBe(a.buffer.byteLength);
    const b = pool.acquire(1024 * 1024 + 16);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(1024 * 1024 + 16);
    expect(pool.reused).toBe(1);
    expect(pool.allocated).toBe(1);
    expect(pool.pooledBytes).toBe(0);
    // Another class does not take it.
    recycleBuffer(b);
    expect(pool.acquire(4 * 1024 * 1024).buffer).not.toBe(a.buffer);
  });

  it("ignores a second release, buffers it does not own and other pools' buffers", () => {
    const pool = new BufferPool();
    const other = new BufferPool();
    const a = pool.acquire(200_000);
    pool.release(a);
    pool.release(a);
    expect(pool.pooledBytes).toBe(a.buffer.byteLength);
    const b1 = pool.acquire(200_000);
    const b2 = pool.acquire(200_000);
    expect(b1.buffer).toBe(a.buffer);
    expect(b2.buffer).not.toBe(a.buffer); // never handed out twice
    pool.release(Buffer.alloc(256 * 1024));
    other.release(b1);
    expect(pool.pooledBytes).toBe(0);
    expect(other.pooledBytes).toBe(0);
    recycleBuffer(Buffer.alloc(10)); // no owner: no-op
  });

  it("keeps at most maxFreeBytes; clear() drops the free lists", () => {
    const pool = new BufferPool(3 * 128 * 1024);
    const bufs = Array.from({ length: 5 }, () => pool.acquire(100_000));
    for (const b of bufs) recycleBuffer(b);
    expect(pool.pooledBytes).toBe(3 * 128 * 1024);
    pool.clear();
    expect(pool.pooledBytes).toBe(0);
    expect(pool.acquire(100_000).buffer).not.toBe(bufs[0]!.buffer);
  });
});
