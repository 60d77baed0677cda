// DfsResolver against a fake set of servers: PATH_NOT_COVERED referrals, failover hints, chained links,
// domain namespaces (domain -> DC -> root -> link) and SYSVOL, eager resolution for rename destinations,
// TargetFailback on refresh, TTL expiry, skipDfs, ports.
import { NtStatus } from "smb-structures";
import { describe, expect, it } from "vitest";
import { DfsResolver, dfs, parseHostPort } from "../src/index.js";
import { FakeWorld, link, nameList, PNC, p, show } from "./helpers/fake-world.js";

describe("DfsResolver (standalone namespace)", () => {
  function world() {
    const w = new FakeWorld();
    w.server("srv", {
      shares: { root: true, plain: false },
      referrals: {
        "\\srv\\root\\docs\\a\\b.txt": link("\\srv\\root\\docs", ["\\fs1\\docs", "\\fs2\\docs\\mirror"]),
        "\\srv\\root\\docs": link("\\srv\\root\\docs", ["\\fs1\\docs", "\\fs2\\docs\\mirror"]),
        "\\srv\\root\\docs\\new.txt": link("\\srv\\root\\docs", ["\\fs1\\docs", "\\fs2\\docs\\mirror"]),
        "\\srv\\root\\chain\\x": link("\\srv\\root\\chain", ["\\srv\\root\\docs"]),
      },
    });
    w.server("fs1", { shares: { docs: false } });
    w.server("fs2", { shares: { docs: false } });
    return w;
  }

  it("a path is its own candidate until the server says PATH_NOT_COVERED; then the referral's targets", async () => {
    const w = world();
    const r = dfs();
    const ctx = w.ctx({ port: 1445 });
    const path = p("srv", "root", "docs\\a\\b.txt", 1445);
    expect(show(await r.resolve(path, ctx))).toEqual(["srv/root/docs/a/b.txt:1445"]);
    expect(w.requests).toEqual([]);
    const next = await r.refer(path, ctx, PNC());
    expect(show(next)).toEqual(["fs1/docs/a/b.txt:1445", "fs2/docs/mirror/a/b.txt:1445"]);
    expect(w.requests).toEqual(["srv:\\srv\\root\\docs\\a\\b.txt"]);
    expect(w.trees).toEqual(["srv:1445/IPC$"]);
    // Cached now: any path below the link resolves without asking, in any case.
    expect(show(await r.resolve(p("SRV", "Root", "DOCS\\c"), ctx))).toEqual([
      "fs1/docs/c",
      "fs2/docs/mirror/c",
    ]);
    expect(w.requests).toHaveLength(1);
  });

  it("keeps no port when the caller named none (the client's port applies)", async () => {
    const w = world();
    const r = dfs();
    const next = await r.refer(p("srv", "root", "docs"), w.ctx(), PNC());
    expect(next.every((c) => c.port === undefined)).toBe(true);
    expect(w.trees).toEqual(["srv:/IPC$"]);
  });

  it("a failed target moves the hint: the next call starts with the target that worked", async () => {
    const w = world();
    const r = dfs();
    const ctx = w.ctx();
    const path = p("srv", "root", "docs\\a\\b.txt");
    const [first, second] = await r.refer(path, ctx, PNC());
    r.targetFailed(path, first!, new Error("ECONNREFUSED"), ctx);
    expect(show(await r.resolve(p("srv", "root", "docs\\z"), ctx))).toEqual([
      "fs2/docs/mirror/z",
      "fs1/docs/z",
    ]);
    // Both targets failed: the referral is dropped, the next call goes to the namespace server again.
    r.targetFailed(path, second!, new Error("ECONNREFUSED"), ctx);
    expect(show(await r.resolve(p("srv", "root", "docs\\z"), ctx))).toEqual(["srv/root/docs/z"]);
    const again = await r.refer(p("srv", "root", "docs"), ctx, PNC());
    expect(show(again)).toEqual(["fs1/docs", "fs2/docs/mirror"]);
  });

  it("chained link: a target under another cached link is expanded through it", async () => {
    const w = world();
    const r = dfs();
    const ctx = w.ctx();
    await r.refer(p("srv", "root", "docs"), ctx, PNC());
    const next = await r.refer(p("srv", "root", "chain\\x"), ctx, PNC());
    expect(show(next)).toEqual(["fs1/docs/x", "fs2/docs/mirror/x"]);
  });

  it("not a DFS path (STATUS_NOT_FOUND / OBJECT_PATH_NOT_FOUND): refer gives [] and the call keeps its error", async () => {
    const w = world();
    w.servers.get("srv")!.referrals["\\srv\\root\\plain\\f"] = NtStatus.STATUS_OBJECT_PATH_NOT_FOUND;
    const r = dfs();
    expect(await r.refer(p("srv", "root", "plain\\f"), w.ctx(), PNC())).toEqual([]);
    expect(await r.refer(p("srv", "plain", "x"), w.ctx(), PNC())).toEqual([]);
  });

  it("a referral pointing back at the refused path gives [] (no loop)", async () => {
    const w = world();
    w.servers.get("srv")!.referrals["\\srv\\root\\self"] = link("\\srv\\root\\self", ["\\srv\\root\\self"]);
    expect(await dfs().refer(p("srv", "root", "self"), w.ctx(), PNC())).toEqual([]);
  });

  it("concurrent referrals for one path share one request", async () => {
    const w = world();
    const r = dfs();
    const ctx = w.ctx();
    const path = p("srv", "root", "docs");
    const all = await Promise.all([1, 2, 3, 4].map(() => r.refer(path, ctx, PNC())));
    expect(all.every((c) => c.length === 2)).toBe(true);
    expect(w.requests).toHaveLength(1);
  });

  it("rename destinations on a DFS share are resolved eagerly (the destination is never opened)", async () => {
    const w = world();
    const r = dfs();
    const dest = p("srv", "root", "docs\\new.txt");
    expect(show(await r.resolve(dest, w.ctx({ syscall: "rename" })))).toEqual([
      "fs1/docs/new.txt",
      "fs2/docs/mirror/new.txt",
    ]);
    // Not on a DFS share, or not under a link: no cache entry, the path itself.
    expect(show(await r.resolve(p("fs1", "docs", "y"), w.ctx({ syscall: "rename" })))).toEqual([
      "fs1/docs/y",
    ]);
    w.servers.get("srv")!.referrals["\\srv\\root\\plain-dir\\y"] = NtStatus.STATUS_OBJECT_PATH_NOT_FOUND;
    expect(show(await r.resolve(p("srv", "root", "plain-dir\\y"), w.ctx({ syscall: "rename" })))).toEqual([
      "srv/root/plain-dir/y",
    ]);
    // eager: "never" keeps even rename lazy.
    const lazy = dfs({ eager: "never" });
    expect(show(await lazy.resolve(dest, w.ctx({ syscall: "rename" })))).toEqual(["srv/root/docs/new.txt"]);
  });

  it("skipDfs turns everything off; IPC$ and server-only paths are never resolved", async () => {
    const w = world();
    const off = dfs({ skipDfs: true });
    expect(show(await off.resolve(p("srv", "root", "docs"), w.ctx({ syscall: "rename" })))).toEqual([
      "srv/root/docs",
    ]);
    expect(await off.refer(p("srv", "root", "docs"), w.ctx(), PNC())).toEqual([]);
    const on = dfs({ eager: "always" });
    expect(show(await on.resolve(p("srv", "IPC$"), w.ctx()))).toEqual(["srv/IPC$"]);
    expect(show(await on.resolve(p("srv", ""), w.ctx()))).toEqual(["srv"]);
    expect(w.requests).toEqual([]);
  });

  it("entries expire at their TTL (injected clock); then the server is asked again", async () => {
    const w = world();
    w.servers.get("srv")!.referrals["\\srv\\root\\tmp"] = link("\\srv\\root\\tmp", ["\\fs1\\docs"], {
      ttl: 5,
    });
    const clock = { t: 0 };
    const r = new DfsResolver({ now: () => clock.t });
    const ctx = w.ctx();
    await r.refer(p("srv", "root", "tmp"), ctx, PNC());
    expect(show(await r.resolve(p("srv", "root", "tmp\\f"), ctx))).toEqual(["fs1/docs/f"]);
    clock.t += 5_000;
    expect(show(await r.resolve(p("srv", "root", "tmp\\f"), ctx))).toEqual(["srv/root/tmp/f"]);
    expect(r.cache.size).toBe(0);
  });

  it("the cache stays bounded however many links a long-running process meets", async () => {
    const w = new FakeWorld();
    const referrals: Record<string, ReturnType<typeof link>> = {};
    for (let i = 0; i < 300; i++)
      referrals[`\\srv\\root\\l${i}`] = link(`\\srv\\root\\l${i}`, [`\\fs\\s${i}`]);
    w.server("srv", { shares: { root: true }, referrals });
    const r = dfs({ maxEntries: 50 });
    for (let i = 0; i < 300; i++) await r.refer(p("srv", "root", `l${i}`), w.ctx(), PNC());
    expect(r.cache.size).toBe(50);
  });

  it("rootReferral: a root referral at the first use of a share; 'not DFS' remembered for negativeTtl", async () => {
    const w = world();
    w.servers.get("srv")!.referrals["\\srv\\proxy"] = link("\\srv\\proxy", ["\\fs1\\docs"]);
    const clock = { t: 0 };
    const r = new DfsResolver({ rootReferral: true, negativeTtl: 10, now: () => clock.t });
    const ctx = w.ctx();
    expect(show(await r.resolve(p("srv", "proxy", "a"), ctx))).toEqual(["fs1/docs/a"]);
    expect(show(await r.resolve(p("fs1", "docs", "b"), ctx))).toEqual(["fs1/docs/b"]);
    expect(show(await r.resolve(p("fs1", "docs", "c"), ctx))).toEqual(["fs1/docs/c"]);
    expect(w.requests).toEqual(["srv:\\srv\\proxy", "fs1:\\fs1\\docs"]);
    clock.t += 10_000;
    await r.resolve(p("fs1", "docs", "c"), ctx);
    expect(w.requests).toHaveLength(3);
    // An unreachable server is not remembered as "not DFS"; the call reports it.
    w.server("gone", { down: true });
    expect(show(await r.resolve(p("gone", "x"), ctx))).toEqual(["gone/x"]);
    expect(r.notDfs.has("\\gone\\x")).toBe(false);
  });

  it("PathConsumed counted in characters (a server quirk) still covers the link only", async () => {
    const w = world();
    w.servers.get("srv")!.referrals["\\srv\\root\\quirk\\deep\\file"] = link(
      "\\srv\\root\\quirk",
      ["\\fs1\\docs"],
      {
        charsConsumed: true,
      },
    );
    const next = await dfs().refer(p("srv", "root", "quirk\\deep\\file"), w.ctx(), PNC());
    expect(show(next)).toEqual(["fs1/docs/deep/file"]);
  });
});

