/**
 * The machinery under every high-level call: option layering (call > registered server > client >
 * global defaults), credential choice, the pool, path resolution through the PathResolver (referrals,
 * failover), one transparent retry when a pooled connection, session or tree turned out to be stale,
 * and fs-style errors (code, syscall, path).
 */
import type { AuthMechanismFactory } from "smb-auth";
import { NtStatus, randomGuid } from "smb-structures";
import { SmbClientError, SmbError } from "../errors.js";
import type { Session } from "../session.js";
import { formatSmbPath, parseSmbPath, type SmbPath } from "../smb-path.js";
import type { TransferOptions } from "../transfer.js";
import type { Tree } from "../tree.js";
import { resolveAuth } from "./auth.js";
import { getDefaults } from "./config.js";
import { type DurableSettings, durableSettings } from "./durable.js";
import { FsStatus, isHandleLost, smbFsError, throwIfAborted, toFsError } from "./errors.js";
import { isTimeout, stillAnswers } from "./liveness.js";
import { type ConnectionSpec, ConnectionPool, type SessionSpec } from "./pool.js";
import {
  createName,
  identityResolver,
  isPathNotCovered,
  isTargetFailure,
  MAX_REFERRALS,
  type PathResolver,
  type ResolverContext,
} from "./resolver.js";
import type { AnyPath, CallOptions, ConnectOptions, CredentialOptions, SmbClientOptions } from "./types.js";

/** What `register()` stores for a server. */
export type ServerSettings = CredentialOptions & ConnectOptions;

/** One resolved place an operation runs: a tree and the path inside its share. */
export interface Target {
  /** The candidate the call runs on (server, share, path inside the share). */
  readonly path: SmbPath;
  readonly tree: Tree;
  /** The caller's path, for errors. */
  readonly display: string;
  readonly signal: AbortSignal | undefined;
  readonly core: ClientCore;
  readonly call: CallOptions;
  /** CREATE name and DFS flag for `sharePath` (default: the target's own path). */
  name(sharePath?: string): { name: string; dfs: boolean };
  /** Resolves another path that must be on the same share (rename, link): its path inside the share. */
  sibling(other: AnyPath | SmbPath, syscall: string): Promise<string>;
  /** Window/chunk settings for pipelined transfers. */
  transfer(): TransferOptions;
}

export interface RunOptions {
  /** The call may be retried from the start after a stale connection (default true). */
  idempotent?: boolean;
  /** The second path of the call, for errors. */
  dest?: string;
  /** Paths naming only a server ("//host") are accepted (listShares). */
  allowNoShare?: boolean;
}

const STALE_STATUSES = new Set<number>([
  NtStatus.STATUS_NETWORK_SESSION_EXPIRED,
  NtStatus.STATUS_USER_SESSION_DELETED,
  NtStatus.STATUS_NETWORK_NAME_DELETED,
]);

function isStale(err: unknown): boolean {
  // A durable handle that could not be reclaimed: an idempotent call can still start over.
  if (isHandleLost(err)) return true;
  if (err instanceof SmbError) return STALE_STATUSES.has(err.status);
  return (err as { code?: unknown } | undefined)?.code === "ERR_SMB_CONNECTION_CLOSED";
}

/** True for an SMB path string (UNC with either slash, or smb:// URL) or URL object with smb: scheme. */
export function isSmbPath(p: unknown): boolean {
  if (p instanceof URL) return p.protocol === "smb:";
  if (typeof p !== "string") return typeof p === "object" && p !== null && "server" in p && "share" in p;
  return /^smb:\/\//i.test(p) || /^[\\/]{2}[^\\/]/.test(p);
}

export class ClientCore {
  readonly pool = new ConnectionPool();
  readonly registry = new Map<string, ServerSettings>();
  /** Mechanism factories by identity (Kerberos tickets live in them). */
  readonly factories = new Map<string, AuthMechanismFactory>();
  private readonly ownGuid: string;

  constructor(
    readonly options: SmbClientOptions,
    readonly inheritDefaults: boolean,
  ) {
    this.ownGuid = options.clientGuid ?? randomGuid();
  }

  /** Client options over the global defaults (when this client inherits them). */
  effective(): SmbClientOptions {
    if (!this.inheritDefaults) return this.options;
    const d = getDefaults();
    const out: Record<string, unknown> = { ...d };
    for (const [k, v] of Object.entries(this.options)) if (v !== undefined) out[k] = v;
    return out as SmbClientOptions;
  }

  get clientGuid(): string {
    return (
      this.options.clientGuid ?? (this.inheritDefaults ? getDefaults().clientGuid : undefined) ?? this.ownGuid
    );
  }

  register(server: string, settings: ServerSettings): void {
    this.registry.set(server.toLowerCase(), { ...settings });
  }

  unregister(server: string): boolean {
    return this.registry.delete(server.toLowerCase());
  }

  private registered(server: string, port: number | undefined): ServerSettings | undefined {
    const s = server.toLowerCase();
    return (port !== undefined ? this.registry.get(`${s}:${port}`) : undefined) ?? this.registry.get(s);
  }

