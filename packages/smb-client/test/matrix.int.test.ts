/**
 * Every dialect, cipher and signing algorithm actually negotiated against Samba, each forced on its own
 * private server instance (the server picks by its own order, so a single-entry list forces it).
 */
import { randomBytes } from "node:crypto";
import { negotiate } from "smb-auth";
import { CreateDisposition } from "smb-structures";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { Connection, type ConnectionOptions } from "../src/index.js";

const samba = inject("samba");
const servers: SambaServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function roundTrip(
  server: SambaServer,
  share: string,
  opts: Partial<ConnectionOptions> = {},
  encrypt = false,
) {
  const conn = await Connection.connect({ host: server.host, port: server.port, ...opts });
  try {
    const mech = negotiate({ username: server.username, password: server.password }).create({
      targetName: server.host,
    });
    const session = await conn.authenticate(mech, { encrypt });
    const tree = await session.connectTree(share);
    const f = await tree.create(`m-${randomBytes(4).toString("hex")}`, {
      desiredAccess: 0x0012019f | 0x00010000,
      disposition: CreateDisposition.OVERWRITE_IF,
      createOptions: 0x00001000, // DELETE_ON_CLOSE
    });
    const data = randomBytes(200_000);
    const { maxReadSize, maxWriteSize } = conn.negotiated;
    const writes: Promise<number>[] = [];
    for (let o = 0; o < data.length; o += maxWriteSize)
      writes.push(f.write(data.subarray(o, o + maxWriteSize), o));
    await Promise.all(writes);
    const reads: Promise<Buffer>[] = [];
    for (let o = 0; o < data.length; o += maxReadSize)
      reads.push(f.read(o, Math.min(maxReadSize, data.length - o)));
    const back = Buffer.concat(await Promise.all(reads));
    expect(back.equals(data)).toBe(true);
    await f.close();
    return { neg: conn.negotiated, session, tree };
  } finally {
    await conn.close();
  }
}

describe.skipIf(samba.external)("negotiation matrix", () => {
  for (const [dialect, proto] of [
    ["2.0.2", "SMB2_02"],
    ["2.1", "SMB2_10"],
    ["3.0", "SMB3_00"],
    ["3.0.2", "SMB3_02"],
    ["3.1.1", "SMB3_11"],
  ] as const) {
    it(`dialect ${dialect}, signed`, async () => {
      const s = await startSamba({
        global: { "server max protocol": proto, "server signing": "mandatory" },
        signedCompanion: false,
      });
      servers.push(s);
      const { neg, session } = await roundTrip(s, "share");
      expect(neg.dialectName).toBe(dialect);
      expect(session.signingRequired).toBe(true);
    });
  }

  for (const cipher of ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"] as const) {
    it(`cipher ${cipher} on 3.1.1`, async () => {
      const s = await startSamba({
        global: { "server smb3 encryption algorithms": cipher },
        signedCompanion: false,
      });
      servers.push(s);
      const { neg, tree } = await roundTrip(s, "share-encrypted");
      expect(neg.cipher).toBe(cipher);
      expect(tree.encryptData).toBe(true);
    });
  }

  it("AES-128-CCM on 3.0 (session encryption asked by the client)", async () => {
    const s = await startSamba({ global: { "server max protocol": "SMB3_00" }, signedCompanion: false });
    servers.push(s);
    const { neg, session } = await roundTrip(s, "share", {}, true);
    expect(neg.cipher).toBe("AES-128-CCM");
    expect(session.encryptData).toBe(true);
  });

  for (const alg of ["AES-128-GMAC", "AES-128-CMAC", "HMAC-SHA256"] as const) {
    it(`signing ${alg} on 3.1.1`, async () => {
      const s = await startSamba({
        global: { "server smb3 signing algorithms": alg, "server signing": "mandatory" },
        signedCompanion: false,
      });
      servers.push(s);
      const { neg } = await roundTrip(s, "share");
      expect(neg.signingAlgorithm).toBe(alg);
    });
  }

  it("AES-256-GCM encryption with signing required", async () => {
    const s = await startSamba({
      global: { "server smb3 encryption algorithms": "AES-256-GCM", "server signing": "mandatory" },
      signedCompanion: false,
    });
    servers.push(s);
    const { neg } = await roundTrip(s, "share", {}, true);
    expect(neg.cipher).toBe("AES-256-GCM");
  });

  it("refuses a server that only speaks dialects outside the requested range", async () => {
    const s = await startSamba({ global: { "server max protocol": "SMB2_10" }, signedCompanion: false });
    servers.push(s);
    await expect(Connection.connect({ host: s.host, port: s.port, minDialect: "3.0" })).rejects.toThrow();
  });
});
