import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { md4 } from "smb-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KdcInstance, type KerberosSmbd, startKdc } from "../../../tools/kerberos/kdc.mjs";
import {
  enctypeName,
  formatPrincipal,
  KerberosClient,
  type KerberosClientOptions,
  KerberosError,
  KerberosKey,
  type KerberosMechanism,
  kerberos,
  parseCcache,
  readKeytab,
} from "../src/kerberos/index.js";
import { defaultSalt } from "../src/kerberos/principal.js";
import { Credentials } from "../src/credentials.js";
import type { AuthContext, AuthMechanism } from "../src/mechanism.js";
import { negotiate, spnego } from "../src/spnego/mechanism.js";
import { smbRoundTrip } from "./helpers/smb-round-trip.js";

let kdc: KdcInstance;
let smbd: KerberosSmbd;
const timings: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  kdc = await startKdc();
  timings.kdc = Date.now() - t;
  t = Date.now();
  smbd = await kdc.startSmbd();
  timings.smbd = Date.now() - t;
}, 120_000);

afterAll(async () => {
  const t = Date.now();
  await kdc?.stop();
  timings.stop = Date.now() - t;
  console.log(
    `kerberos lab: KDC up in ${timings.kdc} ms, smbd in ${timings.smbd} ms, stop ${timings.stop} ms`,
  );
});

function client(opts: KerberosClientOptions = {}): KerberosClient {
  return new KerberosClient({
    krb5Conf: kdc.hostKrb5ConfPath,
    credentials: { username: kdc.user, password: kdc.password },
    ...opts,
  });
}

const cifs = (c: KerberosClient) => c.servicePrincipal(`cifs/${kdc.serviceHost}`);

