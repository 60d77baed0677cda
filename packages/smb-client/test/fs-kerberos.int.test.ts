// SmbClient with auth: "kerberos" (and "negotiate" offering Kerberos) against a private MIT KDC and a
// Kerberos-only smbd (tools/kerberos/kdc.mjs, a network namespace reached through loopback relays).
// Connecting by IP needs the SPN override (kerberos.spn).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type KdcInstance, type KerberosSmbd, startKdc } from "../../../tools/kerberos/kdc.mjs";
import { SmbClient } from "../src/index.js";

const samba = inject("samba");
const canRun = !samba.external && process.getuid?.() === 0;

describe.skipIf(!canRun)("SmbClient over Kerberos", () => {
  let kdc: KdcInstance;
  let smbd: KerberosSmbd;
  beforeAll(async () => {
    kdc = await startKdc();
    smbd = await kdc.startSmbd();
  }, 180_000);
  afterAll(async () => {
    await kdc?.stop();
  });

  it("reads and writes with auth: kerberos (password, SPN override), tickets shared across sessions", async () => {
    const smb = new SmbClient({
      auth: "kerberos",
      username: kdc.user,
      password: kdc.password,
      port: smbd.port,
      kerberos: { krb5Conf: kdc.hostKrb5ConfPath, spn: `cifs/${kdc.serviceHost}` },
    });
    const base = `//${smbd.host}/${smbd.share}/krb-${process.pid}`;
    await smb.mkdir(base);
    await smb.writeFile(`${base}/k.txt`, "kerberized");
    expect(await smb.readFile(`${base}/k.txt`, "utf8")).toBe("kerberized");
    expect(await smb.readdir(base)).toEqual(["k.txt"]);
    const enc = `//${smbd.host}/share-encrypted/krb-${process.pid}.txt`;
    await smb.writeFile(enc, "sealed");
    expect(await smb.readFile(enc, "utf8")).toBe("sealed");
    await smb.unlink(enc);
    // A dropped connection re-authenticates with the cached ticket.
    smb.core.pool.liveConnections[0]!.pump.close();
    expect(await smb.readFile(`${base}/k.txt`, "utf8")).toBe("kerberized");
    await smb.rm(base, { recursive: true });
    await smb.close();
  });

  it("negotiate offers Kerberos first when Kerberos settings are given; a wrong password fails", async () => {
    const smb = new SmbClient({
      username: kdc.user,
      password: kdc.password,
      port: smbd.port,
      kerberos: { krb5Conf: kdc.hostKrb5ConfPath, spn: `cifs/${kdc.serviceHost}` },
    });
    expect((await smb.readdir(`//${smbd.host}/${smbd.share}`)).length).toBeGreaterThanOrEqual(0);
    await smb.close();
    const bad = new SmbClient({
      auth: "kerberos",
      username: kdc.user,
      password: "wrong",
      port: smbd.port,
      kerberos: { krb5Conf: kdc.hostKrb5ConfPath, spn: `cifs/${kdc.serviceHost}` },
    });
    const e = await bad.readdir(`//${smbd.host}/${smbd.share}`).catch((err) => err);
    expect(e).toBeInstanceOf(Error);
    expect(String(e.code)).toMatch(/AUTH|KRB|EACCES/);
    await bad.close();
  });
});
