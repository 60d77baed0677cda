/**
 * Durable handles v2 through a fault-injection proxy: the connection drops in the middle of a large
 * write; a new connection (same client GUID) re-authenticates with PreviousSessionId, reclaims the
 * handle and finishes; the file's SHA-256 matches.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { negotiate } from "smb-auth";
import { CreateDisposition, randomGuid } from "smb-structures";
import { ConnectionClosedError } from "smb-transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../../tools/faults/proxy.mjs";
import { DURABLE_SHARE, type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { Connection, pipelinedRead, pipelinedWrite } from "../src/index.js";

const samba = inject("samba");

describe.skipIf(samba.external)("durable handle reclaim after a dropped connection", () => {
  let server: SambaServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startSamba({ shares: { durable: DURABLE_SHARE }, signedCompanion: false });
    proxy = await startFaultProxy({ targetPort: server.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  async function session(clientGuid: string, previousSessionId?: bigint) {
    const conn = await Connection.connect({ host: "127.0.0.1", port: proxy.port, clientGuid });
    const mech = negotiate({ username: server.username, password: server.password }).create({
      targetName: "127.0.0.1",
    });
    const s = await conn.authenticate(mech, { previousSessionId });
    return { conn, s, tree: await s.connectTree("durable") };
  }

  it("finishes a write after reconnecting and reclaiming the handle", async () => {
    const clientGuid = randomGuid();
    const first = await session(clientGuid);
    const f = await first.tree.create("durable.bin", {
      desiredAccess: 0x0012019f,
      disposition: CreateDisposition.OVERWRITE_IF,
      durable: { timeoutMs: 30_000 },
    });
    expect(f.durable?.granted).toBe(true);
    const data = randomBytes(24 << 20);
    const half = 12 << 20;
    await pipelinedWrite(f, data.subarray(0, half), 0);
    proxy.cutAll();
    const err = await pipelinedWrite(f, data.subarray(half), half).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionClosedError);

    const second = await session(clientGuid, first.s.sessionId);
    await f.reconnect(second.tree);
    await pipelinedWrite(f, data.subarray(half), half);
    const back: Buffer[] = [];
    await pipelinedRead(f, 0, data.length, (c) => {
      back.push(Buffer.from(c));
    });
    await f.close();
    await second.conn.close();
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(sha(Buffer.concat(back))).toBe(sha(data));
    expect(sha(readFileSync(`${server.shares.durable!.path}/durable.bin`))).toBe(sha(data));
  });
});
