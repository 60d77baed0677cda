// WriteQueue (fs/streams.ts): chunks are copied into blocks of the WRITE size, the producer's callback
// runs while few blocks wait and is held back (backpressure) beyond that, the last partial block goes
// out at end().
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
});
