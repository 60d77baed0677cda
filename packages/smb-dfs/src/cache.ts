/**
 * The referral cache and domain cache of MS-DFSC 3.1.1 (ReferralCache, DomainCache).
 *
 * ReferralCache: DFS path prefix ("\server\root[\link...]") -> targets, with a TargetHint (the target
 * to try first, moved on by failures) and an expiry from the referral's TTL. Lookups match the longest
 * cached prefix of a path, component-wise and case-insensitively. Size is bounded: least recently
 * used entries are evicted beyond `maxEntries`, and expired entries are dropped when met (and swept on
 * insert), so a long-running process does not grow it without bound.
 *
 * DomainCache: the domain names a DC reported (domain referral) and, per domain, its DC list (DC
 * referral) with a DC hint.
 *
 * Both take an injectable clock (`now`, in ms) for tests.
 */
import type { Referral, ReferralKind, ReferralTarget } from "./referral.js";
import { splitDfsPath } from "./referral.js";

export interface CacheOptions {
  /** Most entries kept (least recently used evicted first; default 1000). */
  maxEntries?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** TTL (s) for entries whose referral carries none (v1; default 300). */
  defaultTtl?: number;
  /** Upper bound on any TTL (s; default 1 day): a server's 0xFFFFFFFF does not pin an entry forever. */
  maxTtl?: number;
}

export interface ReferralCacheEntry {
  /** Lower-cased "\server\root\link" (the map key). */
  readonly key: string;
  /** The covered prefix as first requested ("\server\root\link"). */
  readonly dfsPath: string;
  readonly kind: ReferralKind;
  /** The targets are root servers (R flag / ServerType root): paths below may need further referrals. */
  readonly rootTargets: boolean;
  readonly targetFailback: boolean;
  readonly targets: readonly ReferralTarget[];
  /** Index of the target to try first (MS-DFSC 3.1.1 TargetHint). */
  hint: number;
  /** Targets that failed since the entry was cached. */
  readonly failed: Set<number>;
  readonly ttl: number;
  readonly expiresAt: number;
  /** The referral it came from. */
  readonly referral: Referral;
}

/** Lower-cased, backslash-joined components (the cache key of a path). */
export function dfsKey(path: string | readonly string[]): string {
  const parts = typeof path === "string" ? splitDfsPath(path) : path;
  return parts.length === 0 ? "" : `\\${parts.join("\\").toLowerCase()}`;
}

const DEFAULT_MAX = 1000;
const DEFAULT_TTL = 300;
const MAX_TTL = 86_400;

export class ReferralCache {
  private readonly map = new Map<string, ReferralCacheEntry>();
  readonly maxEntries: number;
  readonly now: () => number;
  private readonly defaultTtl: number;
  private readonly maxTtl: number;

