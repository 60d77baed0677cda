import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { negotiate } from "smb-auth";
import {
  CompletionFilter,
  Command,
  CreateDisposition,
  FileInformationClass,
  FileStandardInformation,
  InfoType,
  LockFlags,
  NtStatus,
  OplockLevel,
  RELATED_FILE_ID,
  CloseRequest,
  QueryInfoResponse,
} from "smb-structures";
import { ConnectionClosedError, RequestAbortedError } from "smb-transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSamba } from "../../../tools/samba/server.mjs";
import { Connection, Open, pipelinedRead, SmbError, type Tree } from "../src/index.js";

const samba = inject("samba");
const RW = 0x0012019f | 0x00010000; // generic read/write + DELETE

async function treeOn(share = "share", host = samba.host, port = samba.port, password = samba.password) {
  const conn = await Connection.connect({ host, port });
  const s = await conn.authenticate(
    negotiate({ username: samba.username, password }).create({ targetName: host }),
  );
  return { conn, tree: await s.connectTree(share) };
}

describe("engine operations against Samba", () => {
  let a: Awaited<ReturnType<typeof treeOn>>;
  let b: Awaited<ReturnType<typeof treeOn>>;
  const dir = `ops-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    a = await treeOn();
    b = await treeOn();
    const d = await a.tree.create(dir, {
      desiredAccess: RW,
      disposition: CreateDisposition.CREATE,
      createOptions: 1,
    });
    await d.close();
  });
  afterAll(async () => {
    await a?.conn.close();
    await b?.conn.close();
  });

  async function file(tree: Tree, name: string, opts: Parameters<Tree["create"]>[1] = {}) {
    return tree.create(`${dir}\\${name}`, {
      desiredAccess: RW,
      disposition: CreateDisposition.OPEN_IF,
      ...opts,
    });
  }

  it("lists a directory until STATUS_NO_MORE_FILES", async () => {
    for (const n of ["a.txt", "b.txt", "ünïcødé-😀.txt"]) await (await file(a.tree, n)).close();
    const d = await a.tree.create(dir, { createOptions: 1 });
    const names: string[] = [];
    for await (const batch of d.listDirectory()) for (const e of batch) names.push(e.fileName);
    await d.close();
    expect(names.sort()).toEqual([".", "..", "a.txt", "b.txt", "ünïcødé-😀.txt"]);
  });

  it("runs CREATE+QUERY_INFO+CLOSE as one related compound (one round trip)", async () => {
    const f = await file(a.tree, "compound.bin");
    await f.write(Buffer.alloc(1234, 7), 0);
    await f.close();
    const create = Open.createRequest(a.tree, `${dir}\\compound.bin`, {});
    const query = a.tree.secure({
      command: Command.QUERY_INFO,
      body: [
        Open.queryInfoBody(RELATED_FILE_ID, {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileStandardInformation,
        }),
      ],
    });
    const close = a.tree.secure({
      command: Command.CLOSE,
      body: [CloseRequest.encode({ flags: 0, fileId: RELATED_FILE_ID })],
    });
    const framesBefore = a.conn.pump.credits.nextMessageId;
    const [c, q, cl] = await a.conn.compound([create, query, close], true);
    expect(a.conn.pump.credits.nextMessageId - framesBefore).toBe(3n);
    expect([c!.status, q!.status, cl!.status]).toEqual([0, 0, 0]);
    const info = QueryInfoResponse.decode(q!.body, 0, q!.body.length, { base: -64 }).buffer;
    expect(FileStandardInformation.decode(info).endOfFile).toBe(1234n);
  });

  it("CHANGE_NOTIFY fires on a file created by a second connection", async () => {
    const d = await a.tree.create(dir, { createOptions: 1 });
    const pending = d.changeNotify({ filter: CompletionFilter.FILE_NAME });
    await new Promise((r) => setTimeout(r, 100));
    await (await file(b.tree, "notify-me.txt")).close();
    const changes = await pending;
    expect(changes.map((c) => c.fileName)).toContain("notify-me.txt");
    await d.close();
  });

  it("cancels a pending CHANGE_NOTIFY and the connection stays usable", async () => {
    const d = await a.tree.create(dir, { createOptions: 1 });
    const ac = new AbortController();
    const p = d.changeNotify({ filter: CompletionFilter.FILE_NAME, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(RequestAbortedError);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.conn.pump.inFlight).toBe(0); // the cancelled request's final reply was consumed
    await d.close();
  });

  it("detects a byte-range lock conflict between two connections", async () => {
    const fa = await file(a.tree, "locked.bin");
    const fb = await file(b.tree, "locked.bin");
    await fa.lock([{ offset: 0, length: 100, flags: LockFlags.EXCLUSIVE_LOCK | LockFlags.FAIL_IMMEDIATELY }]);
    const err = await fb
      .lock([{ offset: 50, length: 10, flags: LockFlags.EXCLUSIVE_LOCK | LockFlags.FAIL_IMMEDIATELY }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(SmbError);
    expect([NtStatus.STATUS_LOCK_NOT_GRANTED, NtStatus.STATUS_FILE_LOCK_CONFLICT]).toContain(err.status);
    await fa.lock([{ offset: 0, length: 100, flags: LockFlags.UNLOCK }]);
    await fb.lock([{ offset: 50, length: 10, flags: LockFlags.EXCLUSIVE_LOCK | LockFlags.FAIL_IMMEDIATELY }]);
    await fa.close();
    await fb.close();
  });

  it("acknowledges an oplock break so a second client's open is not stuck", async () => {
    const fa = await file(a.tree, "oplocked.bin", { oplockLevel: OplockLevel.BATCH });
    expect(fa.oplockLevel).not.toBe(0);
    const t0 = Date.now();
    const fb = await file(b.tree, "oplocked.bin");
    expect(Date.now() - t0).toBeLessThan(5000); // Samba waits 35 s for an unacknowledged break
    await fb.close();
    await fa.close();
  });

  it("closes the handle of a CREATE that completes after the caller aborted it", async () => {
    await (await file(a.tree, "aborted-open.bin")).close();
    const ac = new AbortController();
    const p = file(a.tree, "aborted-open.bin", { shareAccess: 0, signal: ac.signal });
    ac.abort(); // the CREATE is already on the wire: this gives up on it for the caller only
    await expect(p).rejects.toBeInstanceOf(RequestAbortedError);
    await new Promise((r) => setTimeout(r, 200));
    // No handle left behind: an exclusive open from another connection succeeds.
    const again = await file(b.tree, "aborted-open.bin", { shareAccess: 0 });
    await again.close();
  });

  it("keeps 200 concurrent reads and writes on one connection straight", async () => {
    const f = await file(a.tree, "many.bin");
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(4096, i));
    await Promise.all(chunks.map((c, i) => f.write(c, i * 4096)));
    const back = await Promise.all(chunks.map((_, i) => f.read(i * 4096, 4096)));
    for (const [i, buf] of back.entries()) expect(buf.equals(chunks[i]!)).toBe(true);
    await f.close();
  });

  it("splits a read larger than maxReadSize", async () => {
    const f = await file(a.tree, "big.bin");
    const max = a.conn.negotiated.maxReadSize;
    const data = randomBytes(max + 12345);
    let o = 0;
    while (o < data.length) o += await f.write(data.subarray(o, o + a.conn.negotiated.maxWriteSize), o);
    const parts: Buffer[] = [];
    await pipelinedRead(f, 0, data.length + 100, (c) => {
      parts.push(Buffer.from(c));
    });
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    await f.close();
  });
});

describe.skipIf(samba.external)("server killed mid-READ", () => {
  it("fails the pending read with a typed error, quickly", async () => {
    const s = await startSamba({ signedCompanion: false });
    try {
      const { conn, tree } = await treeOn("share", s.host, s.port, s.password);
      const f = await tree.create("victim.bin", {
        desiredAccess: RW,
        disposition: CreateDisposition.OVERWRITE_IF,
      });
      const data = Buffer.alloc(64 << 20, 1);
      let o = 0;
      while (o < data.length) o += await f.write(data.subarray(o, o + conn.negotiated.maxWriteSize), o);
      const t0 = Date.now();
      const reading = pipelinedRead(
        f,
        0,
        data.length,
        async () => {
          await new Promise((r) => setTimeout(r, 20));
        },
        { chunkSize: 1 << 20, window: 4 },
      );
      await new Promise((r) => setTimeout(r, 30));
      execFileSync("pkill", ["-KILL", "-f", s.confPath]);
      const err = await reading.catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionClosedError);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await s.stop();
    }
  });
});
