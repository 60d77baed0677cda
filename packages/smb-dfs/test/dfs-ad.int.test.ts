// DFS against a real Samba AD DC (tools/samba-ad, its own network namespace, ~10-25 s to provision):
// domain referral, DC referrals (DNS and NetBIOS names), SYSVOL/NETLOGON referrals (v4,
// TargetSetBoundary, TTL 900), and the resolver following \\domain\SYSVOL to the DC, both with the
// engine and through SmbClient. Names like dc1.smb.test resolve only inside the namespace: the engine
// tests connect by name to the relay address; the SmbClient tests resolve the DC's names to 127.0.0.1
// in this process (dns.lookup, this test file's own worker) with the client's port on the relay.
import dns from "node:dns";
import { negotiate } from "smb-auth";
import { Connection, type ResolverContext, SmbClient, SmbError, type Tree } from "smb-client";
import { NtStatus } from "smb-structures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type AdDcInstance, ensureAdDcInstalled, startAdDc } from "../../../tools/samba-ad/dc.mjs";
import { dfs, getReferrals } from "../src/index.js";

const samba = inject("samba");
const canRun =
  process.getuid?.() === 0 && !samba.external && process.env.SMB_SKIP_AD_DC !== "1" && installed();

/** Installs samba-ad-dc/winbind with apt-get when missing; a machine that cannot skips (with the reason). */
function installed(): boolean {
  try {
    ensureAdDcInstalled();
    return true;
  } catch (err) {
    console.warn(`skipping the AD DC tests: ${(err as Error).message}`);
    return false;
  }
}
const GPO = "{31B2F340-016D-11D2-945F-00C04FB984F9}"; // the Default Domain Policy every domain has