describe("DfsResolver: v4 target sets and TargetFailback (vectors only: Samba sends neither off SYSVOL)", () => {
  it("keeps the server's order across sets; a failure moves to the next target, refresh keeps it", async () => {
    const w = new FakeWorld();
    const resp = link("\\ns\\root\\l", ["\\near1\\s", "\\near2\\s", "\\far\\s"], {
      version: 4,
      sets: [0, 2],
      ttl: 1,
    });
    w.server("ns", { shares: { root: true }, referrals: { "\\ns\\root\\l": resp } });
    const clock = { t: 0 };
    const r = new DfsResolver({ now: () => clock.t });
    const ctx = w.ctx();
    const path = p("ns", "root", "l");
    const c = await r.refer(path, ctx, PNC());
    expect(show(c)).toEqual(["near1/s", "near2/s", "far/s"]);
    expect(r.cache.get("\\ns\\root\\l")!.targets.map((t) => t.set)).toEqual([0, 0, 1]);
    r.targetFailed(path, c[0]!, new Error("down"), ctx);
    clock.t += 1_000; // expired: refreshed by the next referral
    const again = await r.refer(path, ctx, PNC());
    expect(show(again)).toEqual(["near2/s", "far/s", "near1/s"]);
  });

  it("with TargetFailback (T) a refreshed entry returns to the preferred first target", async () => {
    const w = new FakeWorld();
    const resp = link("\\ns\\root\\l", ["\\near1\\s", "\\far\\s"], {
      version: 4,
      sets: [0, 1],
      ttl: 1,
      flags: 0x4,
    });
    w.server("ns", { shares: { root: true }, referrals: { "\\ns\\root\\l": resp } });
    const clock = { t: 0 };
    const r = new DfsResolver({ now: () => clock.t });
    const ctx = w.ctx();
    const path = p("ns", "root", "l");
    const c = await r.refer(path, ctx, PNC());
    r.targetFailed(path, c[0]!, new Error("down"), ctx);
    expect(show(await r.resolve(path, ctx))).toEqual(["far/s", "near1/s"]);
    clock.t += 1_000;
    expect(show(await r.refer(path, ctx, PNC()))).toEqual(["near1/s", "far/s"]);
  });
});

