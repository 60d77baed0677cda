// pipelinedWriteFrom's onChunkDone (transfer.ts): each source chunk is handed back exactly once, only after
// every WRITE cut from it was confirmed (replays included) and none of its bytes wait to be cut; never
// when one of its WRITEs failed. Driven by a fake Open whose WRITEs complete when the test says so.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Open } from "../src/open.js";
import { pipelinedWriteFrom, type RequestRetry } from "../src/transfer.js";

interface PendingWrite {
  data: Uint8Array;
  offset: number;
  replay: boolean;
  resolve: (n: number) => void;
  reject: (e: Error) => void;
}

/** An Open whose WRITEs wait in `writes` until the test settles them; `file` gets the bytes on success. */
function fakeOpen(maxWriteSize = 1 << 20) {
  const writes: PendingWrite[] = [];
  const file = new Map<number, number>();
  const open = {
    connection: { negotiated: { maxWriteSize } },
    write(data: Uint8Array, offset: number, o: { replay?: boolean } = {}) {
      return new Promise<number>((resolve, reject) => {
        writes.push({
          data,
          offset,
          replay: !!o.replay,
          resolve: (n) => {
            for (let i = 0; i < n; i++) file.set(offset + i, data[i]!);
            resolve(n);
          },
          reject,
        });
      });
    },
  } as unknown as Open;
  return { open, writes, file };
}

/** Lets the transfer's promise reactions run. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Which source chunks each WRITE views (by identity of the underlying memory and range). */
function viewsOf(w: PendingWrite, chunks: Uint8Array[]): Uint8Array[] {
  return chunks.filter(
    (c) =>
      c.buffer === w.data.buffer &&
      w.data.byteOffset < c.byteOffset + c.byteLength &&
      c.byteOffset < w.data.byteOffset + w.data.byteLength,
  );
}

describe("pipelinedWriteFrom onChunkDone", () => {
  it("hands a large chunk back only after all the WRITEs cut from it are confirmed", async () => {
    const { open, writes } = fakeOpen();
    const big = Buffer.alloc(10, 1);
    const done: Uint8Array[] = [];
    const p = pipelinedWriteFrom(open, [big], 0, {
      chunkSize: 4,
      window: 8,
      onChunkDone: (c) => done.push(c),
    });
    await turn();
    expect(writes.map((w) => w.data.length)).toEqual([4, 4, 2]);
    writes[2]!.resolve(2);
    writes[0]!.resolve(4);
    await turn();
    expect(done).toEqual([]);
    writes[1]!.resolve(4);
    expect(await p).toBe(10);
    expect(done).toHaveLength(1);
    expect(done[0]).toBe(big);
  });

  it("waits for the replay of a WRITE, and for a short WRITE's remainder", async () => {
    const { open, writes } = fakeOpen();
    const a = Buffer.alloc(4, 1);
    const done: Uint8Array[] = [];
    // Retries once on failure, as the durable recovery does after a reclaim.
    const retry: RequestRetry = async (attempt) => {
      try {
        return await attempt(false);
      } catch {
        return attempt(true);
      }
    };
    const p = pipelinedWriteFrom(open, [a], 0, {
      chunkSize: 4,
      window: 2,
      retry,
      onChunkDone: (c) => done.push(c),
    });
    await turn();
    writes[0]!.reject(new Error("connection lost"));
    await turn();
    expect(writes[1]!.replay).toBe(true);
    expect(done).toEqual([]);
    writes[1]!.resolve(3); // short: the last byte goes in a WRITE of its own
    await turn();
    expect(done).toEqual([]);
    expect(writes[2]!.data.length).toBe(1);
    writes[2]!.resolve(1);
    expect(await p).toBe(4);
    expect(done).toEqual([a]);
  });

  it("hands back small chunks glued into one WRITE once they are copied, and a view's chunk after its WRITE", async () => {
    const { open, writes } = fakeOpen();
    const a = Buffer.alloc(3, 1);
    const b = Buffer.alloc(3, 2);
    const done: Uint8Array[] = [];
    const p = pipelinedWriteFrom(open, [a, b], 0, {
      chunkSize: 4,
      window: 4,
      onChunkDone: (c) => done.push(c),
    });
    await turn();
    // [a + b's first byte] is a copy; b's last two bytes are a view of b.
    expect(writes.map((w) => w.data.length)).toEqual([4, 2]);
    expect(done).toEqual([a]);
    writes[0]!.resolve(4);
    await turn();
    expect(done).toEqual([a]);
    writes[1]!.resolve(2);
    await p;
    expect(done).toEqual([a, b]);
  });

  it("never hands back a chunk whose WRITE failed, nor one still unsent; fails once none is in flight", async () => {
    const { open, writes } = fakeOpen();
    const chunks = [Buffer.alloc(4, 1), Buffer.alloc(4, 2), Buffer.alloc(4, 3)];
    const done: Uint8Array[] = [];
    async function* src() {
      yield chunks[0]!;
      yield chunks[1]!;
      yield chunks[2]!;
    }
    const p = pipelinedWriteFrom(open, src(), 0, {
      chunkSize: 4,
      window: 2,
      onChunkDone: (c) => done.push(c),
    });
    let settled = false;
    p.catch(() => {}).finally(() => (settled = true));
    await turn();
    expect(writes).toHaveLength(2); // the window is full: the third chunk waits
    writes[1]!.reject(new Error("disk full"));
    await turn();
    expect(done).toEqual([]);
    expect(settled).toBe(false); // a WRITE is still in flight
    writes[0]!.resolve(4);
    await expect(p).rejects.toThrow("disk full");
    expect(writes).toHaveLength(2);
    expect(done).toEqual([chunks[0]]);
  });

  it("any chunking and completion order: every chunk once, never while a WRITE views it (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        async (sizes, chunkSize, window, picks) => {
          const { open, writes, file } = fakeOpen();
          let fill = 0;
          const chunks = sizes.map((n) => Buffer.from(Array.from({ length: n }, () => fill++ & 0xff)));
          const done: Uint8Array[] = [];
          const live = new Set<PendingWrite>();
          const p = pipelinedWriteFrom(open, chunks, 0, {
            chunkSize,
            window,
            onChunkDone: (c) => {
              // No WRITE still unconfirmed views this chunk.
              for (const w of live) expect(viewsOf(w, [c])).toEqual([]);
              done.push(c);
            },
          });
          let finished = false;
          p.then(() => (finished = true));
          let k = 0;
          let seen = 0;
          while (!finished) {
            await turn();
            for (; seen < writes.length; seen++) live.add(writes[seen]!);
            if (live.size === 0) continue;
            const list = [...live];
            const w = list[picks[k++ % picks.length]! % list.length]!;
            live.delete(w);
            w.resolve(w.data.length);
          }
          expect(await p).toBe(fill);
          expect(done).toHaveLength(chunks.length);
          expect(new Set(done).size).toBe(chunks.length);
          for (const c of chunks) expect(done).toContain(c);
          for (let i = 0; i < fill; i++) expect(file.get(i)).toBe(i & 0xff);
        },
      ),
      { numRuns: 200 },
    );
  });
});
