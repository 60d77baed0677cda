/**
 * DfsResolver: the smb-client PathResolver that resolves DFS paths (MS-DFSC 3.1.4.1, simplified to what
 * a client library needs).
 *
 * - `resolve(path)`: rewrites a path through the referral cache (longest cached prefix; the targets in
 *   hint order, each followed by the rest of the path, chained through further cached entries). A path
 *   whose server is a known domain (domain cache, filled from the configured domain controller: domain
 *   referral, then DC referral) gets a root or SYSVOL/NETLOGON referral from a DC first. Otherwise the
 *   path is its own candidate: on a DFS share the client sends the CREATE with the DFS flag and a link
 *   answers STATUS_PATH_NOT_COVERED. For rename/link destinations (and always, with `eager: "always"`) a
 *   cache miss on a DFS share asks for a referral at once, since no CREATE tells the client about links
 *   on that side.
 * - `refer(path)`: STATUS_PATH_NOT_COVERED on a candidate: FSCTL_DFS_GET_REFERRALS to that server's IPC$,
 *   cached, and the new candidates.
 * - `targetFailed(path, target)`: every cached target on that server\share is marked failed; a hint on
 *   it moves to the next target, so the next call starts with one that may work; an entry whose targets
 *   have all failed is dropped, so the next call asks for a fresh referral.
 *
 * Candidates keep the port of the caller's path (undefined: the client's port); referral targets name
 * servers, not ports. Tested against Samba; see README.md.
 */
import { debuglog } from "node:util";
import { SmbError, type SmbPath, type Tree } from "smb-client";
import { NtStatus } from "smb-structures";
import {
  type CacheOptions,
  DomainCache,
  dfsKey,
  NegativeCache,
  ReferralCache,
  type ReferralCacheEntry,
} from "./cache.js";
import { type GetReferralsOptions, getReferrals, type Referral, splitDfsPath } from "./referral.js";
import type { PathResolver, ResolverContext } from "./types.js";

const log = debuglog("smb:dfs");

export interface DfsOptions {
  /** Turn DFS off: every path is its own only candidate, no referrals (default false). */
  skipDfs?: boolean;
  /**
   * Domain controller for domain-based namespaces ("dc1.corp.example" or "dc1:1445"); default: the
   * client's `domainController`. Without one, a path whose server equals the credentials' domain still
   * tries that name as a DC.
   */
  domainController?: string;
  /** Highest referral version requested (default 4). */
  maxReferralLevel?: number;
  /** FSCTL_DFS_GET_REFERRALS_EX: "auto" (default), true, false. See GetReferralsOptions. */
  referralsEx?: boolean | "auto";
  /** Site name sent with _EX requests. */
  siteName?: string;
  /**
   * When a cache miss on a DFS share asks for a referral before the call runs: "rename" (default: for
   * rename and link, whose destination is never opened itself), "always", or "never".
   */
  eager?: "rename" | "always" | "never";
  /**
   * Ask for a root referral ("\server\share") the first time a share is used, as MS-DFSC 3.1.4.1 does,
   * remembering the shares that are not DFS (`negativeTtl`): needed for Samba `msdfs proxy` shares (their
   * TREE_CONNECT fails; only the referral knows the target) and aliases. Costs one IPC$ request per new
   * share. Default false: links are found lazily through STATUS_PATH_NOT_COVERED.
   */
  rootReferral?: boolean;
  /** Seconds a share (or domain share) stays known as not DFS (default 300). */
  negativeTtl?: number;
  /** Bound on cached referrals (default 1000) and on known domains. */
  maxEntries?: number;
  /** Clock in ms for cache expiry (tests). */
  now?: () => number;
  /** TTL for v1 referrals (which carry none; default 300 s) and the cap on all TTLs (default 1 day). */
  defaultTtl?: number;
  maxTtl?: number;
  /** Most cache hops chained while rewriting one path (default 8). */
  maxChain?: number;
}

/** Syscalls whose second path is resolved without being opened (eager referral on a miss). */
const EAGER_SYSCALLS = new Set(["rename", "link"]);

