// ownedBlocks (fs/owned-blocks.ts): the bytes of any chunking come out in order in blocks of the WRITE
// size, copied, so a producer that refills its buffer after each yield does not change what was taken.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownedBlocks } from "../src/fs/owned-blocks.js";

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe("ownedBlocks", () => {
  it("keeps what was yielded when the producer refills its buffer", async () => {
    async function* refilling() {
      const buf = Buffer.alloc(3);
      for (let i = 1; i <= 3; i++) {
        buf.fill(i);
        yield buf;
      }
    }
    const blocks = await collect(ownedBlocks(refilling(), 4));
    expect(Buffer.concat(blocks)).toEqual(Buffer.from([1, 1, 1, 2, 2, 2, 3, 3, 3]));
    expect(blocks.map((b) => b.length)).toEqual([4, 4, 1]);
  });

  it("any chunking: same bytes, full blocks but the last (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 13 }),
        async (chunks, size) => {
          const blocks = await collect(ownedBlocks(chunks, size));
          expect(Buffer.concat(blocks)).toEqual(Buffer.concat(chunks.map((c) => Buffer.from(c))));
          expect(blocks.every((b, i) => b.length === size || i === blocks.length - 1)).toBe(true);
          expect(blocks.every((b) => b.length > 0)).toBe(true);
        },
      ),
    );
  });
});
