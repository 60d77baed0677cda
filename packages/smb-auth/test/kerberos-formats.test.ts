// MIT file formats (ccache v3/v4, keytab v2), krb5.conf parsing, principal names.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CcacheCredential,
  formatPrincipal,
  KerberosError,
  KerberosKey,
  parseCcache,
  parseKeytab,
  parseKrb5Conf,
  parsePrincipal,
  readCcache,
  resolveCcachePath,
  serializeCcache,
  serializeKeytab,
  writeCcache,
} from "../src/kerberos/index.js";
import {
  defaultRealm,
  kdcsForRealm,
  libdefault,
  loadKrb5Conf,
  parseKdcAddress,
  realmForHost,
} from "../src/kerberos/krb5conf.js";
import { encodeTicket, NameType } from "../src/kerberos/messages.js";
import { defaultSalt, samePrincipal } from "../src/kerberos/principal.js";

const dir = mkdtempSync(join(tmpdir(), "smbjs-krb-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alice = parsePrincipal("alice@EXAMPLE.COM");
const tgs = parsePrincipal("krbtgt/EXAMPLE.COM@EXAMPLE.COM");
const ticket = encodeTicket({
  realm: "EXAMPLE.COM",
  sname: tgs.name,
  encPart: { etype: 18, kvno: 1, cipher: Buffer.alloc(40, 7) },
});

function credential(over: Partial<CcacheCredential> = {}): CcacheCredential {
  const key = new KerberosKey(18, Buffer.alloc(32, 0x42));
  return {
    client: alice,
    server: tgs,
    key,
    keytype: 18,
    authtime: new Date("2026-01-02T03:04:05Z"),
    starttime: new Date("2026-01-02T03:04:05Z"),
    endtime: new Date("2026-01-02T13:04:05Z"),
    renewTill: new Date("2026-01-09T03:04:05Z"),
    isSkey: false,
    flags: 0x40e10000,
    ticket,
    secondTicket: Buffer.alloc(0),
    isConfig: false,
    ...over,
  };
}

describe("principal names", () => {
  it("parses realms, components and escapes", () => {
    expect(parsePrincipal("cifs/host.example.com@EXAMPLE.COM")).toEqual({
      realm: "EXAMPLE.COM",
      name: { nameType: NameType.SRV_INST, names: ["cifs", "host.example.com"] },
    });
    expect(parsePrincipal("bob", "DEFAULT.REALM").realm).toBe("DEFAULT.REALM");
    const odd = parsePrincipal("a\\/b\\@c@R");
    expect(odd.name.names).toEqual(["a/b@c"]);
    expect(formatPrincipal(odd)).toBe("a\\/b\\@c@R");
    expect(() => parsePrincipal("bob")).toThrow(KerberosError);
    expect(() => parsePrincipal("a//b@R")).toThrow(/malformed/);
    expect(defaultSalt(parsePrincipal("host/h.example.com@EXAMPLE.COM"))).toBe(
      "EXAMPLE.COMhosth.example.com",
    );
    expect(samePrincipal(alice, { realm: "EXAMPLE.COM", name: { nameType: 0, names: ["alice"] } })).toBe(
      true,
    );
  });
});

describe("credential cache (MIT format 4 and 3)", () => {
  it("round-trips a v4 cache with a KDC time offset", () => {
    const creds = [credential(), credential({ server: parsePrincipal("cifs/srv.example.com@EXAMPLE.COM") })];
    const bytes = serializeCcache({ primary: alice, credentials: creds, kdcOffsetMs: -3_600_250 });
    expect(bytes.readUInt16BE(0)).toBe(0x0504);
    const back = parseCcache(bytes);
    expect(back.version).toBe(4);
    expect(back.kdcOffsetMs).toBe(-3_600_250);
    expect(formatPrincipal(back.primary)).toBe("alice@EXAMPLE.COM");
    expect(back.credentials).toHaveLength(2);
    const c = back.credentials[0]!;
    expect(formatPrincipal(c.server)).toBe("krbtgt/EXAMPLE.COM@EXAMPLE.COM");
    expect(c.key?.equals(creds[0]!.key!)).toBe(true);
    expect(c.endtime.toISOString()).toBe("2026-01-02T13:04:05.000Z");
    expect(c.renewTill?.toISOString()).toBe("2026-01-09T03:04:05.000Z");
    expect(c.flags).toBe(0x40e10000);
    expect(c.ticket.equals(ticket)).toBe(true);
    expect(serializeCcache(back)).toEqual(bytes);
  });

  it("reads format 3 (no header, enctype stored twice) and skips configuration entries", () => {
    const v4 = serializeCcache({ primary: alice, credentials: [credential()], kdcOffsetMs: undefined });
    // v4 with an empty header is: 05 04 | 00 00 | principal | credentials. Build the v3 equivalent by hand.
    const principalAndCreds = v4.subarray(4);
    const body = Buffer.from(principalAndCreds);
    // Find the keyblock (enctype 0x0012 followed by the 32-bit length 32) and repeat the enctype.
    const at = body.indexOf(Buffer.from([0x00, 0x12, 0x00, 0x00, 0x00, 0x20]));
    expect(at).toBeGreaterThan(0);
    const v3 = Buffer.concat([
      Buffer.from([0x05, 0x03]),
      body.subarray(0, at + 2),
      Buffer.from([0x00, 0x12]),
      body.subarray(at + 2),
    ]);
    const back = parseCcache(v3);
    expect(back.version).toBe(3);
    expect(back.credentials[0]?.key?.enctype).toBe(18);

    const conf = credential({
      server: { realm: "X-CACHECONF:", name: { nameType: 0, names: ["krb5_ccache_conf_data", "pa_type"] } },
    });
    const withConf = parseCcache(
      serializeCcache({ primary: alice, credentials: [conf, credential()], kdcOffsetMs: undefined }),
    );
    expect(withConf.credentials.map((x) => x.isConfig)).toEqual([true, false]);
  });

  it("keeps credentials of unknown enctypes without a key", () => {
    const bytes = serializeCcache({ primary: alice, credentials: [credential()], kdcOffsetMs: undefined });
    const at = bytes.indexOf(Buffer.from([0x00, 0x12, 0x00, 0x00, 0x00, 0x20]));
    bytes.writeUInt16BE(26, at); // camellia256-cts-cmac
    const c = parseCcache(bytes).credentials[0]!;
    expect(c.keytype).toBe(26);
    expect(c.key).toBeUndefined();
  });

  it("rejects truncated or foreign files with KRB5_CC_FORMAT", () => {
    const bytes = serializeCcache({ primary: alice, credentials: [credential()], kdcOffsetMs: undefined });
    for (const bad of [
      bytes.subarray(0, bytes.length - 3),
      bytes.subarray(0, 1),
      Buffer.from([0x05, 0x01, 0, 0]),
    ]) {
      const err = (() => {
        try {
          parseCcache(bad);
        } catch (e) {
          return e;
        }
      })() as KerberosError;
      expect(err).toBeInstanceOf(KerberosError);
      expect(err.krbCode).toBe("KRB5_CC_FORMAT");
    }
  });

  it("resolves names and writes files with mode 0600", () => {
    expect(resolveCcachePath("FILE:/tmp/x")).toBe("/tmp/x");
    expect(resolveCcachePath(undefined, { KRB5CCNAME: "FILE:/tmp/y" })).toBe("/tmp/y");
    expect(resolveCcachePath(undefined, {})).toBe(`/tmp/krb5cc_${process.getuid?.() ?? 0}`);
    expect(() => resolveCcachePath("KEYRING:persistent:0")).toThrow(/KEYRING: is not supported/);
    const path = join(dir, "cc");
    writeCcache(`FILE:${path}`, { primary: alice, credentials: [credential()], kdcOffsetMs: undefined });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(formatPrincipal(readCcache(path).primary)).toBe("alice@EXAMPLE.COM");
    expect(() => readCcache(join(dir, "missing"))).toThrow(/no credential cache found/);
  });
});

describe("keytab (format 0x502)", () => {
  const entry = (enctype: number, kvno: number, size: number) => ({
    principal: alice,
    timestamp: new Date("2026-01-01T00:00:00Z"),
    kvno,
    enctype,
    key: new KerberosKey(enctype, Buffer.alloc(size, kvno)),
  });

  it("round-trips entries, with the 32-bit kvno overriding the 8-bit one", () => {
    const bytes = serializeKeytab([entry(18, 300, 32), entry(23, 2, 16)]);
    const back = parseKeytab(bytes);
    expect(back.map((e) => [e.enctype, e.kvno])).toEqual([
      [18, 300],
      [23, 2],
    ]);
    expect(back[0]?.key?.equals(entry(18, 300, 32).key)).toBe(true);
    expect(formatPrincipal(back[1]!.principal)).toBe("alice@EXAMPLE.COM");
  });

  it("skips holes (negative sizes) and reads entries without the trailing kvno", () => {
    const one = serializeKeytab([entry(17, 5, 16)]);
    const body = one.subarray(2 + 4, one.length - 4); // entry without its 32-bit kvno
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const hole = Buffer.alloc(4 + 10);
    hole.writeInt32BE(-10);
    const file = Buffer.concat([Buffer.from([5, 2]), hole, size, body]);
    const back = parseKeytab(file);
    expect(back).toHaveLength(1);
    expect(back[0]?.kvno).toBe(5);
  });

  it("rejects other versions and truncated entries with typed errors", () => {
    expect(() => parseKeytab(Buffer.from([5, 1]))).toThrow(/unsupported keytab version/);
    const bytes = serializeKeytab([entry(18, 1, 32)]);
    expect(() => parseKeytab(bytes.subarray(0, bytes.length - 5))).toThrow(KerberosError);
  });
});

describe("krb5.conf", () => {
  const text = `
# comment
[libdefaults]
  default_realm = EXAMPLE.COM
  default_tgs_enctypes = aes256-cts aes128-cts
  kdc_timesync = 0
; another comment
[realms]
  EXAMPLE.COM = {
    kdc = kdc1.example.com
    kdc = tcp/kdc2.example.com:8888
    kdc = [2001:db8::1]:88
    kdc = https://proxy.example.com/KdcProxy
    admin_server = kdc1.example.com
    auth_to_local = {
      nested = yes
    }
  }
  OTHER.ORG = {
    kdc = 10.0.0.1:750
  }

[domain_realm]
  .example.com = EXAMPLE.COM
  special.example.com = OTHER.ORG
  .other.org = OTHER.ORG
`;

  it("reads libdefaults, KDC lists and the domain_realm mapping", () => {
    const conf = parseKrb5Conf(text);
    expect(defaultRealm(conf)).toBe("EXAMPLE.COM");
    expect(libdefault(conf, "default_tgs_enctypes")).toBe("aes256-cts aes128-cts");
    expect(kdcsForRealm(conf, "EXAMPLE.COM")).toEqual([
      { host: "kdc1.example.com", port: 88 },
      { host: "kdc2.example.com", port: 8888 },
      { host: "2001:db8::1", port: 88 },
    ]);
    expect(kdcsForRealm(conf, "OTHER.ORG")).toEqual([{ host: "10.0.0.1", port: 750 }]);
    expect(kdcsForRealm(conf, "NOPE")).toEqual([]);
    expect(realmForHost(conf, "srv.example.com")).toBe("EXAMPLE.COM");
    expect(realmForHost(conf, "a.b.example.com")).toBe("EXAMPLE.COM");
    expect(realmForHost(conf, "SPECIAL.example.com.")).toBe("OTHER.ORG");
    expect(realmForHost(conf, "example.com")).toBeUndefined();
    expect(realmForHost(conf, "host.elsewhere.net")).toBeUndefined();
  });

  it("follows include and includedir, and reports syntax errors with the line", () => {
    const inc = join(dir, "inc.d");
    mkdirSync(inc, { recursive: true });
    writeFileSync(join(inc, "realm.conf"), "[realms]\n ZED.ORG = {\n  kdc = zed:1\n }\n");
    writeFileSync(join(inc, "ignored~"), "garbage {{{");
    writeFileSync(join(dir, "extra.conf"), "[libdefaults]\n clockskew = 600\n");
    const main = join(dir, "krb5.conf");
    writeFileSync(
      main,
      `include ${join(dir, "extra.conf")}\nincludedir ${inc}\n[libdefaults]\n default_realm = ZED.ORG\n`,
    );
    const conf = loadKrb5Conf(main);
    expect(libdefault(conf, "clockskew")).toBe("600");
    expect(kdcsForRealm(conf, "ZED.ORG")).toEqual([{ host: "zed", port: 1 }]);
    expect(defaultRealm(conf)).toBe("ZED.ORG");
    expect(() => parseKrb5Conf("[realms]\n X = {\n  kdc = a\n", "bad.conf")).toThrow(/bad.conf: missing "}"/);
    expect(() => parseKrb5Conf("kdc = a\n", "bad.conf")).toThrow(/bad.conf:1: relation outside/);
    expect(() => loadKrb5Conf(join(dir, "does-not-exist"))).toThrow(KerberosError);
    expect(loadKrb5Conf(undefined, { KRB5_CONFIG: join(dir, "does-not-exist") }).files).toEqual([]);
  });

  it("parses KDC addresses", () => {
    expect(parseKdcAddress("udp/kdc:99")).toEqual({ host: "kdc", port: 99 });
    expect(parseKdcAddress("kdc:0")).toBeUndefined();
    expect(parseKdcAddress("kkdcp https://x")).toBeUndefined();
  });
});