  constructor(opts: CacheOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX);
    this.now = opts.now ?? Date.now;
    this.defaultTtl = opts.defaultTtl ?? DEFAULT_TTL;
    this.maxTtl = opts.maxTtl ?? MAX_TTL;
  }

  get size(): number {
    return this.map.size;
  }

  /** Adds (or replaces) the entry for a root/link/sysvol referral; returns it. */
  add(referral: Referral): ReferralCacheEntry {
    if (referral.targets.length === 0) throw new RangeError("a referral without targets cannot be cached");
    const key = dfsKey(referral.dfsPath);
    const now = this.now();
    const ttl = Math.min(referral.version === 1 ? this.defaultTtl : referral.ttl, this.maxTtl);
    const old = this.map.get(key);
    // MS-DFSC 3.1.5.4.5 / TargetFailback: a refreshed entry keeps the target in use unless failback is
    // on, in which case it returns to the first (preferred) target.
    let hint = 0;
    if (old && !referral.targetFailback) {
      const inUse = old.targets[old.hint];
      const i = inUse ? referral.targets.findIndex((t) => sameTarget(t, inUse)) : -1;
      if (i >= 0) hint = i;
    }
    const entry: ReferralCacheEntry = {
      key,
      dfsPath: referral.dfsPath,
      kind: referral.kind,
      rootTargets: referral.referralServers && referral.targets.some((t) => t.isRoot),
      targetFailback: referral.targetFailback,
      targets: referral.targets,
      hint,
      failed: new Set(),
      ttl,
      expiresAt: now + ttl * 1000,
      referral,
    };
    this.map.delete(key);
    this.map.set(key, entry);
    this.sweep(now);
    return entry;
  }

  /**
   * The entry with the longest prefix of `path` (components, case-insensitive), not expired, and the
   * rest of the path after it ("" when the entry is the whole path). Refreshes its LRU position.
   */
  lookup(path: string): { entry: ReferralCacheEntry; rest: string } | undefined {
    const parts = splitDfsPath(path);
    const now = this.now();
    for (let n = parts.length; n >= 1; n--) {
      const key = dfsKey(parts.slice(0, n));
      const entry = this.map.get(key);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.map.delete(key);
        continue;
      }
      this.map.delete(key);
      this.map.set(key, entry);
      return { entry, rest: parts.slice(n).join("\\") };
    }
    return undefined;
  }

  /** The entry for exactly `dfsPath`, if cached and not expired (no LRU refresh). */
  get(dfsPath: string): ReferralCacheEntry | undefined {
    const e = this.map.get(dfsKey(dfsPath));
    if (e && e.expiresAt <= this.now()) {
      this.map.delete(e.key);
      return undefined;
    }
    return e;
  }

  delete(dfsPath: string): boolean {
    return this.map.delete(dfsKey(dfsPath));
  }

  clear(): void {
    this.map.clear();
  }

  /** Every live entry (expired ones are dropped first), least recently used first. */
  entries(): ReferralCacheEntry[] {
    this.sweep(this.now());
    return [...this.map.values()];
  }

  /**
   * `target` of `entry` failed: when it is the hinted target, the hint moves to the next one (wrapping),
   * so later calls start with a target that may work. When every target of the entry has failed since
   * it was cached, the entry is dropped, so the next call asks the server again (the namespace may have
   * changed). Returns true when the entry was dropped.
   */
  targetFailed(entry: ReferralCacheEntry, target: ReferralTarget | number): boolean {
    const i = typeof target === "number" ? target : entry.targets.findIndex((t) => sameTarget(t, target));
    if (i < 0) return false;
    entry.failed.add(i);
    if (i === entry.hint) entry.hint = (i + 1) % entry.targets.length;
    if (entry.failed.size >= entry.targets.length) {
      if (this.map.get(entry.key) === entry) this.map.delete(entry.key);
      return true;
    }
    return false;
  }

  /** Drops expired entries, then the least recently used beyond maxEntries. */
  private sweep(now: number): void {
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }
}

/** Same target address, case-insensitively. */
export function sameTarget(a: ReferralTarget, b: ReferralTarget): boolean {
  return dfsKey(a.address) === dfsKey(b.address);
}

interface DomainEntry {
  /** The name as the DC reported it (NetBIOS or DNS). */
  name: string;
  /** DC names from a DC referral (empty until asked). */
  dcs: string[];
  dcHint: number;
  /** Expiry of the DC list (the name itself lives as long as the domain list). */
  dcExpiresAt: number;
}

/**
 * MS-DFSC 3.1.1 DomainCache: which names are domains (from a domain referral of the configured DC) and
 * each domain's DCs (from DC referrals). Bounded like the referral cache.
 */
export class DomainCache {
  private readonly map = new Map<string, DomainEntry>();
  private listExpiresAt = 0;
  readonly maxEntries: number;
  readonly now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  /** True while the domain list from the last domain referral is fresh. */
  get fresh(): boolean {
    return this.listExpiresAt > this.now();
  }

