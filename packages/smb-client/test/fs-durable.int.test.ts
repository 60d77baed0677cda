/**
 * Durable handles in the high-level API, through the fault proxy: the connection is cut in the middle
 * of a write stream, a FileHandle.write and a read stream; the handle is reclaimed on a new pooled
 * connection and the transfer finishes with the right bytes. Re-sent requests carry the replay flag
 * and the next ChannelSequence. A handle that cannot be reclaimed (durability not granted, server gone
 * past the timeout, server no longer has it) fails with ECONNRESET in time. A dead pooled connection
 * is replaced on the next call.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command, HeaderFlags } from "smb-structures";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../../tools/faults/proxy.mjs";
import { DURABLE_SHARE, type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { SmbClient, type SmbClientOptions } from "../src/index.js";

const samba = inject("samba");
const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** What the proxy saw of one request: command, flags and ChannelSequence (SMB2 header, 2.2.1.2). */
interface Seen {
  connection: number;
  command: number;
  flags: number;
  channelSequence: number;
  /** The request after the header (CREATE only). */
  body?: Buffer;
}

describe.skipIf(samba.external)("durable handles of the high-level API", () => {
  let server: SambaServer;
  let proxy: FaultProxy;
  let seen: Seen[] = [];
  /**
   * A cut in the middle of a pipeline: from the n-th request of `command` on, requests are held (as
   * a stalled network would); once the server has answered every one it got, its last answer is
   * swallowed and every connection cut. So the client has requests unsent and one unanswered, and the
   * server has nothing in progress (Samba refuses a reclaim when a write it was still doing when the
   * connection dropped changed the file after it).
   */
  let plan:
    | {
        command: number;
        n: number;
        k: number;
        holding: boolean;
        sent: number;
        answered: number;
        /** Forward the n-th request too: only its answer is lost. */
        forwardLast: boolean;
        /** Instead of cutting, the connection goes silent from the n-th request on (no reset). */
        stall: boolean;
      }
    | undefined;
  /** The proxied connection that went silent. */
  let silent: number | undefined;
  /** The answer swallowed at the cut. */
  let swallowed: Buffer | undefined;
  const clients: SmbClient[] = [];

  beforeAll(async () => {
    server = await startSamba({
      shares: { durable: DURABLE_SHARE, plain: { "durable handles": "no" } },
      signedCompanion: false,
    });
    proxy = await startFaultProxy({
      targetPort: server.port,
      onFrame: (direction, m, _index, link) => {
        if (link === silent) return "hold";
        if (m.readUInt32BE(0) !== 0xfe534d42) return;
        const command = m.readUInt16LE(12);
        const p = plan;
        if (direction === "toServer") {
          seen.push({
            connection: proxy.connections,
            command,
            flags: m.readUInt32LE(16),
            channelSequence: m.readUInt16LE(8),
            body: command === Command.CREATE ? Buffer.from(m.subarray(64)) : undefined,
          });
          if (!p || (!p.holding && command !== p.command)) return;
          if (!p.holding && ++p.k < p.n) {
            p.sent++;
            return;
          }
          if (p.stall) {
            silent = link;
            plan = undefined;
            return "hold";
          }
          if (!p.holding && p.forwardLast) {
            p.sent++;
            p.holding = true;
            return;
          }
          p.holding = true;
          if (p.answered === p.sent) cut();
          return "hold";
        }
        // An interim STATUS_PENDING reply is not the answer.
        if (!p || command !== p.command || m.readUInt32LE(8) === 0x103) return;
        p.answered++;
        if (p.holding && p.answered === p.sent) {
          swallowed = Buffer.from(m);
          cut();
          return "hold";
        }
      },
    });
    function cut() {
      plan = undefined;
      proxy.cutAll();
    }
  });
  afterEach(async () => {
    plan = undefined;
    silent = undefined;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  function client(opts: SmbClientOptions = {}, port = proxy.port): SmbClient {
    const c = new SmbClient({
      username: server.username,
      password: server.password,
      port,
      durable: { timeoutMs: 10_000 },
      ...opts,
    });
    clients.push(c);
    return c;
  }

  /** Cut every connection in the middle of a pipeline of `command` requests (see `plan`). */
  function cutAt(command: number, n: number, forwardLast = false): void {
    seen = [];
    plan = { command, n, k: 0, holding: false, sent: 0, answered: 0, forwardLast, stall: false };
  }

  /** The connection goes silent (nothing passes, no reset) at the n-th request of `command`. */
  function silenceAt(command: number, n: number): void {
    seen = [];
    plan = { command, n, k: 0, holding: false, sent: 0, answered: 0, forwardLast: false, stall: true };
  }

  const path = (share: string, name: string) => `//127.0.0.1/${share}/${name}`;
  const onDisk = (share: string, name: string) => readFileSync(`${server.shares[share]!.path}/${name}`);

  it("finishes a write stream cut in the middle: replayed WRITEs carry the replay flag and channel sequence 1", async () => {
    const c = client();
    const data = randomBytes(28 * MiB);
    const before = proxy.connections;
    cutAt(Command.WRITE, 6);
    const ws = c.createWriteStream(path("durable", "stream.bin"), { chunkSize: MiB, window: 8 });
    const pieces = Array.from({ length: 28 }, (_, i) => data.subarray(i * MiB, (i + 1) * MiB));
    await pipeline(Readable.from(pieces), ws);
    expect(ws.bytesWritten).toBe(data.length);
    expect(sha(onDisk("durable", "stream.bin"))).toBe(sha(data));
    // One reclaim for the whole window: one new connection.
    expect(proxy.connections - before).toBe(2);
    const writes = seen.filter((s) => s.command === Command.WRITE);
    const cut = seen.findIndex((s) => s.command === Command.CREATE && s.connection > before + 1);
    expect(cut).toBeGreaterThan(0);
    const after = seen.slice(cut).filter((s) => s.command === Command.WRITE);
    const replayed = after.filter((s) => s.flags & HeaderFlags.REPLAY_OPERATION);
    expect(replayed.length).toBeGreaterThan(0);
    expect(after.every((s) => s.channelSequence === 1)).toBe(true);
    const beforeCut = writes.filter((s) => s.connection === before + 1);
    expect(beforeCut.every((s) => s.channelSequence === 0 && !(s.flags & HeaderFlags.REPLAY_OPERATION))).toBe(
      true,
    );
  });

  it("finishes a FileHandle.write of a large buffer cut in the middle", async () => {
    const c = client();
    const data = randomBytes(24 * MiB);
    const fh = await c.open(path("durable", "handle.bin"), "w");
    expect(fh.durable).toBe(true);
    const before = proxy.connections;
    cutAt(Command.WRITE, 4);
    const { bytesWritten } = await fh.write(data, 0, data.length, 0);
    expect(bytesWritten).toBe(data.length);
    expect((await fh.stat()).size).toBe(data.length);
    await fh.close();
    expect(proxy.connections - before).toBe(1);
    expect(sha(onDisk("durable", "handle.bin"))).toBe(sha(data));
  });

  it("finishes a large readFile cut in the middle", async () => {
    const data = randomBytes(16 * MiB);
    writeFileSync(`${server.shares.durable!.path}/whole.bin`, data);
    const c = client({ chunkSize: MiB, window: 4 });
    const before = proxy.connections;
    cutAt(Command.READ, 6);
    const back = await c.readFile(path("durable", "whole.bin"));
    expect(sha(back)).toBe(sha(data));
    expect(proxy.connections - before).toBe(2);
    // Recovered by reclaiming the handle (re-sent READs), not by starting the call over.
    expect(seen.some((s) => s.command === Command.READ && s.flags & HeaderFlags.REPLAY_OPERATION)).toBe(true);
  });

  it("finishes a read stream cut in the middle", async () => {
    const data = randomBytes(24 * MiB);
    writeFileSync(`${server.shares.durable!.path}/read.bin`, data);
    const c = client({ chunkSize: MiB, window: 8 });
    const before = proxy.connections;
    cutAt(Command.READ, 5);
    const parts: Buffer[] = [];
    for await (const chunk of c.createReadStream(path("durable", "read.bin"))) parts.push(chunk as Buffer);
    expect(sha(Buffer.concat(parts))).toBe(sha(data));
    expect(proxy.connections - before).toBe(2);
    expect(seen.some((s) => s.command === Command.READ && s.flags & HeaderFlags.REPLAY_OPERATION)).toBe(true);
  });

  it("reclaims a handle whose connection went silent: request timeout, unanswered ECHO, reclaim", async () => {
    const c = client({ timeout: 1000, chunkSize: MiB, window: 4 });
    const data = randomBytes(12 * MiB);
    const fh = await c.open(path("durable", "silent.bin"), "w");
    expect(fh.durable).toBe(true);
    const before = proxy.connections;
    silenceAt(Command.WRITE, 3);
    const t0 = Date.now();
    await fh.write(data, 0, data.length, 0);
    expect(Date.now() - t0).toBeLessThan(6000);
    await fh.close();
    expect(proxy.connections - before).toBe(1);
    expect(sha(onDisk("durable", "silent.bin"))).toBe(sha(data));
  });

  it("replaces a pooled connection that went silent on the next call", async () => {
    const c = client({ timeout: 1000 });
    writeFileSync(`${server.shares.durable!.path}/quiet.txt`, "quiet");
    expect(await c.readFile(path("durable", "quiet.txt"), "utf8")).toBe("quiet");
    const conn = c.core.pool.liveConnections[0]!;
    silenceAt(Command.CREATE, 1);
    const t0 = Date.now();
    const err = await c.readFile(path("durable", "quiet.txt")).catch((e) => e);
    expect(err.code).toBe("ERR_SMB_TIMEOUT");
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(conn.closed).toBe(true);
    expect(await c.readFile(path("durable", "quiet.txt"), "utf8")).toBe("quiet");
    expect(c.core.pool.liveConnections[0]).not.toBe(conn);
  });

  it("replays a durable CREATE whose reply was lost, with the same CreateGuid and the replay flag", async () => {
    const c = client();
    await c.stat(path("durable", ""));
    cutAt(Command.CREATE, 1, true);
    const fh = await c.open(path("durable", "replayed.bin"), "w");
    expect(fh.durable).toBe(true);
    const creates = seen.filter((s) => s.command === Command.CREATE);
    expect(creates.length).toBe(2);
    expect(creates[0]!.flags & HeaderFlags.REPLAY_OPERATION).toBe(0);
    expect(creates[1]!.flags & HeaderFlags.REPLAY_OPERATION).toBe(HeaderFlags.REPLAY_OPERATION);
    // The very same CREATE (CreateGuid, lease key, every field) went again.
    expect(creates[1]!.body!.equals(creates[0]!.body!)).toBe(true);
    // The lost answer: the first CREATE did open the file. (Samba 4.17 does not look the CreateGuid up
    // across connections: it makes a second open, and the first stays disconnected until its durable
    // timeout; a server doing MS-SMB2 3.3.5.9.10 returns the first one.)
    expect(swallowed?.readUInt16LE(12)).toBe(Command.CREATE);
    expect(swallowed?.readUInt32LE(8)).toBe(0);
    await fh.write("replayed");
    await fh.close();
    expect(onDisk("durable", "replayed.bin").toString()).toBe("replayed");
  });

  it("reports the lost connection, not EEXIST, when a replayed exclusive create collides", async () => {
    const c = client();
    await c.stat(path("durable", ""));
    cutAt(Command.CREATE, 1, true);
    const err = await c.open(path("durable", "exclusive.bin"), "wx").catch((e) => e);
    expect(err.code).toBe("ERR_SMB_CONNECTION_CLOSED");
    expect(seen.filter((s) => s.command === Command.CREATE).length).toBe(2);
  });

  it("fails with ECONNRESET when the share granted no durable handle (no short file reported complete)", async () => {
    const c = client();
    const fh = await c.open(path("plain", "plain.bin"), "w");
    expect(fh.durable).toBe(false);
    cutAt(Command.WRITE, 3);
    const t0 = Date.now();
    const err = await fh.write(randomBytes(16 * MiB), 0, 16 * MiB, 0).catch((e) => e);
    expect(err).toMatchObject({
      code: "ECONNRESET",
      ntstatus: "STATUS_CONNECTION_DISCONNECTED",
      syscall: "write",
      handleLost: true,
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    // The handle stays failed; closing it does not throw.
    await expect(fh.write(Buffer.from("x"), 0, 1, 0)).rejects.toMatchObject({ code: "ECONNRESET" });
    await fh.close();
  });

  it("fails with ECONNRESET within the durable timeout when the server cannot be reached", async () => {
    const lonely = await startFaultProxy({ targetPort: server.port });
    const c = client({ durable: { timeoutMs: 1500 } }, lonely.port);
    const fh = await c.open(path("durable", "gone.bin"), "w");
    expect(fh.durable).toBe(true);
    await lonely.close(); // cuts the connection and refuses new ones
    const t0 = Date.now();
    const err = await fh.write(Buffer.alloc(MiB), 0, MiB, 0).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNRESET", handleLost: true });
    expect(Date.now() - t0).toBeLessThan(4000);
    await fh.close();
  });

  it("fails with ECONNRESET and the server's status when the server no longer has the handle", async () => {
    const c = client();
    const fh = await c.open(path("durable", "forgotten.bin"), "w");
    expect(fh.durable).toBe(true);
    // As if the server had dropped the handle (restart, durable timeout): it knows no such CreateGuid.
    fh.open.durable!.createGuid = "00000000-0000-4000-8000-000000000001";
    cutAt(Command.WRITE, 1);
    const err = await fh.write(Buffer.alloc(MiB), 0, MiB, 0).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNRESET", handleLost: true });
    expect(err.ntstatus).toBe("STATUS_OBJECT_NAME_NOT_FOUND");
    await fh.close();
  });

  it("opens plain handles with durable: false (no reclaim)", async () => {
    const c = client({ durable: false });
    const fh = await c.open(path("durable", "nodurable.bin"), "w");
    expect(fh.durable).toBe(false);
    expect(fh.open.durable).toBeUndefined();
    cutAt(Command.WRITE, 1);
    const err = await fh.write(Buffer.alloc(MiB), 0, MiB, 0).catch((e) => e);
    expect(err.code).toBe("ERR_SMB_CONNECTION_CLOSED");
    await fh.close();
  });

  it("replaces a pooled connection the peer dropped on the next call", async () => {
    const c = client();
    writeFileSync(`${server.shares.durable!.path}/pool.txt`, "pooled");
    expect(await c.readFile(path("durable", "pool.txt"), "utf8")).toBe("pooled");
    const conn = c.core.pool.liveConnections[0]!;
    proxy.cutAll();
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.closed).toBe(true);
    expect(await c.readFile(path("durable", "pool.txt"), "utf8")).toBe("pooled");
    expect(c.core.pool.liveConnections[0]).not.toBe(conn);
    expect(c.poolSize.connections).toBe(1);
  });
});