/** Referral answers meaning "not a DFS path here": the call proceeds (or fails) with its own error. */
const NOT_DFS = new Set<number>([
  NtStatus.STATUS_NOT_FOUND,
  NtStatus.STATUS_OBJECT_PATH_NOT_FOUND,
  NtStatus.STATUS_OBJECT_NAME_NOT_FOUND,
  NtStatus.STATUS_NO_SUCH_DEVICE,
  NtStatus.STATUS_INVALID_PARAMETER,
  NtStatus.STATUS_UNSUCCESSFUL,
  NtStatus.STATUS_DFS_UNAVAILABLE,
  NtStatus.STATUS_FS_DRIVER_REQUIRED,
  NtStatus.STATUS_NOT_SUPPORTED,
  NtStatus.STATUS_INVALID_DEVICE_REQUEST,
]);

const DOMAIN_RETRY_MS = 60_000;

/** "\server\share\path" (one leading backslash) of an SmbPath. */
export function uncOf(p: Pick<SmbPath, "server" | "share" | "path">): string {
  return `\\${[p.server, p.share, ...splitDfsPath(p.path)].filter((s) => s !== "").join("\\")}`;
}

export class DfsResolver implements PathResolver {
  readonly cache: ReferralCache;
  readonly domains: DomainCache;
  /** "\server\share" prefixes a root referral said are not DFS. */
  readonly notDfs: NegativeCache;
  readonly options: Readonly<DfsOptions>;
  private readonly inflight = new Map<string, Promise<Referral | undefined>>();
  private domainsTriedAt = Number.NEGATIVE_INFINITY;
  private domainsLoading: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(options: DfsOptions = {}) {
    this.options = { ...options };
    this.now = options.now ?? Date.now;
    const co: CacheOptions = {
      maxEntries: options.maxEntries,
      now: this.now,
      defaultTtl: options.defaultTtl,
      maxTtl: options.maxTtl,
    };
    this.cache = new ReferralCache(co);
    this.domains = new DomainCache(co);
    this.notDfs = new NegativeCache(co);
  }

  async resolve(path: SmbPath, ctx: ResolverContext): Promise<SmbPath[]> {
    if (this.options.skipDfs || !isDfsCandidate(path)) return [path];
    await this.loadDomains(ctx);
    let hit = this.cache.lookup(uncOf(path));
    if (!hit && (await this.isDomain(path.server, ctx))) {
      const entry = await this.domainReferral(path, ctx);
      if (entry) hit = this.cache.lookup(uncOf(path));
    }
    if (!hit && this.options.rootReferral) hit = await this.rootReferral(path, ctx);
    if (!hit && this.wantsEager(ctx) && path.path !== "") {
      if (await this.isDfsShare(path, ctx)) {
        const r = await this.fetchReferral(path.server, path.port, uncOf(path), ctx).catch((err) => {
          if (err instanceof SmbError) return undefined;
          throw err;
        });
        if (r && r.targets.length > 0 && r.kind !== "root") {
          this.cache.add(r);
          hit = this.cache.lookup(uncOf(path));
        }
      }
    }
    if (!hit) return [path];
    return this.expand(path, hit.entry, hit.rest, 0);
  }

  async refer(path: SmbPath, ctx: ResolverContext, err: SmbError): Promise<SmbPath[]> {
    if (this.options.skipDfs || !isDfsCandidate(path)) return [];
    const unc = uncOf(path);
    let r: Referral | undefined;
    try {
      r = await this.fetchReferral(path.server, path.port, unc, ctx);
    } catch (e) {
      log("referral for %s failed: %s", unc, (e as Error).message);
      if (e instanceof SmbError) return [];
      throw e;
    }
    if (!r || r.targets.length === 0) return [];
    const entry = this.cache.add(r);
    log("%s (%s) -> %s", r.dfsPath, r.kind, r.targets.map((t) => t.address).join(", "));
    const hit = this.cache.lookup(unc);
    const out = hit
      ? this.expand(path, hit.entry, hit.rest, 0)
      : this.expand(path, entry, restAfter(unc, entry), 0);
    // A referral that points straight back at the refused path would loop: give the caller the error.
    const moved = out.filter((c) => dfsKey(uncOf(c)) !== dfsKey(unc));
    if (moved.length === 0) log("referral for %s points back at itself (%s)", unc, err.ntstatus);
    return moved;
  }

