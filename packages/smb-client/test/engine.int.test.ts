import { createHash, randomBytes } from "node:crypto";
import { negotiate, ntlm } from "smb-auth";
import { CreateDisposition, NtStatus } from "smb-structures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSamba } from "../../../tools/samba/server.mjs";
import { Connection, SmbError, type Session } from "../src/index.js";

const samba = inject("samba");

async function login(
  opts: Partial<Parameters<typeof Connection.connect>[0]> = {},
  password = samba.password,
) {
  const conn = await Connection.connect({ host: samba.host, port: samba.port, ...opts });
  const mech = negotiate({ username: samba.username, password, domain: samba.domain }).create({
    targetName: samba.host,
  });
  return { conn, session: await conn.authenticate(mech) };
}

describe("engine against real Samba", () => {
  let conn: Connection;
  let session: Session;
  beforeAll(async () => {
    ({ conn, session } = await login());
  });
  afterAll(async () => {
    await conn?.close();
  });

  it("negotiates SMB 3.1.1 with a cipher and signing algorithm", () => {
    expect(conn.negotiated.dialectName).toBe("3.1.1");
    expect(conn.negotiated.cipher).toBeDefined();
    expect(conn.negotiated.maxReadSize).toBeGreaterThanOrEqual(65536);
  });

  it("writes, reads back and closes a file on the plain share", async () => {
    const tree = await session.connectTree("share");
    const data = randomBytes(300_000);
    const f = await tree.create(`engine-${Date.now()}.bin`, {
      desiredAccess: 0x0012019f | 0x00010000,
      disposition: CreateDisposition.OVERWRITE_IF,
    });
    let off = 0;
    while (off < data.length) off += await f.write(data.subarray(off, off + 65536), off);
    const parts = await Promise.all([0, 1, 2, 3, 4].map((i) => f.read(i * 65536, 65536)));
    const back = Buffer.concat(parts);
    expect(createHash("sha256").update(back).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
    expect((await f.read(data.length, 100)).length).toBe(0);
    const info = await f.close({ postQuery: true });
    expect(info?.endOfFile).toBe(BigInt(data.length));
    await tree.disconnect();
  });

  it("encrypts on the encrypted share", async () => {
    const tree = await session.connectTree("share-encrypted");
    expect(tree.encryptData).toBe(true);
    const f = await tree.create("enc.txt", {
      desiredAccess: 0x0012019f,
      disposition: CreateDisposition.OVERWRITE_IF,
    });
    await f.write(Buffer.from("secret"), 0);
    expect((await f.read(0, 100)).toString()).toBe("secret");
    await f.close();
  });

  it("reports a missing file as SmbError ENOENT with the NTSTATUS name", async () => {
    const tree = await session.connectTree("share");
    const err = await tree.create("no/such/file").catch((e) => e);
    expect(err).toBeInstanceOf(SmbError);
    expect(err.code).toBe("ENOENT");
    expect(err.ntstatus).toMatch(/STATUS_OBJECT_(PATH|NAME)_NOT_FOUND/);
  });

  it("refuses a wrong password with STATUS_LOGON_FAILURE", async () => {
    const err = await login({}, "wrong-password").catch((e) => e);
    expect(SmbError.is(err, NtStatus.STATUS_LOGON_FAILURE)).toBe(true);
  });

  it("re-authenticates an established session and keeps using it", async () => {
    const tree = await session.connectTree("share");
    const mech = negotiate({
      username: samba.username,
      password: samba.password,
      domain: samba.domain,
    }).create({
      targetName: samba.host,
    });
    await session.reauthenticate(mech);
    const f = await tree.create("reauth.txt", {
      desiredAccess: 0x0012019f,
      disposition: CreateDisposition.OVERWRITE_IF,
    });
    await f.write(Buffer.from("still here"), 0);
    expect((await f.read(0, 100)).toString()).toBe("still here");
    await f.close();
  });

  it("authenticates with raw NTLM too", async () => {
    const c = await Connection.connect({ host: samba.host, port: samba.port });
    const s = await c.authenticate(
      ntlm({ username: samba.username, password: samba.password }).create({ targetName: samba.host }),
    );
    expect(s.sessionId).not.toBe(0n);
    await c.close();
  });
});

describe.skipIf(samba.external)("guest sessions", () => {
  it("refuses a guest session unless allowed", async () => {
    const s = await startSamba({ global: { "map to guest": "Bad User" }, signedCompanion: false });
    try {
      const mech = () => negotiate({ username: "nobody-here", password: "x" }).create({ targetName: s.host });
      const c1 = await Connection.connect({ host: s.host, port: s.port });
      const err = await c1.authenticate(mech()).catch((e) => e);
      expect(err.code).toBe("ERR_SMB_GUEST_SESSION");
      await c1.close();
      const c2 = await Connection.connect({ host: s.host, port: s.port });
      const sess = await c2.authenticate(mech(), { allowGuest: true });
      expect(sess.isGuest).toBe(true);
      await c2.close();
    } finally {
      await s.stop();
    }
  });
});