  /** Parses a path argument (string, smb: URL or SmbPath). */
  parse(input: AnyPath | SmbPath, call: CallOptions): SmbPath {
    if (typeof input === "object" && !(input instanceof URL)) return input;
    const s = input instanceof URL ? input.href : input;
    const allow = call.allowUrlPassword ?? this.effective().allowUrlPassword ?? false;
    return parseSmbPath(s, { allowUrlPassword: allow });
  }

  resolver(call: CallOptions): { resolver: PathResolver; skipDfs: boolean } {
    const o = this.effective();
    const skipDfs = !!(call.skipDfs ?? o.skipDfs);
    if (skipDfs) return { resolver: identityResolver, skipDfs };
    return { resolver: o.pathResolver ?? identityResolver, skipDfs };
  }

  /** Connect settings for `server`: call > registered > client (> global). */
  settings(
    server: string,
    urlPort: number | undefined,
    call: CallOptions,
  ): ConnectOptions & { port: number } {
    const o = this.effective();
    const reg = this.registered(server, urlPort ?? call.port);
    const pick = <K extends keyof ConnectOptions>(k: K): ConnectOptions[K] => call[k] ?? reg?.[k] ?? o[k];
    return {
      port: urlPort ?? call.port ?? reg?.port ?? o.port ?? 445,
      auth: pick("auth") ?? "negotiate",
      encrypt: pick("encrypt"),
      requireSigning: pick("requireSigning"),
      minDialect: pick("minDialect"),
      maxDialect: pick("maxDialect"),
      timeout: pick("timeout"),
      requireSecureNegotiate: pick("requireSecureNegotiate"),
      allowGuest: pick("allowGuest"),
      allowAnonymous: pick("allowAnonymous"),
      credentialsFromEnv: pick("credentialsFromEnv"),
      ciphers: pick("ciphers"),
      signingAlgorithms: pick("signingAlgorithms"),
      kerberos: pick("kerberos"),
      durable: pick("durable"),
    };
  }

  /** Pool specs for a server with the call's settings and credentials. */
  specs(
    server: string,
    port: number | undefined,
    call: CallOptions,
    urlUser?: Pick<SmbPath, "username" | "domain" | "password">,
  ): { cspec: ConnectionSpec; sspec: SessionSpec } {
    const st = this.settings(server, port, call);
    const o = this.effective();
    const reg = this.registered(server, st.port);
    const url: CredentialOptions | undefined = urlUser?.username
      ? { username: urlUser.username, domain: urlUser.domain, password: urlUser.password }
      : undefined;
    const auth = resolveAuth({
      sources: [call, url, reg, this.options, this.inheritDefaults ? getDefaults() : undefined],
      auth: st.auth ?? "negotiate",
      allowAnonymous: !!st.allowAnonymous,
      useEnv: !!st.credentialsFromEnv,
      server,
      kerberos: st.kerberos,
      cache: this.factories,
    });
    const cspec: ConnectionSpec = {
      host: server,
      port: st.port,
      options: {
        minDialect: st.minDialect,
        maxDialect: st.maxDialect,
        requireSigning: st.requireSigning,
        ciphers: st.ciphers,
        signingAlgorithms: st.signingAlgorithms,
        timeoutMs: st.timeout,
        connectTimeoutMs: st.timeout,
        requireSecureNegotiate: st.requireSecureNegotiate,
        keepProcessAlive: !!o.keepAlive,
        clientGuid: this.clientGuid,
      },
    };
    return { cspec, sspec: { auth, encrypt: !!st.encrypt, allowGuest: !!st.allowGuest } };
  }

  /** A pooled, authenticated tree. */
  async tree(
    p: Pick<SmbPath, "server" | "share" | "port" | "username" | "domain" | "password">,
    call: CallOptions,
  ): Promise<Tree> {
    const { cspec, sspec } = this.specs(p.server, p.port, call, p);
    return this.pool.tree(cspec, sspec, p.share, call.signal);
  }

  async session(
    server: string,
    port: number | undefined,
    call: CallOptions,
    urlUser?: SmbPath,
  ): Promise<Session> {
    const { cspec, sspec } = this.specs(server, port, call, urlUser);
    return this.pool.session(cspec, sspec, call.signal);
  }

  resolverContext(syscall: string, call: CallOptions, base: SmbPath): ResolverContext {
    const o = this.effective();
    const port = this.settings(base.server, base.port, call).port;
    return {
      syscall,
      signal: call.signal,
      port,
      domainController: o.domainController,
      domain: call.domain ?? base.domain ?? o.domain,
      tree: (server, share, opts) =>
        this.tree({ ...base, server, share, port: opts?.port ?? base.port }, call),
      session: (server, opts) => this.session(server, opts?.port ?? base.port, call, base),
    };
  }

  /** Transfer settings (chunk size and window) from the client options. */
  transfer(signal: AbortSignal | undefined): TransferOptions {
    const o = this.effective();
    const t: TransferOptions = { signal };
    if (o.chunkSize) t.chunkSize = o.chunkSize;
    if (o.window) t.window = o.window;
    return t;
  }