describe.skipIf(!canRun)("DFS against a Samba AD DC", () => {
  let dc: AdDcInstance;
  const conns = new Map<string, Promise<{ conn: Connection; trees: Map<string, Promise<Tree>> }>>();
  const origLookup = dns.lookup;

  /** An engine-level ResolverContext: any server name reaches the DC relay (named as given). */
  function ctx(over: Partial<ResolverContext> = {}): ResolverContext {
    const get = (server: string) => {
      const k = server.toLowerCase();
      let c = conns.get(k);
      if (!c) {
        c = (async () => {
          const conn = await Connection.connect({ host: server, address: "127.0.0.1", port: dc.port });
          const mech = negotiate({ username: dc.username, password: dc.password, domain: dc.domain }).create({
            targetName: server,
          });
          await conn.authenticate(mech);
          return { conn, trees: new Map<string, Promise<Tree>>() };
        })();
        conns.set(k, c);
      }
      return c;
    };
    return {
      syscall: "open",
      signal: undefined,
      port: 445,
      domainController: undefined,
      domain: undefined,
      async tree(server, share) {
        const c = await get(server);
        let t = c.trees.get(share.toLowerCase());
        if (!t) {
          t = [...c.conn.sessions][0]!.connectTree(share);
          c.trees.set(share.toLowerCase(), t);
        }
        return t;
      },
      async session(server) {
        return [...(await get(server)).conn.sessions][0]!;
      },
      ...over,
    };
  }

  beforeAll(async () => {
    dc = await startAdDc({ realm: "SMB.TEST", domain: "SMB", hostName: "dc1" });
    // For SmbClient: the DC's names (only known inside the namespace) resolve to the relay's address.
    const names = new Set([dc.dcName, dc.dnsDomain, "dc1", dc.domain.toLowerCase()]);
    const patched = ((host: string, opts: unknown, cb: unknown) => {
      const callback = (typeof opts === "function" ? opts : cb) as (...a: unknown[]) => void;
      const o = (typeof opts === "object" && opts) || {};
      if (names.has(host.toLowerCase())) {
        if ((o as { all?: boolean }).all) return callback(null, [{ address: "127.0.0.1", family: 4 }]);
        return callback(null, "127.0.0.1", 4);
      }
      return (origLookup as (...a: unknown[]) => void)(host, opts, cb);
    }) as typeof dns.lookup;
    dns.lookup = patched;
  }, 180_000);

  afterAll(async () => {
    dns.lookup = origLookup;
    for (const c of conns.values()) await (await c.catch(() => undefined))?.conn.close();
    await dc?.stop();
  });

  it("domain referral: the domain's NetBIOS and DNS names (v3 name list, TTL 600)", async () => {
    const r = await getReferrals(await ctx().tree(dc.dcName, "IPC$"), "");
    expect(r.kind).toBe("domain");
    expect(r.version).toBe(3);
    expect(r.ttl).toBe(600);
    expect(r.nameList?.map((n) => n.specialName)).toEqual(["\\SMB", "\\smb.test"]);
  });

  it("DC referrals: DNS name -> FQDN of the DC, NetBIOS name -> NetBIOS DC name (no leading \\ in SpecialName)", async () => {
    const ipc = await ctx().tree(dc.dcName, "IPC$");
    const byDns = await getReferrals(ipc, "\\SMB.TEST");
    expect(byDns).toMatchObject({ kind: "dc", specialName: "SMB.TEST", expandedNames: ["\\dc1.smb.test"] });
    const byNetbios = await getReferrals(ipc, "\\SMB");
    expect(byNetbios).toMatchObject({ kind: "dc", specialName: "SMB", expandedNames: ["\\DC1"] });
    const unknown = await getReferrals(ipc, "\\other.test").catch((e) => e);
    expect(SmbError.is(unknown, NtStatus.STATUS_INVALID_PARAMETER)).toBe(true);
  });

  it("SYSVOL and NETLOGON referrals: v4, TargetSetBoundary, TTL 900 (v3 without them at level 3)", async () => {
    const ipc = await ctx().tree(dc.dcName, "IPC$");
    const sysvol = await getReferrals(ipc, "\\smb.test\\sysvol");
    expect(sysvol).toMatchObject({ kind: "sysvol", version: 4, ttl: 900, dfsPath: "\\smb.test\\sysvol" });
    expect(sysvol.response.referralEntries[0]!.referralEntryFlags & 0x4).toBe(0x4);
    expect(sysvol.targets).toEqual([
      {
        address: "\\dc1.smb.test\\sysvol",
        server: "dc1.smb.test",
        share: "sysvol",
        path: "",
        set: 0,
        isRoot: false,
      },
    ]);
    const netlogon = await getReferrals(ipc, "\\SMB\\NETLOGON");
    expect(netlogon).toMatchObject({ kind: "sysvol", version: 4, ttl: 900 });
    expect(netlogon.targets[0]).toMatchObject({ server: "DC1", share: "NETLOGON" });
    const v3 = await getReferrals(ipc, "\\smb.test\\sysvol", { maxLevel: 3 });
    expect(v3).toMatchObject({ kind: "sysvol", version: 3, ttl: 600 });
    // Only the share itself is answered; a longer path is STATUS_NOT_FOUND.
    const deep = await getReferrals(ipc, "\\smb.test\\sysvol\\smb.test\\Policies").catch((e) => e);
    expect(SmbError.is(deep, NtStatus.STATUS_NOT_FOUND)).toBe(true);
  });

  it("domain, DC and SYSVOL requests below level 3 are STATUS_UNSUCCESSFUL; _EX is refused", async () => {
    const ipc = await ctx().tree(dc.dcName, "IPC$");
    for (const p of ["", "\\SMB.TEST", "\\smb.test\\sysvol"]) {
      const err = await getReferrals(ipc, p, { maxLevel: 2 }).catch((e) => e);
      expect(SmbError.is(err, NtStatus.STATUS_UNSUCCESSFUL)).toBe(true);
    }
    const ex = await getReferrals(ipc, "\\smb.test\\sysvol", { ex: true }).catch((e) => e);
    expect(SmbError.is(ex, NtStatus.STATUS_FS_DRIVER_REQUIRED)).toBe(true);
  });

  it("resolver: \\\\smb.test\\sysvol\\... -> domain referral, DC referral, SYSVOL referral -> the DC", async () => {
    const r = dfs({ domainController: dc.dcName });
    const c = ctx();
    const cands = await r.resolve({ server: "smb.test", share: "SYSVOL", path: "smb.test\\Policies" }, c);
    // Samba echoes the request's spelling of the share in the target.
    expect(cands).toEqual([{ server: "dc1.smb.test", share: "SYSVOL", path: "smb.test\\Policies" }]);
    expect(r.domains.isDomain("SMB")).toBe(true);
    expect(r.domains.dcs("smb.test")).toEqual(["dc1.smb.test"]);
    // The candidate works: list the Policies folder on the DC.
    const tree = await c.tree(cands[0]!.server, cands[0]!.share);
    const dir = await tree.create(cands[0]!.path, { desiredAccess: 0x00100081 });
    const names: string[] = [];
    for await (const batch of dir.listDirectory()) for (const e of batch) names.push(e.fileName);
    await dir.close();
    expect(names).toContain(GPO);
    // NetBIOS spelling: DC referral for SMB gives DC1.
    const nb = await r.resolve({ server: "SMB", share: "NETLOGON", path: "" }, c);
    expect(nb).toEqual([{ server: "DC1", share: "NETLOGON", path: "" }]);
  });

  it("resolver without a configured DC: the credentials' domain is asked as a DC", async () => {
    const r = dfs();
    const cands = await r.resolve(
      { server: "smb.test", share: "sysvol", path: "x" },
      ctx({ domain: "smb.test" }),
    );
    expect(cands).toEqual([{ server: "dc1.smb.test", share: "sysvol", path: "x" }]);
  });

  describe("through SmbClient (pathResolver: dfs(), domainController)", () => {
    let client: SmbClient;
    beforeAll(() => {
      client = new SmbClient({
        port: dc.port,
        username: dc.username,
        password: dc.password,
        domain: dc.domain,
        domainController: dc.dcName,
        pathResolver: dfs(),
      });
    });
    afterAll(async () => {
      await client?.close();
    });

    it("readdir, stat and readFile of \\\\smb.test\\SYSVOL\\smb.test\\Policies\\<Default Domain Policy>", async () => {
      const base = `//smb.test/SYSVOL/smb.test/Policies`;
      expect(await client.readdir(base)).toContain(GPO);
      const st = await client.stat(`${base}/${GPO}/GPT.INI`);
      expect(st.isFile()).toBe(true);
      const ini = await client.readFile(`${base}/${GPO}/GPT.INI`, "latin1");
      expect(ini).toMatch(/\[General\]/);
      expect(ini.length).toBe(st.size);
    });

    it("NETLOGON through the NetBIOS domain name", async () => {
      expect(await client.readdir("//SMB/NETLOGON")).toEqual([]);
      expect((await client.stat("//SMB/NETLOGON")).isDirectory()).toBe(true);
    });

    it("rename inside SYSVOL through the domain path (both sides resolved)", async () => {
      const base = "//smb.test/sysvol/smb.test/scripts";
      await client.writeFile(`${base}/dfs-a.txt`, "a");
      await client.rename(`${base}/dfs-a.txt`, `//SMB.TEST/SYSVOL/smb.test/scripts/dfs-b.txt`);
      expect(await client.readFile(`//SMB/NETLOGON/dfs-b.txt`, "utf8")).toBe("a");
      await client.unlink(`${base}/dfs-b.txt`);
    });
  });
});
