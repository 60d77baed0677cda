// The pool and the client's options: reuse, sessions per credentials, register(), URL forms,
// reconnection after a dropped connection, unref'd idle sockets, close(), global defaults and the default
// client, auth protocols, dialect and security options.
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  closeDefaultClient,
  configure,
  defaultClient,
  resetDefaults,
  SmbClient,
  SmbClientError,
} from "../src/index.js";
import { auth, client, SHARE, samba, scratch } from "./fs-helpers.js";

const smb = client();
const dir = scratch(SHARE, "pool");
const file = `${dir}/f.txt`;
beforeAll(async () => {
  await smb.mkdir(dir);
  await smb.writeFile(file, "pooled");
});
afterAll(async () => {
  await smb.rm(dir, { recursive: true, force: true });
  await smb.close();
});

describe("pool", () => {
  it("reuses one connection, one session and one tree per share for many calls", async () => {
    const c = client();
    for (let i = 0; i < 10; i++) expect(await c.readFile(file, "utf8")).toBe("pooled");
    await Promise.all(Array.from({ length: 50 }, () => c.stat(file)));
    expect(c.poolSize).toEqual({ connections: 1, sessions: 1, trees: 1 });
    if (!samba.external) {
      await c.readdir(`//${samba.host}/share-encrypted`);
      expect(c.poolSize).toEqual({ connections: 1, sessions: 1, trees: 2 });
    }
    await c.close();
    expect(c.poolSize.connections).toBe(0);
    // Usable again after close(): it reconnects.
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    await c.close();
  });

  it("keeps sessions per credentials: a wrong password fails and does not reuse the good session", async () => {
    const c = client();
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    const e = await c.readFile(file, { password: "wrong-password" }).catch((err) => err);
    expect(e.code).toBe("EACCES");
    expect(e.ntstatus).toBe("STATUS_LOGON_FAILURE");
    expect(c.poolSize.sessions).toBe(1);
    // Another user named in the URL never gets the client's password.
    const u = file.replace(`//${samba.host}/`, `smb://someone-else@${samba.host}:${samba.port}/`);
    const e2 = await c.readFile(u).catch((err) => err);
    expect(e2).toBeInstanceOf(Error);
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    await c.close();
  });

  it("reconnects when a pooled connection died", async () => {
    const c = client();
    await c.readFile(file);
    const conn = c.core.pool.liveConnections[0]!;
    conn.pump.close();
    expect(conn.closed).toBe(true);
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    const now = c.core.pool.liveConnections[0]!;
    expect(now).not.toBe(conn);
    expect(c.poolSize.connections).toBe(1);
    await c.close();
  });

  it("re-creates a session or tree the server forgot (logged off, disconnected) and retries the call", async () => {
    const c = client();
    await c.readFile(file);
    const tree = await c.core.tree({ server: samba.host, share: SHARE, port: samba.port }, {});
    // Behind the pool's back: the server forgets the tree, then the session.
    await tree.disconnect();
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    const tree2 = await c.core.tree({ server: samba.host, share: SHARE, port: samba.port }, {});
    expect(tree2).not.toBe(tree);
    await tree2.session.logoff();
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    const tree3 = await c.core.tree({ server: samba.host, share: SHARE, port: samba.port }, {});
    expect(tree3.session).not.toBe(tree2.session);
    expect(c.poolSize).toEqual({ connections: 1, sessions: 1, trees: 1 });
    await c.close();
  });

  it("does not keep the process alive with idle connections unless keepAlive", async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
    const before = sockets();
    const c = client();
    await c.readFile(file);
    expect(sockets()).toBe(before);
    const k = client({ keepAlive: true });
    await k.readFile(file);
    expect(sockets()).toBe(before + 1);
    await k.close();
    await c.close();
  });

  it("honours the timeout option (a server that never answers)", async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      const c = client();
      const t0 = Date.now();
      const e = await c.readFile(`//127.0.0.1/share/x`, { port, timeout: 300 }).catch((err) => err);
      expect(e.code).toBe("ERR_SMB_TIMEOUT");
      expect(e.syscall).toBe("open");
      expect(Date.now() - t0).toBeLessThan(5000);
      // The client's own connections are unaffected.
      expect(await c.readFile(file, "utf8")).toBe("pooled");
      await c.close();
    } finally {
      silent.close();
    }
  });

  it("isolates explicit clients (own pools)", async () => {
    const a = client();
    const b = client();
    await Promise.all([a.readFile(file), b.readFile(file)]);
    expect(a.core.pool.liveConnections[0]).not.toBe(b.core.pool.liveConnections[0]);
    await a.close();
    await b.close();
  });
});