  /** Records the domain names of a domain referral (replacing the list; DC lists of kept names stay). */
  setDomains(names: readonly string[], ttl: number): void {
    const now = this.now();
    this.listExpiresAt = now + Math.min(ttl, MAX_TTL) * 1000;
    const keep = new Map<string, DomainEntry>();
    for (const raw of names) {
      const name = stripSlashes(raw);
      if (!name) continue;
      const k = name.toLowerCase();
      keep.set(k, this.map.get(k) ?? { name, dcs: [], dcHint: 0, dcExpiresAt: 0 });
    }
    this.map.clear();
    for (const [k, v] of [...keep].slice(-this.maxEntries)) this.map.set(k, v);
  }

  /** Adds one domain name (e.g. the configured domain) without touching the others. */
  addDomain(name: string): void {
    const n = stripSlashes(name);
    if (!n) return;
    const k = n.toLowerCase();
    if (!this.map.has(k)) this.map.set(k, { name: n, dcs: [], dcHint: 0, dcExpiresAt: 0 });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  /** True when `name` is a known domain (NetBIOS or DNS name, case-insensitive). */
  isDomain(name: string): boolean {
    return this.map.has(stripSlashes(name).toLowerCase());
  }

  /** Records the DCs of a DC referral for `domain`. */
  setDcs(domain: string, dcs: readonly string[], ttl: number): void {
    const k = stripSlashes(domain).toLowerCase();
    const e = this.map.get(k) ?? { name: stripSlashes(domain), dcs: [], dcHint: 0, dcExpiresAt: 0 };
    const inUse = e.dcs[e.dcHint]?.toLowerCase();
    e.dcs = dcs.map(stripSlashes).filter(Boolean);
    const i = inUse ? e.dcs.findIndex((d) => d.toLowerCase() === inUse) : -1;
    e.dcHint = Math.max(i, 0);
    e.dcExpiresAt = this.now() + Math.min(ttl, MAX_TTL) * 1000;
    this.map.delete(k);
    this.map.set(k, e);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  /** The DCs of `domain` starting with the hinted one, or undefined when unknown or expired. */
  dcs(domain: string): string[] | undefined {
    const e = this.map.get(stripSlashes(domain).toLowerCase());
    if (!e || e.dcs.length === 0 || e.dcExpiresAt <= this.now()) return undefined;
    return [...e.dcs.slice(e.dcHint), ...e.dcs.slice(0, e.dcHint)];
  }

  /** `dc` of `domain` failed: the hint moves past it. */
  dcFailed(domain: string, dc: string): void {
    const e = this.map.get(stripSlashes(domain).toLowerCase());
    if (!e || e.dcs.length === 0) return;
    const i = e.dcs.findIndex((d) => d.toLowerCase() === stripSlashes(dc).toLowerCase());
    if (i >= 0 && i === e.dcHint) e.dcHint = (i + 1) % e.dcs.length;
  }

  /** Known domain names (as reported). */
  names(): string[] {
    return [...this.map.values()].map((e) => e.name);
  }

  clear(): void {
    this.map.clear();
    this.listExpiresAt = 0;
  }
}

function stripSlashes(s: string): string {
  return s.replace(/^[\\/]+/, "").replace(/[\\/]+$/, "");
}

/** Keys known NOT to be DFS (a root referral said STATUS_NOT_FOUND), each until its expiry; bounded. */
export class NegativeCache {
  private readonly map = new Map<string, number>();
  readonly maxEntries: number;
  readonly now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  add(path: string, ttlSeconds: number): void {
    const k = dfsKey(path);
    this.map.delete(k);
    this.map.set(k, this.now() + ttlSeconds * 1000);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  has(path: string): boolean {
    const k = dfsKey(path);
    const exp = this.map.get(k);
    if (exp === undefined) return false;
    if (exp <= this.now()) {
      this.map.delete(k);
      return false;
    }
    return true;
  }

  clear(): void {
    this.map.clear();
  }
}
