/**
 * FrameReader fed the way net.Socket's `onread` does: the reader picks the memory of every read
 * (readBuffer), the "kernel" fills part of it, then onRead(n, buf).
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BufferPool, isPooled, recycleBuffer } from "../src/buffer-pool.js";
import { DIRECT_MIN, FrameReader, SCRATCH_SIZE } from "../src/frame-reader.js";
import { frameHeader } from "../src/index.js";

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(payloads.flatMap((p) => [frameHeader(p.length), p]));
}

/** Feeds `stream` through readBuffer/onRead, each read limited by the next of `cuts`. */
function feed(r: FrameReader, stream: Buffer, cuts: number[]): void {
  let pos = 0;
  let i = 0;
  while (pos < stream.length) {
    const buf = r.readBuffer();
    const n = Math.min(buf.length, cuts[i++ % cuts.length]!, stream.length - pos);
    stream.copy(buf, 0, pos, pos + n);
    // What a later read would do to memory the reader said it reuses: frames must not change.
    r.onRead(n, buf);
    pos += n;
  }
}

describe("FrameReader.readBuffer/onRead (socket reads into reader-chosen memory)", () => {
  it("reassembles small and large frames from any read sizes, byte for byte", () => {
    const sizes = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 60_000, max: 70_000 }),
      fc.integer({ min: DIRECT_MIN, max: 3 * SCRATCH_SIZE }),
    );
    fc.assert(
      fc.property(
        fc.array(sizes, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 10 }),
        (lengths, cuts) => {
          const payloads = lengths.map((n) => randomBytes(n));
          const got: Buffer[] = [];
          const r = new FrameReader((f) => got.push(f), 16 * 1024 * 1024, new BufferPool());
          feed(r, framed(payloads), cuts);
          // Scribble over the scratch: frames already handed out must be unaffected.
          r.readBuffer().fill(0xee);
          expect(got.length).toBe(payloads.length);
          for (let i = 0; i < payloads.length; i++) expect(got[i]!.equals(payloads[i]!)).toBe(true);
          expect(r.partialBytes).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lets the socket write a large frame's payload straight into the frame buffer", () => {
    const payload = randomBytes(1024 * 1024 + 80);
    const stream = framed([payload]);
    const pool = new BufferPool();
    let frame: Buffer | undefined;
    const r = new FrameReader(
      (f) => {
        frame = f;
      },
      16 * 1024 * 1024,
      pool,
    );
    const first = r.readBuffer();
    expect(first.length).toBe(SCRATCH_SIZE);
    stream.copy(first, 0, 0, SCRATCH_SIZE);
    r.onRead(SCRATCH_SIZE, first);
    // Now the reader asks for the rest of the frame itself: one read can complete it.
    const rest = r.readBuffer();
    expect(rest.length).toBe(payload.length - (SCRATCH_SIZE - 4));
    expect(isPooled(rest)).toBe(true);
    stream.copy(rest, 0, SCRATCH_SIZE);
    r.onRead(rest.length, rest);
    expect(frame!.equals(payload)).toBe(true);
    expect(frame!.buffer).toBe(rest.buffer);
    // Recycled by its consumer, the memory serves the next large frame.
    recycleBuffer(frame!);
    feed(r, framed([randomBytes(payload.length)]), [SCRATCH_SIZE]);
    expect(frame!.buffer).toBe(rest.buffer);
    expect(pool.reused).toBe(1);
  });

  it("reads a small missing rest through the scratch, together with the frames after it", () => {
    const a = randomBytes(SCRATCH_SIZE + 100); // leaves ~100 bytes for the next read
    const b = randomBytes(50);
    const stream = framed([a, b]);
    const got: Buffer[] = [];
    const r = new FrameReader((f) => got.push(f), 16 * 1024 * 1024, new BufferPool());
    const first = r.readBuffer();
    stream.copy(first, 0, 0, first.length);
    r.onRead(first.length, first);
    const second = r.readBuffer();
    expect(second.length).toBe(SCRATCH_SIZE); // the scratch, not a 104-byte direct read
    const n = stream.length - first.length;
    stream.copy(second, 0, first.length);
    r.onRead(n, second);
    expect(got.map((g) => g.length)).toEqual([a.length, b.length]);
    expect(got[0]!.equals(a) && got[1]!.equals(b)).toBe(true);
  });

  it("rejects a bad stream header byte and an oversized length in onRead too", () => {
    const r = new FrameReader(() => {}, 1000);
    const buf = r.readBuffer();
    buf.set([0x85, 0, 0, 0]);
    expect(() => r.onRead(4, buf)).toThrow(/bad stream header/);
    const r2 = new FrameReader(() => {}, 1000);
    const buf2 = r2.readBuffer();
    buf2.set([0, 0, 0x10, 0]);
    expect(() => r2.onRead(4, buf2)).toThrow(/exceeds/);
  });
});
