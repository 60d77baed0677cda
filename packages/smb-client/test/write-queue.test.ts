// WriteQueue (fs/streams.ts): chunks are copied into blocks of the WRITE size, the producer's callback
// runs while few blocks wait and is held back (backpressure) beyond that, the last partial block goes
// out at end(); blocks given back through recycle are refilled instead of allocated, up to a bound.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WriteQueue } from "../src/fs/streams.js";

async function drain(q: WriteQueue): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of q) out.push(Buffer.from(b));
  return out;
}

describe("WriteQueue", () => {
  it("copies: refilling the producer's buffer after the callback does not change queued data", async () => {
    const q = new WriteQueue(4, 10);
    const buf = Buffer.from([1, 2, 3]);
    q.push(buf, () => {});
    buf.fill(9);
    q.push(buf, () => {});
    q.end();
    expect(Buffer.concat(await drain(q))).toEqual(Buffer.from([1, 2, 3, 9, 9, 9]));
  });

  it("cuts blocks of exactly the block size, the last one partial", async () => {
    const q = new WriteQueue(4, 10);
    q.push(Buffer.alloc(10, 7), () => {});
    q.end();
    expect((await drain(q)).map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it("holds the callback while more than maxQueued blocks wait, releases it when the consumer pulls", async () => {
    const q = new WriteQueue(4, 1);
    let calls = 0;
    q.push(Buffer.alloc(4), () => calls++);
    expect(calls).toBe(1);
    q.push(Buffer.alloc(4), () => calls++);
    expect(calls).toBe(1);
    const it = q[Symbol.asyncIterator]();
    await it.next();
    expect(calls).toBe(2);
    q.end();
    expect((await it.next()).done).toBe(false);
    expect((await it.next()).done).toBe(true);
  });

  it("delivers exactly the bytes pushed, in order, for any chunking (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 17 }),
        async (chunks, size) => {
          const q = new WriteQueue(size, 1000);
          for (const c of chunks) q.push(c, () => {});
          q.end();
          const blocks = await drain(q);
          expect(Buffer.concat(blocks)).toEqual(Buffer.concat(chunks.map((c) => Buffer.from(c))));
          expect(blocks.every((b, i) => b.length === size || i === blocks.length - 1)).toBe(true);
        },
      ),
    );
  });

  it("refills recycled blocks instead of allocating, and never keeps more than window + maxQueued + 1", async () => {
    const q = new WriteQueue(4, 1, 2); // bound: 2 + 1 + 1 = 4
    const it = q[Symbol.asyncIterator]();
    q.push(Buffer.alloc(4, 1), () => {});
    const first = (await it.next()).value as Uint8Array;
    expect(q.allocated).toBe(1);
    q.recycle(first);
    q.recycle(first); // a duplicate is not kept twice (two fills would share one block)
    expect(q.freeBlocks).toBe(1);
    q.push(Buffer.alloc(4, 2), () => {});
    const second = (await it.next()).value as Uint8Array;
    expect(second).toBe(first);
    expect(Buffer.from(second)).toEqual(Buffer.alloc(4, 2));
    expect(q.allocated).toBe(1);
    for (let i = 0; i < 6; i++) q.recycle(Buffer.alloc(4));
    expect(q.freeBlocks).toBe(4);
    q.recycle(Buffer.alloc(3)); // not a block of this queue's size
    expect(q.freeBlocks).toBe(4);
    q.end();
    expect(q.freeBlocks).toBe(0);
    q.recycle(Buffer.alloc(4)); // after end() nothing more will be filled
    expect(q.freeBlocks).toBe(0);
  });

  it("allocates only window + maxQueued + 2 blocks for any length when the transfer recycles them", async () => {
    const window = 3;
    const q = new WriteQueue(8, 2, window);
    const inFlight: Uint8Array[] = [];
    let produced = 0;
    const pump = (async () => {
      for await (const b of q) {
        inFlight.push(b);
        // A window of WRITEs: the oldest completes when the window is full.
        if (inFlight.length === window) q.recycle(inFlight.shift()!);
        await Promise.resolve();
      }
    })();
    const producer = async () => {
      for (let i = 0; i < 500; i++) {
        await new Promise<void>((r) => q.push(Buffer.alloc(5, i), r));
        produced++;
      }
      q.end();
    };
    await producer();
    await pump;
    expect(produced).toBe(500);
    expect(q.allocated).toBeLessThanOrEqual(window + 2 + 2);
  });
});