  targetFailed(path: SmbPath, target: SmbPath, err: unknown, _ctx: ResolverContext): void {
    const key = dfsKey([target.server, target.share]);
    for (const entry of this.cache.entries()) {
      entry.targets.forEach((t, i) => {
        if (dfsKey([t.server, t.share]) !== key) return;
        if (this.cache.targetFailed(entry, i))
          log("every target of %s failed: referral dropped", entry.dfsPath);
      });
    }
    const reason = err instanceof Error ? err.message : String(err);
    log("target %s for %s failed: %s", uncOf(target), uncOf(path), reason);
  }

  /** Forgets every cached referral and domain. */
  clear(): void {
    this.cache.clear();
    this.domains.clear();
    this.notDfs.clear();
    this.domainsTriedAt = Number.NEGATIVE_INFINITY;
  }

  /** The candidates of `entry` for `path` (`rest` below the entry), chained through cached entries. */
  private expand(path: SmbPath, entry: ReferralCacheEntry, rest: string, depth: number): SmbPath[] {
    const ordered = [...entry.targets.slice(entry.hint), ...entry.targets.slice(0, entry.hint)];
    const out: SmbPath[] = [];
    const seen = new Set<string>();
    const maxChain = this.options.maxChain ?? 8;
    for (const t of ordered) {
      const cand: SmbPath = {
        ...path,
        server: t.server,
        share: t.share,
        path: [...splitDfsPath(t.path), ...splitDfsPath(rest)].join("\\"),
      };
      let expanded: SmbPath[] = [cand];
      if (depth < maxChain) {
        const next = this.cache.lookup(uncOf(cand));
        // Chained: the target is itself under a cached DFS prefix (not the entry itself: a root's
        // target is the root).
        if (next && next.entry !== entry && dfsKey(uncOf(cand)) !== dfsKey(uncOf(path))) {
          expanded = this.expand(cand, next.entry, next.rest, depth + 1);
        }
      }
      for (const c of expanded) {
        const k = `${dfsKey(uncOf(c))}:${c.port ?? ""}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(c);
      }
    }
    return out;
  }

  /** A root referral for the path's share unless known (cached either way); the lookup after it. */
  private async rootReferral(
    path: SmbPath,
    ctx: ResolverContext,
  ): Promise<{ entry: ReferralCacheEntry; rest: string } | undefined> {
    const share = uncOf({ server: path.server, share: path.share, path: "" });
    if (this.notDfs.has(share)) return undefined;
    let r: Referral | undefined;
    try {
      r = await this.fetchReferral(path.server, path.port, share, ctx);
    } catch (err) {
      // Not DFS (or no IPC$ for us): remember. Unreachable server: the call itself will say so.
      if (err instanceof SmbError) this.notDfs.add(share, this.options.negativeTtl ?? 300);
      return undefined;
    }
    if (!r || r.targets.length === 0) return undefined;
    this.cache.add(r);
    return this.cache.lookup(uncOf(path));
  }

  private wantsEager(ctx: ResolverContext): boolean {
    const mode = this.options.eager ?? "rename";
    if (mode === "always") return true;
    if (mode === "never") return false;
    return EAGER_SYSCALLS.has(ctx.syscall.toLowerCase());
  }

  private async isDfsShare(path: SmbPath, ctx: ResolverContext): Promise<boolean> {
    let tree: Tree;
    try {
      tree = await ctx.tree(path.server, path.share, portOpt(path.port));
    } catch {
      return false;
    }
    return tree.isDfs;
  }

  /** One referral request per prefix at a time; concurrent callers share it. */
  private fetchReferral(
    server: string,
    port: number | undefined,
    unc: string,
    ctx: ResolverContext,
  ): Promise<Referral | undefined> {
    const k = `${dfsKey(unc)}@${server.toLowerCase()}:${port ?? ""}`;
    let p = this.inflight.get(k);
    if (!p) {
      p = (async () => {
        const ipc = await ctx.tree(server, "IPC$", portOpt(port));
        return getReferrals(ipc, unc, this.referralOptions(ctx));
      })().finally(() => this.inflight.delete(k));
      this.inflight.set(k, p);
    }
    return p;
  }

  private referralOptions(ctx: ResolverContext): GetReferralsOptions {
    return {
      maxLevel: this.options.maxReferralLevel ?? 4,
      ex: this.options.referralsEx ?? "auto",
      siteName: this.options.siteName,
      signal: ctx.signal,
    };
  }

  private dcSetting(ctx: ResolverContext): { host: string; port: number | undefined } | undefined {
    const dc = this.options.domainController ?? ctx.domainController;
    if (!dc) return undefined;
    return parseHostPort(dc);
  }

  /** Fills the domain cache from the configured DC's domain referral (at most once a minute on failure). */
  private async loadDomains(ctx: ResolverContext): Promise<void> {
    const dc = this.dcSetting(ctx);
    if (!dc || this.domains.fresh) return;
    if (this.now() - this.domainsTriedAt < DOMAIN_RETRY_MS) return;
    if (!this.domainsLoading) {
      this.domainsLoading = (async () => {
        this.domainsTriedAt = this.now();
        try {
          const r = await this.fetchReferral(dc.host, dc.port, "", ctx);
          const names = r?.nameList?.map((n) => n.specialName) ?? [];
          this.domains.setDomains(names, r?.ttl ?? 300);
          log("domains from %s: %s", dc.host, names.join(", "));
        } catch (err) {
          log("domain referral from %s failed: %s", dc.host, (err as Error).message);
        }
        if (ctx.domain) this.domains.addDomain(ctx.domain);
      })().finally(() => {
        this.domainsLoading = undefined;
      });
    }
    await this.domainsLoading;
  }

  private async isDomain(name: string, ctx: ResolverContext): Promise<boolean> {
    if (this.domains.isDomain(name)) return true;
    // Without a configured DC, the credentials' domain may still name a domain namespace.
    return !this.dcSetting(ctx) && !!ctx.domain && sameName(ctx.domain, name);
  }

  /**
   * A domain path "\domain\share\...": the DCs (DC referral, cached), then a root or SYSVOL/NETLOGON
   * referral from the first DC that answers; cached. Undefined when no DC gives one; that is remembered
   * (`negativeTtl` for "not a namespace", a minute when no DC could be reached) so calls do not repeat it.
   */
  private async domainReferral(path: SmbPath, ctx: ResolverContext): Promise<ReferralCacheEntry | undefined> {
    const domain = path.server;
    const unc = uncOf({ server: domain, share: path.share, path: "" });
    if (this.notDfs.has(unc)) return undefined;
    let dcs = this.domains.dcs(domain);
    if (!dcs) {
      const dc = this.dcSetting(ctx) ?? { host: domain, port: path.port };
      try {
        const r = await this.fetchReferral(dc.host, dc.port, `\\${domain}`, ctx);
        const names = (r?.nameList ?? []).flatMap((n) => n.expandedNames);
        if (names.length > 0) {
          this.domains.setDcs(domain, names, r?.ttl ?? 300);
          dcs = this.domains.dcs(domain);
        }
      } catch (err) {
        log("DC referral for %s from %s failed: %s", domain, dc.host, (err as Error).message);
      }
      // A DC that cannot list the DCs may still answer the root referral itself.
      if (!dcs) dcs = [dc.host];
    }
    for (const dc of dcs) {
      try {
        const r = await this.fetchReferral(dc, path.port, unc, ctx);
        if (r && r.targets.length > 0) return this.cache.add(r);
      } catch (err) {
        log("root referral for %s from %s failed: %s", unc, dc, (err as Error).message);
        if (err instanceof SmbError && NOT_DFS.has(err.status)) {
          this.notDfs.add(unc, this.options.negativeTtl ?? 300);
          return undefined;
        }
        this.domains.dcFailed(domain, dc);
      }
    }
    this.notDfs.add(unc, DOMAIN_RETRY_MS / 1000);
    return undefined;
  }
}

/** A DFS resolver for smb-client's `pathResolver` option. */
export function dfs(options: DfsOptions = {}): DfsResolver {
  return new DfsResolver(options);
}

function isDfsCandidate(p: SmbPath): boolean {
  return !!p.share && p.share.toUpperCase() !== "IPC$";
}

function restAfter(unc: string, entry: ReferralCacheEntry): string {
  return splitDfsPath(unc).slice(splitDfsPath(entry.dfsPath).length).join("\\");
}

function portOpt(port: number | undefined): { port?: number } | undefined {
  return port === undefined ? undefined : { port };
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** "host", "host:port", "[v6]:port", "v6". */
export function parseHostPort(s: string): { host: string; port: number | undefined } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : undefined };
  const i = s.lastIndexOf(":");
  if (i > 0 && s.indexOf(":") === i && /^\d+$/.test(s.slice(i + 1))) {
    return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  }
  return { host: s, port: undefined };
}