describe("AS and TGS exchanges with a real MIT KDC", () => {
  it("gets a TGT with a password (aes256-cts-hmac-sha1-96 by default) and a cifs/<host> ticket", async () => {
    const c = client();
    const tgt = await c.getTgt();
    expect(formatPrincipal(tgt.client)).toBe(kdc.user);
    expect(formatPrincipal(tgt.server)).toBe(`krbtgt/${kdc.realm}@${kdc.realm}`);
    expect(tgt.sessionKey.enctype).toBe(18);
    expect(tgt.endtime.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    const svc = await c.getServiceTicket(cifs(c));
    expect(formatPrincipal(svc.server)).toBe(kdc.servicePrincipal);
    expect(svc.sessionKey.enctype).toBe(18);
    // Cached in memory: the same object comes back without a KDC round trip.
    expect(await c.getServiceTicket(cifs(c))).toBe(svc);
  });

  it.each([17, 18, 19, 20, 23])("AS + TGS with only enctype %i offered", async (enctype) => {
    const c = client({ enctypes: [enctype] });
    const tgt = await c.getTgt();
    expect(enctypeName(tgt.sessionKey.enctype)).toBe(enctypeName(enctype));
    const svc = await c.getServiceTicket(cifs(c));
    expect(enctypeName(svc.sessionKey.enctype)).toBe(enctypeName(enctype));
  });

  it("takes the requested enctypes from krb5.conf default_tkt_enctypes / default_tgs_enctypes", async () => {
    const conf = join(kdc.dir, "krb5-enctypes.conf");
    const text = readFileSync(kdc.hostKrb5ConfPath, "utf8").replace(
      "[libdefaults]",
      "[libdefaults]\n default_tkt_enctypes = aes256-cts-hmac-sha384-192\n default_tgs_enctypes = aes128-cts",
    );
    (await import("node:fs")).writeFileSync(conf, text);
    const c = client({ krb5Conf: conf });
    expect((await c.getTgt()).sessionKey.enctype).toBe(20);
    expect((await c.getServiceTicket(cifs(c))).sessionKey.enctype).toBe(17);
  });

  it("derives the same long-term keys as MIT for every enctype (keys exported from the KDC database)", async () => {
    const keytab = join(kdc.dir, "alice-export.keytab");
    await kdc.kadmin(`ktadd -norandkey -k ${keytab} ${kdc.user}`);
    const entries = readKeytab(keytab);
    expect(entries.map((e) => e.enctype).sort()).toEqual([17, 18, 19, 20, 23]);
    for (const e of entries) {
      const ours = KerberosKey.fromPassword(e.enctype, kdc.password, defaultSalt(e.principal));
      expect(ours.equals(e.key!), enctypeName(e.enctype)).toBe(true);
    }
  });

  it("uses a keytab for a password-less AS exchange", async () => {
    const c = new KerberosClient({
      krb5Conf: kdc.hostKrb5ConfPath,
      credentials: { username: kdc.keytabUser, keytab: kdc.userKeytab },
    });
    const tgt = await c.getTgt();
    expect(formatPrincipal(tgt.client)).toBe(kdc.keytabUser);
    const svc = await c.getServiceTicket(cifs(c));
    expect(formatPrincipal(svc.server)).toBe(kdc.servicePrincipal);
    // Without a username, the keytab's first principal is the client.
    const anon = new KerberosClient({ krb5Conf: kdc.hostKrb5ConfPath, keytab: kdc.userKeytab });
    expect(formatPrincipal((await anon.getTgt()).client)).toBe(kdc.keytabUser);
  });

  it("takes a Credentials object: a UPN with a password, or an NT hash as the rc4-hmac key", async () => {
    const upn = new KerberosClient({
      krb5Conf: kdc.hostKrb5ConfPath,
      credentials: new Credentials({ username: kdc.user, password: kdc.password }),
    });
    expect((await upn.getTgt()).sessionKey.enctype).toBe(18);
    const ntHash = md4(Buffer.from(kdc.password, "utf16le"));
    const hashed = new KerberosClient({
      krb5Conf: kdc.hostKrb5ConfPath,
      credentials: new Credentials({ username: "alice", domain: kdc.realm, ntHash }),
    });
    const tgt = await hashed.getTgt();
    expect(formatPrincipal(tgt.client)).toBe(kdc.user);
    expect(tgt.sessionKey.enctype).toBe(23);
  });

  it("reads a ccache written by kinit and gets service tickets with its TGT", async () => {
    const cc = join(kdc.dir, "kinit.ccache");
    const r = await kdc.exec("kinit", ["-c", `FILE:${cc}`, kdc.user], { input: `${kdc.password}\n` });
    expect(r.code, r.stderr).toBe(0);
    const parsed = parseCcache(readFileSync(cc));
    expect(parsed.version).toBe(4);
    expect(formatPrincipal(parsed.primary)).toBe(kdc.user);
    const c = new KerberosClient({ krb5Conf: kdc.hostKrb5ConfPath, ccache: `FILE:${cc}` });
    const tgt = await c.getTgt();
    expect(formatPrincipal(tgt.client)).toBe(kdc.user);
    const svc = await c.getServiceTicket(cifs(c));
    expect(formatPrincipal(svc.server)).toBe(kdc.servicePrincipal);
    // KRB5CCNAME is honoured too.
    const viaEnv = new KerberosClient({ krb5Conf: kdc.hostKrb5ConfPath, env: { KRB5CCNAME: `FILE:${cc}` } });
    expect(formatPrincipal((await viaEnv.getTgt()).client)).toBe(kdc.user);
  });

  it("writes a ccache that MIT's klist and kvno accept", async () => {
    const cc = join(kdc.dir, "ours.ccache");
    const c = client({ saveCcache: `FILE:${cc}` });
    await c.getServiceTicket(cifs(c));
    const list = await kdc.exec("klist", ["-e", "-c", `FILE:${cc}`]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`Default principal: ${kdc.user}`);
    expect(list.stdout).toContain(`krbtgt/${kdc.realm}@${kdc.realm}`);
    expect(list.stdout).toContain(kdc.servicePrincipal);
    // kvno uses our TGT for a fresh TGS exchange.
    const kvno = await kdc.exec("kvno", ["-c", `FILE:${cc}`, `host/${kdc.serviceHost}`]);
    expect(kvno.stderr).toMatch(/not found in Kerberos database/); // the TGT worked; host/ does not exist
  });

  it("reports a wrong password as KDC_ERR_PREAUTH_FAILED", async () => {
    const wrong = "Wr0ng-Secret-xyz";
    const err = await client({ credentials: { username: kdc.user, password: wrong } })
      .getTgt()
      .catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KDC_ERR_PREAUTH_FAILED");
    expect(err.errorCode).toBe(24);
    expect(err.code).toBe("ERR_SMB_AUTH_CREDENTIALS");
    expect(err.message).toMatch(/pre-authentication failed for alice@SMBJS\.TEST: wrong password/);
    expect(`${err.message} ${err.stack} ${inspect(err, { depth: 5 })}`).not.toContain(wrong);
  });

  it("reports an unknown user as KDC_ERR_C_PRINCIPAL_UNKNOWN", async () => {
    const err = await client({ credentials: { username: `nobody@${kdc.realm}`, password: "x" } })
      .getTgt()
      .catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KDC_ERR_C_PRINCIPAL_UNKNOWN");
    expect(err.message).toContain(`nobody@${kdc.realm}`);
  });

  it("reports an unknown service as KDC_ERR_S_PRINCIPAL_UNKNOWN", async () => {
    const c = client();
    const err = await c.getServiceTicket(c.servicePrincipal("cifs/no-such-host.smbjs.test")).catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KDC_ERR_S_PRINCIPAL_UNKNOWN");
    expect(err.message).toContain("cifs/no-such-host.smbjs.test");
  });

  it("reports a clock 1 h ahead as KRB_AP_ERR_SKEW when time sync is off", async () => {
    const c = client({ clock: () => Date.now() + 3600_000, timeSync: false });
    const err = await c.getTgt().catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KRB_AP_ERR_SKEW");
    expect(err.message).toMatch(/clock skew too great: the local clock is 60 min ahead of the KDC's/);
  });

  it("adopts the KDC's time after KRB_AP_ERR_SKEW when time sync is on (the default)", async () => {
    const c = client({ clock: () => Date.now() + 3600_000 });
    const tgt = await c.getTgt();
    expect(Math.abs(c.clockOffsetMs + 3600_000)).toBeLessThan(5_000);
    expect(Math.abs(tgt.authtime.getTime() - Date.now())).toBeLessThan(5_000);
    await c.getServiceTicket(cifs(c));
  });

  it("reports an expired TGT in a ccache as KRB_AP_ERR_TKT_EXPIRED", async () => {
    const cc = join(kdc.dir, "kinit-expired.ccache");
    await kdc.exec("kinit", ["-c", `FILE:${cc}`, kdc.user], { input: `${kdc.password}\n` });
    const c = new KerberosClient({
      krb5Conf: kdc.hostKrb5ConfPath,
      ccache: cc,
      clock: () => Date.now() + 2 * 86_400_000,
    });
    const err = await c.getTgt().catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KRB_AP_ERR_TKT_EXPIRED");
  });

  it("reports an unreachable KDC as KRB5_KDC_UNREACH", async () => {
    const err = await client({ kdc: "127.0.0.1:1" })
      .getTgt()
      .catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KRB5_KDC_UNREACH");
  });
});

describe("SMB sessions over Kerberos with a real smbd", () => {
  type ConnOptions = Partial<import("smb-client").ConnectionOptions>;
  type MechOptions = Parameters<typeof kerberos>[0];

  /** A Kerberos factory that remembers the mechanisms it creates (to inspect the session key source). */
  function factory(opts: MechOptions = {}) {
    const made: KerberosMechanism[] = [];
    const f = kerberos({
      krb5Conf: kdc.hostKrb5ConfPath,
      credentials: { username: kdc.user, password: kdc.password },
      ...opts,
    });
    const tracking = {
      ...f,
      name: f.name,
      oid: f.oid,
      create: (ctx: AuthContext) => {
        const m = f.create(ctx);
        made.push(m);
        return m;
      },
    };
    return { factory: tracking, made, base: f };
  }

  async function connect(conn: ConnOptions = {}) {
    const { Connection } = await import("smb-client");
    return Connection.connect({ host: kdc.serviceHost, address: smbd.host, port: smbd.port, ...conn });
  }

  const roundTrip = (s: import("smb-client").Session, share: string) =>
    smbRoundTrip(s, share, smbd.sharePath, "krb");

  it.each([
    ["3.1.1, signed", {}, "share", false],
    ["3.1.1, encrypted (AES-128-GCM)", {}, "share-encrypted", true],
    [
      "3.1.1, encrypted with AES-256-GCM (full 32-byte session key)",
      { ciphers: ["AES-256-GCM"] },
      "share-encrypted",
      true,
    ],
    ["3.0.2, signed (AES-CMAC)", { maxDialect: "3.0.2" }, "share", false],
    ["2.1, signed (HMAC-SHA256)", { maxDialect: "2.1" }, "share", false],
  ] as [string, ConnOptions, string, boolean][])(
    "writes and reads a file: %s",
    async (_, connOpts, share, encrypt) => {
      const conn = await connect(connOpts);
      try {
        const { factory: f, made } = factory();
        const mech = negotiate({ username: kdc.user }, { kerberos: f, ntlm: false }).create({
          targetName: kdc.serviceHost,
        });
        const s = await conn.authenticate(mech, { encrypt });
        expect(s.isGuest).toBe(false);
        // MS-KILE 3.4.5 / Samba: the acceptor subkey from the AP-REP is the session key.
        expect(made[0]?.sessionKeySource).toBe("acceptor-subkey");
        await roundTrip(s, share);
      } finally {
        await conn.close();
      }
    },
  );

  it.each([17, 18, 19, 20, 23])(
    "accepts a service ticket with a session key of enctype %i",
    async (enctype) => {
      const conn = await connect();
      try {
        const { factory: f, made } = factory({ enctypes: [enctype] });
        const mech = negotiate({ username: kdc.user }, { kerberos: f, ntlm: false }).create({
          targetName: kdc.serviceHost,
        });
        const s = await conn.authenticate(mech);
        expect(made[0]?.credential?.enctype).toBe(enctypeName(enctype));
        expect(made[0]?.sessionKeySource).toBe("acceptor-subkey");
        await roundTrip(s, "share");
      } finally {
        await conn.close();
      }
    },
  );

  it("works under the MS-KRB5 OID and as a raw KRB5 token (no SPNEGO)", async () => {
    const { base } = factory();
    for (const mech of [
      spnego([base.msAlias()]).create({ targetName: kdc.serviceHost }),
      base.create({ targetName: kdc.serviceHost }),
    ]) {
      const conn = await connect();
      try {
        await roundTrip(await conn.authenticate(mech), "share");
      } finally {
        await conn.close();
      }
    }
  });

  it("fails the signature check with any other key than the acceptor subkey", async () => {
    for (const wrong of ["initiator-subkey", "ticket"] as const) {
      const { base } = factory();
      const inner = base.create({ targetName: kdc.serviceHost });
      const proxy: AuthMechanism = {
        name: inner.name,
        oid: inner.oid,
        step: (input) => inner.step(input),
        get complete() {
          return inner.complete;
        },
        get sessionKey() {
          return inner.sessionKeyFrom(wrong);
        },
      };
      const conn = await connect();
      try {
        const err = await conn.authenticate(proxy).catch((e) => e);
        expect(err?.code, wrong).toBe("ERR_SMB_BAD_SIGNATURE");
      } finally {
        await conn.close();
      }
    }
  });

  it("authenticates with tickets from a kinit ccache, and with a clock 1 h off (KDC time adopted)", async () => {
    const cc = join(kdc.dir, "kinit-smb.ccache");
    await kdc.exec("kinit", ["-c", `FILE:${cc}`, kdc.user], { input: `${kdc.password}\n` });
    for (const opts of [
      { credentials: undefined, ccache: `FILE:${cc}` },
      { clock: () => Date.now() - 3600_000 },
    ] as MechOptions[]) {
      const { factory: f } = factory(opts);
      const conn = await connect();
      try {
        const mech = negotiate({ username: kdc.user }, { kerberos: f, ntlm: false }).create({
          targetName: kdc.serviceHost,
        });
        await roundTrip(await conn.authenticate(mech), "share");
      } finally {
        await conn.close();
      }
    }
  });
});
