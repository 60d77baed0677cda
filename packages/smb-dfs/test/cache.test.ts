// The referral and domain caches with an injected clock: longest-prefix matching, TTL expiry, the size
// bound (LRU), target hints on failure, and refresh with and without TargetFailback.
import { describe, expect, it } from "vitest";
import { DomainCache, type Referral, ReferralCache, type ReferralTarget } from "../src/index.js";

function target(address: string, set = 0, isRoot = false): ReferralTarget {
  const [server = "", share = "", ...rest] = address.split("\\").filter(Boolean);
  return { address, server, share, path: rest.join("\\"), set, isRoot };
}

function referral(dfsPath: string, targets: string[], o: Partial<Referral> = {}): Referral {
  return {
    kind: "link",
    dfsPath,
    serverDfsPath: dfsPath,
    ttl: 600,
    version: 3,
    referralServers: false,
    storageServers: true,
    targetFailback: false,
    targets: targets.map((t) => target(t)),
    pathConsumed: dfsPath.length * 2,
    response: { pathConsumed: 0, referralHeaderFlags: 0, referralEntries: [] },
    ...o,
  };
}

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe("ReferralCache", () => {
  it("matches the longest cached prefix, component-wise and case-insensitively", () => {
    const cache = new ReferralCache();
    cache.add(referral("\\srv\\root", ["\\srv\\root"], { kind: "root" }));
    cache.add(referral("\\srv\\root\\a", ["\\fs1\\a"]));
    cache.add(referral("\\srv\\root\\a\\b", ["\\fs2\\b"]));
    expect(cache.lookup("\\SRV\\ROOT\\A\\B\\c\\d.txt")).toMatchObject({
      entry: { dfsPath: "\\srv\\root\\a\\b" },
      rest: "c\\d.txt",
    });
    expect(cache.lookup("\\srv\\root\\a\\bb")).toMatchObject({
      entry: { dfsPath: "\\srv\\root\\a" },
      rest: "bb",
    });
    expect(cache.lookup("\\srv\\root\\a")).toMatchObject({ entry: { dfsPath: "\\srv\\root\\a" }, rest: "" });
    expect(cache.lookup("\\srv\\root\\ab")).toMatchObject({ entry: { dfsPath: "\\srv\\root" }, rest: "ab" });
    expect(cache.lookup("\\srv\\rootx\\a")).toBeUndefined();
    expect(cache.lookup("//srv/root/a/x")).toMatchObject({ rest: "x" });
  });

  it("expires entries at their TTL (injected clock) and drops them", () => {
    const c = clock();
    const cache = new ReferralCache({ now: c.now });
    cache.add(referral("\\srv\\root\\short", ["\\fs\\s"], { ttl: 10 }));
    cache.add(referral("\\srv\\root\\long", ["\\fs\\l"], { ttl: 600 }));
    c.t += 9_999;
    expect(cache.lookup("\\srv\\root\\short\\x")).toBeDefined();
    c.t += 1;
    expect(cache.lookup("\\srv\\root\\short\\x")).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.get("\\srv\\root\\long")).toBeDefined();
    c.t += 590_000;
    expect(cache.get("\\srv\\root\\long")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("uses a default TTL for v1 referrals and caps huge TTLs", () => {
    const c = clock();
    const cache = new ReferralCache({ now: c.now, defaultTtl: 30, maxTtl: 3600 });
    expect(cache.add(referral("\\s\\r\\v1", ["\\f\\x"], { version: 1, ttl: 0 })).ttl).toBe(30);
    expect(cache.add(referral("\\s\\r\\big", ["\\f\\x"], { ttl: 0xffffffff })).ttl).toBe(3600);
  });

  it("is bounded: least recently used entries go first, expired ones are swept on insert", () => {
    const c = clock();
    const cache = new ReferralCache({ now: c.now, maxEntries: 3 });
    for (const n of ["a", "b", "c"]) cache.add(referral(`\\s\\r\\${n}`, [`\\f\\${n}`]));
    cache.lookup("\\s\\r\\a\\file"); // a becomes most recently used
    cache.add(referral("\\s\\r\\d", ["\\f\\d"]));
    expect(cache.size).toBe(3);
    expect(cache.get("\\s\\r\\b")).toBeUndefined();
    expect(cache.entries().map((e) => e.dfsPath)).toEqual(["\\s\\r\\c", "\\s\\r\\a", "\\s\\r\\d"]);
    // A long-running process: 10,000 distinct links never hold more than maxEntries.
    for (let i = 0; i < 10_000; i++) cache.add(referral(`\\s\\r\\l${i}`, ["\\f\\x"], { ttl: 1 + (i % 5) }));
    expect(cache.size).toBe(3);
    c.t += 10_000;
    cache.add(referral("\\s\\r\\fresh", ["\\f\\x"]));
    expect(cache.entries().map((e) => e.dfsPath)).toEqual(["\\s\\r\\fresh"]);
  });

  it("moves the target hint past a failed hinted target (wrapping), not for other targets", () => {
    const cache = new ReferralCache();
    const e = cache.add(referral("\\s\\r\\m", ["\\bad\\x", "\\good\\x", "\\third\\x"]));
    expect(e.hint).toBe(0);
    expect(cache.targetFailed(e, target("\\third\\x"))).toBe(false);
    expect(e.hint).toBe(0);
    cache.targetFailed(e, target("\\BAD\\X"));
    expect(e.hint).toBe(1);
    expect(cache.targetFailed(e, target("\\nowhere\\x"))).toBe(false);
    expect(cache.get("\\s\\r\\m")).toBe(e);
  });

  it("drops an entry once all its targets have failed (the next call asks for a fresh referral)", () => {
    const cache = new ReferralCache();
    const e = cache.add(referral("\\s\\r\\m", ["\\a\\x", "\\b\\x"]));
    expect(cache.targetFailed(e, 0)).toBe(false);
    expect(cache.targetFailed(e, 0)).toBe(false);
    expect(cache.targetFailed(e, 1)).toBe(true);
    expect(cache.get("\\s\\r\\m")).toBeUndefined();
    // A refreshed entry starts with a clean slate.
    const fresh = cache.add(referral("\\s\\r\\m", ["\\a\\x", "\\b\\x"]));
    expect(fresh.failed.size).toBe(0);
  });

  it("a refresh keeps the target in use; with TargetFailback it returns to the first target", () => {
    const cache = new ReferralCache();
    const e = cache.add(referral("\\s\\r\\m", ["\\a\\x", "\\b\\x", "\\c\\x"]));
    cache.targetFailed(e, 0);
    expect(e.targets[e.hint]!.server).toBe("b");
    // Refreshed in a new order: the hint follows \b\x.
    const again = cache.add(referral("\\s\\r\\m", ["\\c\\x", "\\a\\x", "\\b\\x"]));
    expect(again.targets[again.hint]!.server).toBe("b");
    // Failback (v4 T flag): back to the preferred first target.
    const fb = cache.add(referral("\\s\\r\\m", ["\\a\\x", "\\b\\x"], { version: 4, targetFailback: true }));
    expect(fb.hint).toBe(0);
    // A refresh without the old target in use starts at the first.
    cache.targetFailed(fb, 0);
    const gone = cache.add(referral("\\s\\r\\m", ["\\z\\x", "\\a\\x"]));
    expect(gone.hint).toBe(0);
  });

  it("marks root entries whose targets are root servers", () => {
    const cache = new ReferralCache();
    const r = referral("\\corp\\ns", ["\\rs1\\ns"], { kind: "root", referralServers: true });
    r.targets[0]!.isRoot = true;
    expect(cache.add(r).rootTargets).toBe(true);
    expect(cache.add(referral("\\corp\\ns\\l", ["\\fs\\l"])).rootTargets).toBe(false);
  });
});

describe("DomainCache", () => {
  it("knows the domains of a domain referral (NetBIOS and DNS, any case, backslashes stripped)", () => {
    const c = clock();
    const d = new DomainCache({ now: c.now });
    expect(d.fresh).toBe(false);
    d.setDomains(["\\SMB", "\\smb.test"], 600);
    expect(d.fresh).toBe(true);
    expect(d.isDomain("smb")).toBe(true);
    expect(d.isDomain("SMB.TEST")).toBe(true);
    expect(d.isDomain("fileserver")).toBe(false);
    c.t += 600_000;
    expect(d.fresh).toBe(false);
    expect(d.names()).toEqual(["SMB", "smb.test"]);
  });

  it("keeps DC lists with a hint and an expiry", () => {
    const c = clock();
    const d = new DomainCache({ now: c.now });
    d.setDomains(["smb.test"], 600);
    expect(d.dcs("smb.test")).toBeUndefined();
    d.setDcs("\\SMB.TEST", ["\\dc1.smb.test", "dc2.smb.test"], 60);
    expect(d.dcs("smb.test")).toEqual(["dc1.smb.test", "dc2.smb.test"]);
    d.dcFailed("smb.test", "DC1.smb.test");
    expect(d.dcs("smb.test")).toEqual(["dc2.smb.test", "dc1.smb.test"]);
    d.setDcs("smb.test", ["dc3.smb.test", "dc2.smb.test"], 60);
    expect(d.dcs("smb.test")).toEqual(["dc2.smb.test", "dc3.smb.test"]);
    c.t += 60_000;
    expect(d.dcs("smb.test")).toBeUndefined();
  });

  it("is bounded", () => {
    const d = new DomainCache({ maxEntries: 2 });
    d.setDomains(["a", "b", "c"], 60);
    expect(d.size).toBe(2);
    for (let i = 0; i < 100; i++) d.setDcs(`d${i}`, ["dc"], 60);
    expect(d.size).toBe(2);
    d.addDomain("z");
    expect(d.size).toBe(2);
    expect(d.isDomain("z")).toBe(true);
  });
});
