/**
 * Unit tests of the recovery logic of durable handles (fs/durable.ts) and of the header fields a
 * request on an open carries (ChannelSequence, replay flag), without a server.
 */
import { HeaderFlags, NtStatus } from "smb-structures";
import { ConnectionClosedError } from "smb-transport";
import { describe, expect, it, vi } from "vitest";
import { DurableHandle } from "../src/fs/durable.js";
import type { ConnectionPool } from "../src/fs/pool.js";
import { Open, SmbError } from "../src/index.js";
import type { Tree } from "../src/tree.js";

/** An Open on a fake tree of a connection with `dialect`. */
function openOn(dialect: number): Open {
  const tree = { connection: { dialect } } as unknown as Tree;
  return new Open(tree, "f", { persistent: 1n, volatile: 2n }, 1, {} as never, 0, []);
}

describe("Open.header", () => {
  it("carries the ChannelSequence and, when replaying, SMB2_FLAGS_REPLAY_OPERATION on SMB 3.x", () => {
    const o = openOn(0x0311);
    expect(o.header()).toEqual({ channelSequence: 0, flags: 0 });
    o.channelSequence = 7;
    expect(o.header(true)).toEqual({ channelSequence: 7, flags: HeaderFlags.REPLAY_OPERATION });
  });

  it("carries neither on SMB 2.x (the field is Status there; no replay)", () => {
    const o = openOn(0x0210);
    o.channelSequence = 7;
    expect(o.header(true)).toEqual({ channelSequence: 0, flags: 0 });
  });
});

interface FakeOpen {
  durable: { granted: boolean; timeoutMs: number } | undefined;
  closed: boolean;
  connection: { closed: boolean };
  tree: { session: object };
  reconnect: ReturnType<typeof vi.fn>;
  close: ReturnType<typeof vi.fn>;
}

function fakeHandle(o: { granted?: boolean; reconnect?: () => Promise<void>; closedLocally?: boolean } = {}) {
  const open: FakeOpen = {
    durable: { granted: o.granted ?? true, timeoutMs: 60_000 },
    closed: false,
    connection: { closed: true },
    tree: { session: {} },
    reconnect: vi.fn(o.reconnect ?? (async () => {})),
    close: vi.fn(async () => undefined),
  };
  const pool = { invalidate: vi.fn(), closedLocally: () => !!o.closedLocally } as unknown as ConnectionPool;
  const tree = vi.fn(async () => ({}) as Tree);
  const h = new DurableHandle(open as unknown as Open, {
    pool,
    tree,
    settings: { timeoutMs: 2000, attempts: 2 },
    path: "//h/s/f",
  });
  return { h, open, tree, pool: pool as unknown as { invalidate: ReturnType<typeof vi.fn> } };
}

const lost = () => new ConnectionClosedError("reset by peer");

describe("DurableHandle.retry", () => {
  it("reclaims once for all the requests that failed together and re-runs them with replay", async () => {
    const { h, open, tree } = fakeHandle();
    const calls: boolean[][] = [];
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => {
        const seen: boolean[] = [];
        calls.push(seen);
        return h.retry(async (replay) => {
          seen.push(replay);
          if (!replay) throw lost();
          return i;
        });
      }),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(open.reconnect).toHaveBeenCalledTimes(1);
    expect(tree).toHaveBeenCalledTimes(1);
    for (const c of calls) expect(c).toEqual([false, true]);
  });

  it("reclaims when the server forgot the session (connection still up), dropping it from the pool", async () => {
    const { h, open, pool } = fakeHandle();
    open.connection.closed = false;
    const forgot = new SmbError(NtStatus.STATUS_USER_SESSION_DELETED);
    const r = await h.retry(async (replay) => (replay ? "again" : Promise.reject(forgot)));
    expect(r).toBe("again");
    expect(pool.invalidate).toHaveBeenCalledWith(open.tree.session);
    expect(open.reconnect).toHaveBeenCalledTimes(1);
  });

  it("lets a caller give up (signal) while the reclaim goes on for the others", async () => {
    let finish: () => void = () => {};
    const { h, open } = fakeHandle({ reconnect: () => new Promise<void>((r) => (finish = r)) });
    const ac = new AbortController();
    const mine = h.retry(async (replay) => (replay ? 1 : Promise.reject(lost())), ac.signal);
    const other = h.retry(async (replay) => (replay ? 2 : Promise.reject(lost())));
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await expect(mine).rejects.toMatchObject({ name: "AbortError" });
    finish();
    expect(await other).toBe(2);
    expect(open.reconnect).toHaveBeenCalledTimes(1);
  });

  it("passes other failures through untouched", async () => {
    const { h, open } = fakeHandle();
    const denied = new SmbError(NtStatus.STATUS_ACCESS_DENIED);
    await expect(h.retry(async () => Promise.reject(denied))).rejects.toBe(denied);
    expect(open.reconnect).not.toHaveBeenCalled();
  });

  it("fails with ECONNRESET / STATUS_CONNECTION_DISCONNECTED when durability was not granted", async () => {
    const { h, open } = fakeHandle({ granted: false });
    const err = await h.retry(async () => Promise.reject(lost())).catch((e) => e);
    expect(err).toMatchObject({
      code: "ECONNRESET",
      ntstatus: "STATUS_CONNECTION_DISCONNECTED",
      handleLost: true,
    });
    expect(open.reconnect).not.toHaveBeenCalled();
    // Later requests fail at once with the same error.
    const attempt = vi.fn(async () => 1);
    await expect(h.retry(attempt)).rejects.toBe(err);
    expect(attempt).not.toHaveBeenCalled();
  });

  it("fails with the server's status when it refuses the reconnect", async () => {
    const { h, open } = fakeHandle({
      reconnect: async () => Promise.reject(new SmbError(NtStatus.STATUS_INVALID_PARAMETER)),
    });
    const err = await h.retry(async () => Promise.reject(lost())).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNRESET", ntstatus: "STATUS_INVALID_PARAMETER" });
    expect(open.reconnect).toHaveBeenCalledTimes(1);
  });

  it("gives up after `attempts` reclaims of one request", async () => {
    const { h, open } = fakeHandle();
    const err = await h.retry(async () => Promise.reject(lost())).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNRESET", handleLost: true });
    expect(open.reconnect).toHaveBeenCalledTimes(2);
  });

  it("does not reclaim behind the caller's back after the client closed its pool", async () => {
    const { h, open } = fakeHandle({ closedLocally: true });
    const e = lost();
    await expect(h.retry(async () => Promise.reject(e))).rejects.toBe(e);
    expect(open.reconnect).not.toHaveBeenCalled();
  });
});
