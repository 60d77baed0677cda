// Wide windows refill in batches (transfer.ts refillBatch): with 16 or more requests in flight, new READs /
// WRITEs are issued window/8 at a time (one writev, one server read) instead of one per completion; narrow
// windows refill one by one. Driven by a fake Open whose requests complete when the test says so.
import { describe, expect, it } from "vitest";
import type { Open } from "../src/open.js";
import { pipelinedRead, pipelinedWriteFrom } from "../src/transfer.js";

interface Pending {
  offset: number;
  length: number;
  resolve: () => void;
}

function fakeOpen(max = 64) {
  const requests: Pending[] = [];
  const open = {
    connection: { negotiated: { maxReadSize: max, maxWriteSize: max } },
    read(offset: number, length: number) {
      return new Promise<Buffer>((resolve) => {
        requests.push({ offset, length, resolve: () => resolve(Buffer.alloc(length, 7)) });
      });
    },
    write(data: Uint8Array, offset: number) {
      return new Promise<number>((resolve) => {
        requests.push({ offset, length: data.length, resolve: () => resolve(data.length) });
      });
    },
  } as unknown as Open;
  return { open, requests };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** Answers the requests at `indexes`, then lets the transfer react. */
async function answer(requests: Pending[], ...indexes: number[]): Promise<void> {
  for (const i of indexes) requests[i]!.resolve();
  await turn();
}

/** Completes requests one at a time from `from`, letting the transfer issue more in between. */
async function completeRest(requests: Pending[], from: number): Promise<void> {
  for (let i = from; i < requests.length; i++) await answer(requests, i);
}

describe("window refill", () => {
  it("reads: a window of 16 issues the next READs two at a time", async () => {
    const { open, requests } = fakeOpen();
    const p = pipelinedRead(open, 0, 64 * 40, () => {}, { chunkSize: 64, window: 16 });
    await turn();
    expect(requests).toHaveLength(16);
    await answer(requests, 0);
    expect(requests).toHaveLength(16); // one slot free: wait for a batch of two
    await answer(requests, 1);
    expect(requests).toHaveLength(18);
    await completeRest(requests, 2);
    expect(await p).toBe(64 * 40);
    expect(requests.map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i * 64));
  });

  it("reads: a narrow window refills one by one", async () => {
    const { open, requests } = fakeOpen();
    const p = pipelinedRead(open, 0, 64 * 6, () => {}, { chunkSize: 64, window: 4 });
    await turn();
    expect(requests).toHaveLength(4);
    await answer(requests, 0);
    expect(requests).toHaveLength(5);
    await completeRest(requests, 1);
    expect(await p).toBe(64 * 6);
  });

  it("reads: replies answered ahead of the oldest free their slots at once (up to 1.5x the window issued)", async () => {
    const { open, requests } = fakeOpen();
    const delivered: number[] = [];
    const p = pipelinedRead(open, 0, 64 * 12, (_c, at) => void delivered.push(at), {
      chunkSize: 64,
      window: 4,
    });
    await turn();
    expect(requests).toHaveLength(4);
    // The oldest READ is slow; the next ones are answered: new READs go out while it is outstanding ...
    await answer(requests, 1);
    expect(requests).toHaveLength(5);
    await answer(requests, 2);
    expect(requests).toHaveLength(6);
    // ... but no more than 6 issued and undelivered: the answered ones wait for the oldest.
    await answer(requests, 3, 4);
    expect(requests).toHaveLength(6);
    expect(delivered).toEqual([]);
    await answer(requests, 0);
    expect(delivered).toEqual([0, 64, 128, 192, 256]);
    await completeRest(requests, 5);
    expect(await p).toBe(64 * 12);
    expect(delivered).toEqual(Array.from({ length: 12 }, (_, i) => i * 64));
  });

  it("reads: once a read has failed, later replies issue no more READs", async () => {
    const { open, requests } = fakeOpen();
    const p = pipelinedRead(
      open,
      0,
      64 * 40,
      () => {
        throw new Error("consumer failed");
      },
      { chunkSize: 64, window: 4 },
    );
    await turn();
    expect(requests).toHaveLength(4);
    requests[0]!.resolve();
    await expect(p).rejects.toThrow("consumer failed");
    const issued = requests.length;
    for (const r of requests.slice(1)) r.resolve();
    await turn();
    await turn();
    expect(requests).toHaveLength(issued);
  });

  it("writes: a full window of 16 takes new WRITEs once two slots are free", async () => {
    const { open, requests } = fakeOpen();
    const data = Buffer.alloc(64 * 40, 1);
    const p = pipelinedWriteFrom(open, [data], 0, { chunkSize: 64, window: 16 });
    await turn();
    expect(requests).toHaveLength(16);
    await answer(requests, 0);
    expect(requests).toHaveLength(16);
    await answer(requests, 1);
    expect(requests).toHaveLength(18);
    await completeRest(requests, 2);
    expect(await p).toBe(data.length);
    expect(requests.map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i * 64));
  });
});