describe("credentials and path forms", () => {
  it("needs credentials, takes them from register(), per call, or the environment when asked", async () => {
    const c = new SmbClient({ port: samba.port });
    const e = await c.readFile(file).catch((err) => err);
    expect(e).toBeInstanceOf(SmbClientError);
    expect(e.code).toBe("ERR_SMB_NO_CREDENTIALS");
    expect(
      await c.readFile(file, {
        username: samba.username,
        password: samba.password,
        domain: samba.domain,
        encoding: "utf8",
      }),
    ).toBe("pooled");
    c.register(samba.host, { username: samba.username, password: samba.password, domain: samba.domain });
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    expect(c.unregister(samba.host)).toBe(true);
    const e2 = await c.readFile(file).catch((err) => err);
    expect(e2.code).toBe("ERR_SMB_NO_CREDENTIALS");
    c.register(`${samba.host}:${samba.port}`, { username: samba.username, password: samba.password });
    expect(await c.readFile(file, "utf8")).toBe("pooled");
    await c.close();
    const saved = { u: process.env.SMB_USER, p: process.env.SMB_PASSWORD, d: process.env.SMB_DOMAIN };
    process.env.SMB_USER = samba.username;
    process.env.SMB_PASSWORD = samba.password;
    process.env.SMB_DOMAIN = samba.domain || "";
    try {
      const envClient = new SmbClient({ port: samba.port, credentialsFromEnv: true });
      expect(await envClient.readFile(file, "utf8")).toBe("pooled");
      await envClient.close();
    } finally {
      for (const [k, v] of [
        ["SMB_USER", saved.u],
        ["SMB_PASSWORD", saved.p],
        ["SMB_DOMAIN", saved.d],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("accepts //, \\\\ and smb:// paths (URL user and port honoured, URL password only when allowed)", async () => {
    const rel = file.slice(`//${samba.host}/`.length);
    expect(await smb.readFile(`\\\\${samba.host}\\${rel.replace(/\//g, "\\")}`, "utf8")).toBe("pooled");
    const c = new SmbClient({ password: samba.password, domain: samba.domain });
    const url = `smb://${encodeURIComponent(samba.username)}@${samba.host}:${samba.port}/${rel}`;
    expect(await c.readFile(url, "utf8")).toBe("pooled");
    expect(await c.readFile(new URL(url), "utf8")).toBe("pooled");
    const withPw = `smb://${encodeURIComponent(samba.username)}:${encodeURIComponent(samba.password)}@${samba.host}:${samba.port}/${rel}`;
    const e = await c.readFile(withPw).catch((err) => err);
    expect(e.code).toBe("EINVAL");
    expect(e.message).not.toContain(samba.password);
    const d = new SmbClient({ allowUrlPassword: true });
    expect(await d.readFile(withPw, "utf8")).toBe("pooled");
    const e2 = await d.readFile("not-an-smb-path").catch((err) => err);
    expect(e2.code).toBe("EINVAL");
    const e3 = await d.readFile(`//${samba.host}`).catch((err) => err);
    expect(e3.code).toBe("EINVAL");
    await c.close();
    await d.close();
  });

  it("auth: ntlm works; kerberos without a reachable KDC fails with a Kerberos error", async () => {
    const n = client({ auth: "ntlm" });
    expect(await n.readFile(file, "utf8")).toBe("pooled");
    await n.close();
    const k = client({ auth: "kerberos", kerberos: { realm: "NOWHERE.TEST", kdc: "127.0.0.1:1" } });
    const e = await k.readFile(file).catch((err) => err);
    expect(e.name).toBe("KerberosError");
    expect(e.syscall).toBe("open");
    await k.close();
    // negotiate with Kerberos settings falls back to NTLM when no ticket can be had.
    const f = client({ kerberos: { realm: "NOWHERE.TEST", kdc: "127.0.0.1:1" } });
    expect(await f.readFile(file, "utf8")).toBe("pooled");
    await f.close();
  });
});

describe.skipIf(samba.external)("dialects and security options", () => {
  for (const maxDialect of ["2.0.2", "2.1", "3.0"] as const) {
    it(`works on SMB ${maxDialect} (compounds, listing, streams)`, async () => {
      const c = client({ maxDialect });
      const d = `${dir}/d-${maxDialect}`;
      await c.mkdir(d);
      const data = Buffer.alloc(300_000, 7);
      await c.writeFile(`${d}/x.bin`, data);
      expect((await c.readFile(`${d}/x.bin`)).equals(data)).toBe(true);
      expect(await c.readdir(d)).toEqual(["x.bin"]);
      expect((await c.stat(`${d}/x.bin`)).size).toBe(300_000);
      await c.rm(d, { recursive: true });
      expect(c.core.pool.liveConnections[0]!.negotiated.dialectName).toBe(maxDialect);
      await c.close();
    });
  }

  it("encrypt: true encrypts on a plain share; requireSigning signs; share-signed needs signing", async () => {
    const e = client({ encrypt: true });
    expect(await e.readFile(file, "utf8")).toBe("pooled");
    const t = await e.core.tree({ server: samba.host, share: SHARE, port: samba.port }, {});
    expect(t.encryptData).toBe(true);
    await e.close();
    const s = client({ requireSigning: true });
    expect(await s.readFile(file, "utf8")).toBe("pooled");
    const t2 = await s.core.tree({ server: samba.host, share: SHARE, port: samba.port }, {});
    expect(t2.session.signingRequired).toBe(true);
    await s.close();
    if (samba.signedPort) {
      const c = client();
      const p = scratch("share-signed", "signed");
      await c.mkdir(p, { port: samba.signedPort });
      await c.writeFile(`${p}/s.txt`, "signed", { port: samba.signedPort });
      expect(await c.readFile(`${p}/s.txt`, { port: samba.signedPort, encoding: "utf8" })).toBe("signed");
      await c.rm(p, { recursive: true, port: samba.signedPort });
      expect(c.poolSize.connections).toBe(1);
      await c.close();
    }
  });
});

describe("global defaults and the default client", () => {
  afterEach(async () => {
    resetDefaults();
    await closeDefaultClient();
  });

  it("configure() sets process-wide defaults the default client follows", async () => {
    configure({ ...auth });
    expect(await defaultClient().readFile(file, "utf8")).toBe("pooled");
    expect(defaultClient()).toBe(defaultClient());
    resetDefaults();
    await closeDefaultClient();
    const e = await defaultClient()
      .readFile(file)
      .catch((err) => err);
    expect(e.code).toBe("ERR_SMB_NO_CREDENTIALS");
    defaultClient().register(samba.host, auth);
    expect(await defaultClient().readFile(file, "utf8")).toBe("pooled");
    defaultClient().unregister(samba.host);
  });

  it("explicit clients ignore the global defaults unless inheritDefaults", async () => {
    configure({ ...auth });
    const isolated = new SmbClient();
    const e = await isolated.readFile(file).catch((err) => err);
    expect(e.code).toBe("ERR_SMB_NO_CREDENTIALS");
    const inheriting = new SmbClient({ inheritDefaults: true });
    expect(await inheriting.readFile(file, "utf8")).toBe("pooled");
    await inheriting.close();
  });
});