describe("DfsResolver (domain namespaces)", () => {
  function world() {
    const w = new FakeWorld();
    w.server("dc1.corp.test", {
      shares: { sysvol: false, netlogon: false },
      referrals: {
        "": nameList([
          ["\\CORP", []],
          ["\\corp.test", []],
        ]),
        "\\corp.test": nameList([["corp.test", ["\\dc-down.corp.test", "\\dc1.corp.test"]]]),
        "\\corp": nameList([["CORP", ["\\dc1.corp.test"]]]),
        "\\corp.test\\ns": link("\\corp.test\\ns", ["\\rs1\\ns", "\\rs2\\ns"], { root: true }),
        "\\corp.test\\sysvol": link("\\corp.test\\sysvol", ["\\dc1.corp.test\\sysvol"], {
          version: 4,
          sets: [0],
          ttl: 900,
        }),
        "\\corp.test\\nothing": NtStatus.STATUS_NOT_FOUND,
      },
    });
    w.server("rs1", {
      shares: { ns: true },
      referrals: { "\\rs1\\ns\\apps\\x": link("\\rs1\\ns\\apps", ["\\fs9\\apps"]) },
    });
    w.server("rs2", { shares: { ns: true } });
    w.server("fs9", { shares: { apps: false } });
    return w;
  }

  it("domain referral, DC referral (first DC down: failover), root referral, then a link from the root server", async () => {
    const w = world();
    const r = dfs({ domainController: "dc1.corp.test" });
    const ctx = w.ctx();
    const c = await r.resolve(p("corp.test", "ns", "apps\\x"), ctx);
    expect(show(c)).toEqual(["rs1/ns/apps/x", "rs2/ns/apps/x"]);
    expect(w.requests).toEqual([
      "dc1.corp.test:",
      "dc1.corp.test:\\corp.test",
      "dc1.corp.test:\\corp.test\\ns",
    ]);
    expect(r.domains.isDomain("CORP")).toBe(true);
    expect(r.domains.dcs("corp.test")).toEqual(["dc1.corp.test", "dc-down.corp.test"]);
    // The root server says the link is not covered: link referral from it.
    const next = await r.refer(c[0]!, ctx, PNC());
    expect(show(next)).toEqual(["fs9/apps/x"]);
    // From now on the whole chain comes from the cache.
    const n = w.requests.length;
    expect(show(await r.resolve(p("CORP.TEST", "NS", "apps\\y"), ctx))).toEqual([
      "fs9/apps/y",
      "rs2/ns/apps/y",
    ]);
    expect(w.requests).toHaveLength(n);
  });

  it("SYSVOL: a v4 referral to the DCs (kind sysvol, TTL 900)", async () => {
    const w = world();
    const r = dfs({ domainController: "dc1.corp.test" });
    const c = await r.resolve(p("corp.test", "SYSVOL", "corp.test\\Policies"), w.ctx());
    expect(show(c)).toEqual(["dc1.corp.test/sysvol/corp.test/Policies"]);
    const e = r.cache.get("\\corp.test\\sysvol")!;
    expect(e.kind).toBe("sysvol");
    expect(e.ttl).toBe(900);
  });

  it("the NetBIOS domain name works too; names the DC does not list are servers", async () => {
    const w = world();
    w.servers.get("dc1.corp.test")!.referrals["\\corp\\ns"] = link("\\CORP\\ns", ["\\rs1\\ns"], {
      root: true,
    });
    const r = dfs({ domainController: "dc1.corp.test" });
    expect(show(await r.resolve(p("CORP", "ns", "f"), w.ctx()))).toEqual(["rs1/ns/f"]);
    expect(show(await r.resolve(p("fs9", "apps", "f"), w.ctx()))).toEqual(["fs9/apps/f"]);
  });

  it("a domain share that is no namespace resolves to itself, and that is remembered", async () => {
    const w = world();
    const clock = { t: 0 };
    const r = new DfsResolver({ domainController: "dc1.corp.test", negativeTtl: 30, now: () => clock.t });
    expect(show(await r.resolve(p("corp.test", "nothing", "f"), w.ctx()))).toEqual(["corp.test/nothing/f"]);
    const n = w.requests.length;
    expect(show(await r.resolve(p("corp.test", "nothing", "g"), w.ctx()))).toEqual(["corp.test/nothing/g"]);
    expect(w.requests).toHaveLength(n);
    clock.t += 30_000;
    await r.resolve(p("corp.test", "nothing", "g"), w.ctx());
    expect(w.requests.length).toBeGreaterThan(n);
  });

  it("the DC comes from the client's domainController, or, without one, from the credentials' domain", async () => {
    const w = world();
    const viaCtx = dfs();
    expect(
      show(await viaCtx.resolve(p("corp.test", "ns"), w.ctx({ domainController: "dc1.corp.test" }))),
    ).toEqual(["rs1/ns", "rs2/ns"]);
    // No DC configured: the domain name itself is asked (AD domain names resolve to DCs).
    const w2 = world();
    w2.servers.set("corp.test", w2.servers.get("dc1.corp.test")!);
    const byDomain = dfs();
    expect(show(await byDomain.resolve(p("corp.test", "ns"), w2.ctx({ domain: "corp.test" })))).toEqual([
      "rs1/ns",
      "rs2/ns",
    ]);
    expect(w2.requests[0]).toBe("corp.test:\\corp.test");
  });

  it("an unreachable DC is retried at most once a minute (no stall on every call)", async () => {
    const w = world();
    w.servers.get("dc1.corp.test")!.down = true;
    const clock = { t: 0 };
    const r = new DfsResolver({ domainController: "dc1.corp.test", now: () => clock.t });
    const ctx = w.ctx();
    await r.resolve(p("fs9", "apps"), ctx);
    await r.resolve(p("fs9", "apps"), ctx);
    expect(w.trees.filter((t) => t.startsWith("dc1"))).toHaveLength(1);
    clock.t += 60_000;
    await r.resolve(p("fs9", "apps"), ctx);
    expect(w.trees.filter((t) => t.startsWith("dc1"))).toHaveLength(2);
  });

  it("parses domainController host[:port]", () => {
    expect(parseHostPort("dc1")).toEqual({ host: "dc1", port: undefined });
    expect(parseHostPort("dc1:1445")).toEqual({ host: "dc1", port: 1445 });
    expect(parseHostPort("[::1]:1445")).toEqual({ host: "::1", port: 1445 });
    expect(parseHostPort("fe80::1")).toEqual({ host: "fe80::1", port: undefined });
  });
});
