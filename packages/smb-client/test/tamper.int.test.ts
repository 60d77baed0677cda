/** Downgrade and tamper detection through the fault proxy (issue 11). */
import { negotiate } from "smb-auth";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../../tools/faults/proxy.mjs";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { Connection, type ConnectionOptions } from "../src/index.js";

const samba = inject("samba");

describe.skipIf(samba.external)("downgrade and tamper detection", () => {
  let server: SambaServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startSamba({ signedCompanion: false });
    proxy = await startFaultProxy({ targetPort: server.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  async function connectAll(opts: Partial<ConnectionOptions> = {}) {
    const conn = await Connection.connect({ host: "127.0.0.1", port: proxy.port, timeoutMs: 3000, ...opts });
    try {
      const mech = negotiate({ username: server.username, password: server.password }).create({
        targetName: "127.0.0.1",
      });
      const s = await conn.authenticate(mech);
      await s.connectTree("share");
      return conn.negotiated.dialectName;
    } finally {
      conn.pump.close();
    }
  }

  it("passes untouched", async () => {
    proxy.setRules([]);
    expect(await connectAll()).toBe("3.1.1");
  });

  it("detects 3.1.1 stripped from our NEGOTIATE (secure negotiate on the 3.0.2 fallback)", async () => {
    proxy.setRules([
      {
        direction: "toServer",
        index: 0,
        action: "mutate",
        mutate: (m) => {
          // Dialects start at body offset 36 (header 64): rewrite 0x0311 to 0x0302.
          const count = m.readUInt16LE(64 + 2);
          for (let i = 0; i < count; i++)
            if (m.readUInt16LE(100 + 2 * i) === 0x0311) m.writeUInt16LE(0x0302, 100 + 2 * i);
        },
      },
    ]);
    await expect(connectAll()).rejects.toThrow(/secure negotiate|closed/);
  });

  it("detects SIGNING_REQUIRED stripped from the server's NEGOTIATE response (preauth integrity)", async () => {
    proxy.setRules([
      {
        direction: "toClient",
        index: 0,
        action: "mutate",
        mutate: (m) => {
          m.writeUInt16LE(m.readUInt16LE(64 + 2) & ~0x2, 64 + 2);
          m.writeUInt16LE(m.readUInt16LE(64 + 2) ^ 0x1, 64 + 2); // and flip SIGNING_ENABLED
        },
      },
    ]);
    await expect(connectAll({ requireSigning: true })).rejects.toThrow(
      /signature|SESSION_SETUP|ACCESS_DENIED/i,
    );
  });

  it("rejects a reply whose SIGNED flag was cleared on a signing session", async () => {
    // reply 3 is TREE_CONNECT, which is signed on 3.1.1
    proxy.setRules([
      {
        direction: "toClient",
        index: 3,
        action: "mutate",
        mutate: (m) => {
          m.writeUInt32LE(m.readUInt32LE(16) & ~0x8, 16);
        },
      },
    ]);
    await expect(connectAll({ requireSigning: true })).rejects.toThrow(/unsigned/);
  });

  it("rejects a flipped bit in an encrypted reply", async () => {
    proxy.setRules([{ direction: "toClient", index: 3, action: "corrupt", offset: 60 }]);
    const conn = await Connection.connect({ host: "127.0.0.1", port: proxy.port, timeoutMs: 3000 });
    try {
      const mech = negotiate({ username: server.username, password: server.password }).create({
        targetName: "127.0.0.1",
      });
      const s = await conn.authenticate(mech, { encrypt: true });
      await expect(s.connectTree("share")).rejects.toThrow(/decrypt|closed/i);
    } finally {
      conn.pump.close();
    }
  });
});
