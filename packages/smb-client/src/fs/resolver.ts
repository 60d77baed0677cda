/**
 * The path resolution plug-in point of the high-level API (a stable interface: smb-dfs implements it).
 *
 * Every high-level call goes through a PathResolver before it touches the network:
 *
 * 1. `resolve(path, ctx)` turns the caller's path into candidate targets, best first. The default
 *    (identity) resolver returns `[path]`; a DFS resolver returns the referral's targets (a DFS link
 *    `\\domain\dfs\link\rest` becomes `\\fs1\share\rest`, `\\fs2\share\rest` ...).
 * 2. The call runs on the first candidate. When the server answers STATUS_PATH_NOT_COVERED (the path
 *    crosses a DFS link the client did not resolve), the client calls `refer(candidate, ctx, err)` and
 *    starts over with the candidates it returns (an empty list gives the caller the original error).
 *    At most 8 referrals are followed per call.
 * 3. When a candidate fails as a target (connection refused or reset, timeout, unknown host,
 *    STATUS_BAD_NETWORK_NAME, STATUS_BAD_NETWORK_PATH, STATUS_NETWORK_NAME_DELETED ...), the client
 *    reports it with `targetFailed(path, candidate, err, ctx)` and moves on to the next candidate; when
 *    all fail, the first candidate's error is thrown. Any other error (ENOENT, EACCES ...) is the answer
 *    and is thrown at once.
 *
 * A candidate keeps the caller's port (or the client's) unless it names one. On a share whose
 * TREE_CONNECT said SHI1005_FLAGS_DFS (`Tree.isDfs`), CREATE names are full DFS paths without the leading
 * backslash ("server\\share\\dir\\file") with SMB2_FLAGS_DFS_OPERATIONS set (MS-SMB2 2.2.13, 3.2.4.3), so
 * the server can answer STATUS_PATH_NOT_COVERED; elsewhere they are relative to the share. With
 * `skipDfs` the identity resolver is used and names are always share-relative.
 *
 * The context gives the resolver authenticated trees on any server/share through the client's pool
 * with the call's credentials (e.g. IPC$ for FSCTL_DFS_GET_REFERRALS), the call's signal, and the
 * client's DFS settings.
 */
import { NtStatus } from "smb-structures";
import { SmbError } from "../errors.js";
import type { Session } from "../session.js";
import type { SmbPath } from "../smb-path.js";
import type { Tree } from "../tree.js";

export interface ResolverContext {
  /** The high-level operation being resolved for ("open", "stat", "readdir" ...). */
  readonly syscall: string;
  /** The call's signal. */
  readonly signal: AbortSignal | undefined;
  /** The port used for a candidate that names none. */
  readonly port: number;
  /** The client's `domainController` option (for domain referrals). */
  readonly domainController: string | undefined;
  /** The domain of the call's credentials, if any. */
  readonly domain: string | undefined;
  /** An authenticated tree on `share` of `server`, from the pool, with the call's credentials. */
  tree(server: string, share: string, opts?: { port?: number }): Promise<Tree>;
  /** An authenticated session on `server`, from the pool, with the call's credentials. */
  session(server: string, opts?: { port?: number }): Promise<Session>;
}

export interface PathResolver {
  /** Candidate targets for `path`, best first (at least one). */
  resolve(path: SmbPath, ctx: ResolverContext): Promise<SmbPath[]>;
  /**
   * The server refused `path` (a candidate as it was sent) with STATUS_PATH_NOT_COVERED: return the
   * targets of the referral, best first, or [] to fail with `err`.
   */
  refer(path: SmbPath, ctx: ResolverContext, err: SmbError): Promise<SmbPath[]>;
  /** `target`, a candidate for `path`, failed as a target with `err`; the next candidate is tried. */
  targetFailed?(path: SmbPath, target: SmbPath, err: unknown, ctx: ResolverContext): void | Promise<void>;
}

/** The resolver used without DFS: every path is its own single target; no referrals. */
export const identityResolver: PathResolver = {
  async resolve(path) {
    return [path];
  },
  async refer() {
    return [];
  },
};

const TARGET_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ERR_SMB_CONNECTION_CLOSED",
  "ERR_SMB_CONNECT_TIMEOUT",
]);

const TARGET_STATUSES = new Set<number>(
  [
    NtStatus.STATUS_BAD_NETWORK_NAME,
    NtStatus.STATUS_BAD_NETWORK_PATH,
    NtStatus.STATUS_NETWORK_NAME_DELETED,
    NtStatus.STATUS_NETWORK_UNREACHABLE,
    NtStatus.STATUS_HOST_UNREACHABLE,
    NtStatus.STATUS_CONNECTION_REFUSED,
    NtStatus.STATUS_IO_TIMEOUT,
    NtStatus.STATUS_FS_DRIVER_REQUIRED,
  ].filter((s) => s !== undefined),
);

/** True when `err` says the target itself is unusable (try the next candidate), not the path. */
export function isTargetFailure(err: unknown): boolean {
  if (err instanceof SmbError) return TARGET_STATUSES.has(err.status);
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && TARGET_ERROR_CODES.has(code);
}

/** True for STATUS_PATH_NOT_COVERED. */
export function isPathNotCovered(err: unknown): err is SmbError {
  return err instanceof SmbError && err.status === NtStatus.STATUS_PATH_NOT_COVERED;
}

/** The CREATE name of `sharePath` on `tree` for a target: DFS form on DFS shares unless skipped. */
export function createName(
  target: SmbPath,
  sharePath: string,
  tree: Tree,
  skipDfs: boolean,
): { name: string; dfs: boolean } {
  if (skipDfs || !tree.isDfs) return { name: sharePath, dfs: false };
  const name = sharePath
    ? `${target.server}\\${target.share}\\${sharePath}`
    : `${target.server}\\${target.share}`;
  return { name, dfs: true };
}

/** Most referrals followed for one call (a referral loop fails instead of spinning). */
export const MAX_REFERRALS = 8;
