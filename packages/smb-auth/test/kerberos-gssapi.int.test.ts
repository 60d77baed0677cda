import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KdcInstance, type KerberosSmbd, startKdc } from "../../../tools/kerberos/kdc.mjs";
import { AuthError } from "../src/errors.js";
import { isSystemKerberosAvailable, systemKerberos } from "../src/kerberos/system-gssapi.js";
import { negotiate } from "../src/spnego/mechanism.js";
import { smbRoundTrip } from "./helpers/smb-round-trip.js";

const available = isSystemKerberosAvailable();
if (!available) {
  console.warn(
    "kerberos-gssapi.int.test.ts: skipped, the GSS-API addon is not built " +
      "(apt-get install libkrb5-dev && pnpm --filter smb-auth run build:gssapi)",
  );
}

describe.skipIf(!available)("system GSS-API Kerberos (native addon) with a real KDC and smbd", () => {
  let kdc: KdcInstance;
  let smbd: KerberosSmbd;
  let ccache: string;
  const savedEnv = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME };

  beforeAll(async () => {
    kdc = await startKdc();
    smbd = await kdc.startSmbd();
    ccache = `FILE:${join(kdc.dir, "gssapi.ccache")}`;
    const r = await kdc.exec("kinit", ["-c", ccache, kdc.user], { input: `${kdc.password}\n` });
    expect(r.code, r.stderr).toBe(0);
    // libkrb5 reads these when each GSS call creates its krb5 context.
    process.env.KRB5_CONFIG = kdc.hostKrb5ConfPath;
    process.env.KRB5CCNAME = ccache;
  }, 120_000);

  afterAll(async () => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await kdc?.stop();
  });

  async function connect(conn: Partial<import("smb-client").ConnectionOptions> = {}) {
    const { Connection } = await import("smb-client");
    return Connection.connect({ host: kdc.serviceHost, address: smbd.host, port: smbd.port, ...conn });
  }

  const roundTrip = (s: import("smb-client").Session, share: string) =>
    smbRoundTrip(s, share, smbd.sharePath, "gss");

  it.each([
    ["the library's SPNEGO, signed", { mech: "spnego" }, "share", false],
    ["the library's SPNEGO, encrypted (AES-128-GCM)", { mech: "spnego" }, "share-encrypted", true],
    [
      "raw KRB5 tokens, encrypted with AES-256-GCM",
      { mech: "krb5", ciphers: ["AES-256-GCM"] },
      "share-encrypted",
      true,
    ],
    [
      "KRB5 inside our negotiate(), explicit ccache, signed",
      { mech: "krb5", ccache: true, ours: true },
      "share",
      false,
    ],
  ] as [
    string,
    { mech: "spnego" | "krb5"; ciphers?: string[]; ccache?: boolean; ours?: boolean },
    string,
    boolean,
  ][])("SMB 3.1.1 session: %s; writes and reads a file", async (_, o, share, encrypt) => {
    const conn = await connect(o.ciphers ? ({ ciphers: o.ciphers } as never) : {});
    try {
      const f = systemKerberos({ mech: o.mech, ccache: o.ccache ? ccache : undefined });
      const ctx = { targetName: kdc.serviceHost };
      const mech = o.ours
        ? negotiate({ username: kdc.user }, { kerberos: f, ntlm: false }).create(ctx)
        : f.create(ctx);
      const s = await conn.authenticate(mech, { encrypt });
      expect(s.isGuest).toBe(false);
      expect(mech.complete).toBe(true);
      // The GSS session key (the acceptor subkey: aes256 -> 32 bytes).
      expect(mech.sessionKey?.length).toBe(32);
      await roundTrip(s, share);
    } finally {
      await conn.close();
    }
  });

  it("reports missing credentials with the GSS status text", async () => {
    const f = systemKerberos({ ccache: `FILE:${join(kdc.dir, "no-such.ccache")}` });
    const mech = f.create({ targetName: kdc.serviceHost });
    const err = await mech.step().catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.code).toBe("ERR_SMB_AUTH_CREDENTIALS");
    expect(err.message).toMatch(/gss_acquire_cred_from failed: .*No credentials/i);
  });

  it("reports an unknown service principal from the KDC", async () => {
    const mech = systemKerberos().create({ targetName: "no-such-host.smbjs.test" });
    const err = await mech.step().catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/gss_init_sec_context failed: .*not found in Kerberos database/);
  });
});

// Runs even without the addon.
it("throws a clear AuthError when the addon is absent", () => {
  const err = (() => {
    try {
      systemKerberos({ addonPath: join(tmpdir(), "smb-gssapi-missing.node") });
    } catch (e) {
      return e as AuthError;
    }
  })();
  expect(err).toBeInstanceOf(AuthError);
  expect(err?.code).toBe("ERR_SMB_AUTH_NO_MECH");
  expect(err?.message).toContain("pnpm --filter smb-auth run build:gssapi");
  expect(err?.message).toContain("libkrb5-dev");
});
