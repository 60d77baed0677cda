/**
 * Fault matrix (issue 11): a scripted session (NEGOTIATE, SESSION_SETUP x2, TREE_CONNECT, CREATE, WRITE,
 * READ, CLOSE) through a fault-injection proxy that drops, stalls, delays, truncates or corrupts the
 * server's reply at each message index. Every case must end in success with the right data or in a
 * typed error within the timeout: never a hang, a crash, an unhandled rejection or wrong data.
 */
import { randomBytes } from "node:crypto";
import { AuthError, negotiate } from "smb-auth";
import { CreateDisposition, SmbDecodeError } from "smb-structures";
import { SmbTransportError } from "smb-transport";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, type FaultRule, startFaultProxy } from "../../../tools/faults/proxy.mjs";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { Connection, SmbClientError, SmbError } from "../src/index.js";

const samba = inject("samba");
const TIMEOUT = 1500;
const REPLIES = 8; // NEGOTIATE, SESSION_SETUP x2, TREE_CONNECT, CREATE, WRITE, READ, CLOSE

async function scripted(proxy: FaultProxy, server: SambaServer) {
  const conn = await Connection.connect({
    host: "127.0.0.1",
    port: proxy.port,
    timeoutMs: TIMEOUT,
    connectTimeoutMs: TIMEOUT,
  });
  try {
    const mech = negotiate({ username: server.username, password: server.password }).create({
      targetName: "127.0.0.1",
    });
    const s = await conn.authenticate(mech);
    const tree = await s.connectTree("share");
    const f = await tree.create(`fault-${randomBytes(4).toString("hex")}`, {
      desiredAccess: 0x0012019f | 0x00010000,
      disposition: CreateDisposition.CREATE,
      createOptions: 0x00001000,
    });
    const data = randomBytes(5000);
    await f.write(data, 0);
    const back = await f.read(0, 5000);
    await f.close();
    return back.equals(data);
  } finally {
    conn.pump.close();
  }
}

function typed(err: unknown): boolean {
  return (
    err instanceof SmbTransportError ||
    err instanceof SmbError ||
    err instanceof SmbClientError ||
    err instanceof AuthError ||
    err instanceof SmbDecodeError
  );
}

describe.skipIf(samba.external)("fault matrix through a proxy (signing required)", () => {
  let server: SambaServer;
  let proxy: FaultProxy;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  // Reply indexes that were interim STATUS_PENDING responses (MS-SMB2 3.3.4.2): they are not signed,
  // so a corrupted interim body is legitimately ignored and the call may still succeed.
  const interim = new Set<number>();
  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    server = await startSamba({ global: { "server signing": "mandatory" }, signedCompanion: false });
    proxy = await startFaultProxy({
      targetPort: server.port,
      onFrame: (direction, message, index) => {
        const pending = message.length >= 64 && message.readUInt32LE(8) === 0x103;
        if (direction === "toClient" && pending && (message.readUInt32LE(16) & 0x2) !== 0) interim.add(index);
        return undefined;
      },
    });
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await proxy?.close();
    await server?.stop();
  });

  it("runs clean without faults", async () => {
    proxy.setRules([]);
    expect(await scripted(proxy, server)).toBe(true);
  });

  const actions: FaultRule["action"][] = ["drop", "truncate", "corrupt", "stall", "delay"];
  for (const action of actions) {
    it(`${action} at each reply index ends in success or a typed error in time`, async () => {
      const outcomes: string[] = [];
      for (let index = 0; index < REPLIES; index++) {
        interim.clear();
        proxy.setRules([{ direction: "toClient", index, action, ms: 300, offset: 70 }]);
        const t0 = Date.now();
        const r = await scripted(proxy, server).then(
          (ok) => (ok ? "ok" : "WRONG DATA"),
          (e) => (typed(e) ? `${(e as Error).name}` : `UNTYPED ${(e as Error)?.stack ?? e}`),
        );
        const elapsed = Date.now() - t0;
        outcomes.push(`${index}:${r}`);
        expect(r, `reply ${index}`).not.toMatch(/WRONG DATA|UNTYPED/);
        expect(elapsed, `reply ${index} took ${elapsed} ms`).toBeLessThan(TIMEOUT * 3);
        if (action === "delay") expect(r).toBe("ok");
        if (action === "corrupt" && !interim.has(index)) expect(r, `reply ${index}`).not.toBe("ok");
      }
      expect(unhandled).toEqual([]);
    });
  }
});
