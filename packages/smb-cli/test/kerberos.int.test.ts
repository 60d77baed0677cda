// smb -k against a private MIT KDC and a Kerberos-only smbd (tools/kerberos/kdc.mjs): with a password,
// and with a credential cache from kinit (KRB5CCNAME), connecting by IP with --spn.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type KdcInstance, type KerberosSmbd, startKdc } from "../../../tools/kerberos/kdc.mjs";
import { cliBinary, runSmb } from "./helpers/cli.js";

const samba = inject("samba");
const canRun = !samba.external && process.getuid?.() === 0;

describe.skipIf(!canRun)("smb -k (Kerberos)", () => {
  let kdc: KdcInstance;
  let smbd: KerberosSmbd;
  let bin = "";
  let tmp = "";
  beforeAll(async () => {
    bin = await cliBinary();
    tmp = mkdtempSync(join(tmpdir(), "smb-cli-krb-"));
    // The lab shares the machine with other suites' namespaces: one more try if starting it fails.
    for (let attempt = 1; ; attempt++) {
      try {
        kdc = await startKdc();
        smbd = await kdc.startSmbd();
        break;
      } catch (err) {
        await kdc?.stop().catch(() => {});
        if (attempt >= 2) throw err;
      }
    }
  }, 180_000);
  afterAll(async () => {
    await kdc?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const smb = (args: string[], env: Record<string, string>) =>
    runSmb(bin, ["--port", String(smbd.port), "-k", "--spn", `cifs/${kdc.serviceHost}`, ...args], {
      env: { KRB5_CONFIG: kdc.hostKrb5ConfPath, ...env },
    });

  it("authenticates with a password (SMB_USER / SMB_PASSWORD) and reports it in info", async () => {
    const env = { SMB_USER: kdc.user, SMB_PASSWORD: kdc.password };
    const base = `//${smbd.host}/${smbd.share}/krb-cli-${process.pid}`;
    const r = await smb(["mkdir", base], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const put = await runSmb(
      bin,
      ["--port", String(smbd.port), "-k", "--spn", `cifs/${kdc.serviceHost}`, "put", "-", `${base}/k.txt`],
      { env: { KRB5_CONFIG: kdc.hostKrb5ConfPath, ...env }, input: "kerberized" },
    );
    expect(put.code, put.stderr).toBe(0);
    expect((await smb(["cat", `${base}/k.txt`], env)).stdout).toBe("kerberized");
    const info = JSON.parse((await smb(["info", "--json", smbd.host], env)).stdout);
    expect(info.session).toMatchObject({ anonymous: false, guest: false });
    expect((await smb(["rm", "-r", base], env)).code).toBe(0);
    const bad = await smb(["ls", `//${smbd.host}/${smbd.share}`], { ...env, SMB_PASSWORD: "wrong" });
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("uses the credential cache when no password is given", async () => {
    const ccache = join(tmp, "ccache");
    const k = await kdc.exec("kinit", [kdc.user], {
      env: { KRB5CCNAME: `FILE:${ccache}` },
      input: `${kdc.password}\n`,
    });
    expect(k.code, k.stderr).toBe(0);
    const r = await smb(["ls", `//${smbd.host}/${smbd.share}`], { KRB5CCNAME: `FILE:${ccache}` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