  /** Durable handle settings for a call (undefined: plain handles). */
  durable(server: string, port: number | undefined, call: CallOptions): DurableSettings | undefined {
    return durableSettings(this.settings(server, port, call).durable);
  }

  get concurrency(): number {
    return Math.max(1, this.effective().concurrency ?? 8);
  }

  /**
   * Runs `fn` on the target of `input`: resolve, connect (pooled), run; follow referrals, fail over to
   * the next candidate on a target failure, retry once on a stale pooled object; errors get fs details.
   */
  async run<T>(
    input: AnyPath | SmbPath,
    call: CallOptions,
    syscall: string,
    fn: (t: Target) => Promise<T>,
    ro: RunOptions = {},
  ): Promise<T> {
    const display =
      typeof input === "string" ? input : input instanceof URL ? input.href : formatSmbPath(input);
    const info = { syscall, path: display, dest: ro.dest };
    try {
      throwIfAborted(call.signal);
      const p = this.parse(input, call);
      if (!p.share && !ro.allowNoShare)
        throw smbFsError(FsStatus.EINVAL, info, { detail: "the path names no share" });
      const { resolver, skipDfs } = this.resolver(call);
      const ctx = this.resolverContext(syscall, call, p);
      let candidates = p.share ? await resolver.resolve(p, ctx) : [p];
      if (candidates.length === 0) candidates = [p];
      let referrals = 0;
      for (;;) {
        let firstErr: unknown;
        let referred: typeof candidates | undefined;
        for (const c of candidates) {
          const cand: SmbPath = {
            ...c,
            port: c.port ?? p.port,
            username: p.username,
            domain: p.domain,
            password: p.password,
          };
          let stale = false;
          for (;;) {
            let tree: Tree | undefined;
            try {
              tree = await this.tree(cand, call);
              return await fn(this.target(cand, tree, display, call, skipDfs));
            } catch (err) {
              if (isPathNotCovered(err) && !skipDfs) {
                if (++referrals > MAX_REFERRALS) throw err;
                const next = await resolver.refer(cand, ctx, err);
                if (next.length === 0) throw err;
                referred = next;
                break;
              }
              if (!stale && ro.idempotent !== false && isStale(err) && !call.signal?.aborted) {
                stale = true;
                if (tree && err instanceof SmbError) {
                  this.pool.invalidate(
                    err.status === NtStatus.STATUS_NETWORK_NAME_DELETED ? tree : tree.session,
                  );
                }
                continue;
              }
              // A timeout on a connection that is dead altogether: it is closed, the next call reconnects.
              if (tree && isTimeout(err)) await stillAnswers(tree.connection);
              if (isTargetFailure(err) && !call.signal?.aborted) {
                await resolver.targetFailed?.(p, cand, err, ctx);
                if (firstErr === undefined) firstErr = err;
                break;
              }
              throw err;
            }
          }
          if (referred) break;
        }
        if (referred) {
          candidates = referred;
          continue;
        }
        throw (
          firstErr ?? new SmbClientError("the path resolver returned no usable target", "ERR_SMB_NO_TARGET")
        );
      }
    } catch (err) {
      throw toFsError(err, info);
    }
  }

  private target(path: SmbPath, tree: Tree, display: string, call: CallOptions, skipDfs: boolean): Target {
    const core = this;
    return {
      path,
      tree,
      display,
      signal: call.signal,
      core,
      call,
      name: (sharePath = path.path) => createName(path, sharePath, tree, skipDfs),
      async sibling(other, syscall) {
        const o = core.parse(other as AnyPath | SmbPath, call);
        const { resolver } = core.resolver(call);
        const cands = await resolver.resolve(o, core.resolverContext(syscall, call, o));
        const same = cands.find(
          (c) =>
            c.server.toLowerCase() === path.server.toLowerCase() &&
            c.share.toLowerCase() === path.share.toLowerCase() &&
            (c.port ?? o.port ?? path.port) === path.port,
        );
        if (!same) {
          throw smbFsError(
            FsStatus.EXDEV,
            {
              syscall,
              path: display,
              dest:
                typeof other === "string" ? other : other instanceof URL ? other.href : formatSmbPath(other),
            },
            { detail: "not on the same share" },
          );
        }
        return same.path;
      },
      transfer: () => core.transfer(call.signal),
    };
  }
}

/**
 * A path string the client parses back to `p`: "//server/share/dir/file", or an smb:// URL when a
 * port is set (UNC paths cannot carry one).
 */
export function pathString(p: Pick<SmbPath, "server" | "port" | "share" | "path">): string {
  const segs = [p.share, ...(p.path ? p.path.split("\\") : [])].filter((s) => s !== "");
  if (p.port !== undefined) {
    const host = p.server.includes(":") ? `[${p.server}]` : p.server;
    return `smb://${host}:${p.port}/${segs.map((s) => encodeURIComponent(s)).join("/")}`;
  }
  return `//${p.server}/${segs.join("/")}`;
}
