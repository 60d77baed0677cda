/**
 * Durable handles for the high-level API (MS-SMB2 3.2.4.3.5, 3.2.4.4). Files held open by handles,
 * streams and long transfers ask for durability. When a request on one fails because the connection
 * dropped (or the server forgot the session or tree), the handle takes a fresh tree through the pool
 * (a new connection with the client's GUID; a session authenticated with the lost one as
 * PreviousSessionId), reclaims the open (Open.reconnect: next ChannelSequence) and the request runs
 * again with the replay flag. Requests in flight on one handle share one reclaim. Reclaiming is
 * bounded (attempts, the durable timeout); when it is impossible every request of the handle fails
 * with ECONNRESET (handleLostError) naming the status -- never a short transfer reported complete.
 */
import { NtStatus, randomGuid, ShareCapabilities } from "smb-structures";
import { ConnectionClosedError } from "smb-transport";
import { SmbError } from "../errors.js";
import { log } from "../log.js";
import type { CreateOptions, Open } from "../open.js";
import type { RequestRetry } from "../transfer.js";
import type { Tree } from "../tree.js";
import type { Target } from "./core.js";
import { handleLostError } from "./errors.js";
import { isTimeout, stillAnswers } from "./liveness.js";
import { openAt } from "./handles.js";
import { type ConnectionPool, raceSignal } from "./pool.js";
import type { DurableOptions } from "./types.js";

export interface DurableSettings {
  /** Durable timeout asked of the server, and the client's deadline to reclaim (ms). */
  timeoutMs: number;
  /** Reclaims one request may go through. */
  attempts: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_ATTEMPTS = 3;
/** Pause between failed reconnects (doubling up to the maximum), within the deadline. */
const BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1000;
/**
 * A server may answer the reconnect before it has finished tearing down the lost connection (Samba:
 * the old smbd still holds the open for a moment): "no such handle" is final only after this long.
 */
const TEARDOWN_GRACE_MS = 2000;
const NOT_YET = new Set<number>([NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, NtStatus.STATUS_FILE_NOT_AVAILABLE]);

/** Settings from the `durable` option (default on); undefined when durability is off. */
export function durableSettings(v: boolean | DurableOptions | undefined): DurableSettings | undefined {
  if (v === false) return undefined;
  const o = typeof v === "object" ? v : {};
  return {
    timeoutMs: Math.max(1, o.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    attempts: Math.max(1, o.attempts ?? DEFAULT_ATTEMPTS),
  };
}

/** The server forgot the session or tree (its connection may still be up). */
const FORGOTTEN = new Set<number>([
  NtStatus.STATUS_USER_SESSION_DELETED,
  NtStatus.STATUS_NETWORK_NAME_DELETED,
]);

/** True when `err` means the request's connection, session or tree is gone (its reply may be lost). */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof SmbError) return FORGOTTEN.has(err.status);
  return (err as { code?: unknown } | undefined)?.code === "ERR_SMB_CONNECTION_CLOSED";
}

export interface DurableHandleSource {
  pool: ConnectionPool;
  /** A pooled tree of the same server, share and identity (reconnecting when needed). */
  tree: (signal: AbortSignal) => Promise<Tree>;
  settings: DurableSettings | undefined;
  /** The caller's path, for errors. */
  path: string;
}

/** An open file of the high-level API and its recovery after a lost connection. */
export class DurableHandle {
  /** Bumped by each reclaim: a request sent before the current one just runs again. */
  private generation = 0;
  private reclaiming: Promise<void> | undefined;
  /** Set when reclaiming failed: every later request fails with it. */
  private lost: Error | undefined;
  private closing = false;

  constructor(
    readonly open: Open,
    private readonly source: DurableHandleSource,
  ) {}

  /**
   * Opens `sharePath` on the target, durable unless the call's `durable` option is false (or
   * `plain`: directories, pipes).
   */
  static async open(t: Target, sharePath: string, o: CreateOptions, plain = false): Promise<DurableHandle> {
    const settings = plain ? undefined : t.core.durable(t.path.server, t.path.port, t.call);
    const { signal: _ignored, ...call } = t.call;
    const source: DurableHandleSource = {
      pool: t.core.pool,
      tree: (signal) => t.core.tree(t.path, { ...call, signal }),
      settings,
      path: t.display,
    };
    if (!settings) return new DurableHandle(await openAt(t, sharePath, o), source);
    // MS-SMB2 3.2.4.3.5: a continuously available share gets a persistent handle.
    const persistent = !!(t.tree.capabilities & ShareCapabilities.CONTINUOUS_AVAILABILITY);
    const durable = {
      timeoutMs: settings.timeoutMs,
      persistent,
      createGuid: randomGuid(),
      leaseKey: randomGuid(),
    };
    const conn = t.tree.connection;
    try {
      return new DurableHandle(await openAt(t, sharePath, { ...o, durable }), source);
    } catch (err) {
      if (
        !isConnectionLoss(err) ||
        conn.dialect < 0x0300 ||
        t.signal?.aborted ||
        source.pool.closedLocally(conn)
      )
        throw err;
      // The connection dropped under the CREATE, which may have opened the file: send it again on a
      // fresh connection with the same CreateGuid and the replay flag, so a server that did open it
      // returns that open instead of leaving it behind (MS-SMB2 3.3.5.9.10).
      log("replaying the CREATE of %s after a lost connection", t.display);
      const tree = await t.core.tree(t.path, t.call);
      const { name, dfs } = t.name(sharePath);
      const replayed = tree.create(name, { ...o, dfs, durable, replay: true });
      const open = await raceSignal(replayed, t.signal).catch((e: unknown) => {
        // A server that does not recognise the replay (Samba) opens anew: an exclusive create then
        // collides with the file the lost CREATE may have made. Whether it did is unknown: the loss.
        throw SmbError.is(e, NtStatus.STATUS_OBJECT_NAME_COLLISION) ? err : e;
      });
      return new DurableHandle(open, source);
    }
  }

  /** The server granted durability (a lost connection can be recovered from). */
  get durable(): boolean {
    return !!this.source.settings && !!this.open.durable?.granted;
  }

  /**
   * Runs one request on the handle; after a lost connection, reclaims the handle and runs it again
   * with `replay` set (at most `attempts` reclaims). For transfer.ts as TransferOptions.retry.
   */
  readonly retry: RequestRetry = async (attempt, signal) => {
    let replay = false;
    let reclaims = 0;
    for (;;) {
      if (this.lost) throw this.lost;
      const generation = this.generation;
      try {
        return await attempt(replay);
      } catch (failure) {
        let err = failure;
        const settings = this.source.settings;
        // A timeout on a connection that no longer answers at all is a lost connection too.
        const conn = this.open.connection;
        if (settings && isTimeout(err) && !(await stillAnswers(conn))) {
          err = new ConnectionClosedError("no answer to a request nor to an ECHO", { cause: err });
        }
        if (!settings || !isConnectionLoss(err) || signal?.aborted || this.closing) throw failure;
        // The client closed its pool (close()): no reclaim behind the caller's back.
        if (this.source.pool.closedLocally(conn)) throw failure;
        if (++reclaims > settings.attempts) {
          throw this.fail(err, `the connection was lost ${reclaims} times under one request`);
        }
        // The reclaim goes on for the handle's other requests when this caller gives up.
        await raceSignal(this.reclaim(generation, err), signal);
        replay = true;
      }
    }
  };

  /** Pipelined transfer options with this handle's recovery. */
  transfer<T extends object>(t: T): T & { retry: RequestRetry } {
    return { ...t, retry: this.retry };
  }

  /**
   * CLOSE. When the connection is gone but the handle durable, it is reclaimed first (once, within
   * the deadline) so the server does not keep it open until its durable timeout; the data confirmed
   * before stays confirmed either way.
   */
  async close(): Promise<void> {
    this.closing = true;
    const open = this.open;
    if (open.closed) return;
    if (open.connection.closed && this.durable && !this.lost) {
      await (this.reclaiming ?? this.reclaim(this.generation, undefined)).catch(() => {});
    }
    await open.close();
  }

  /** One reclaim per generation: concurrent failed requests wait for the same one. */
  private reclaim(generation: number, cause: unknown): Promise<void> {
    if (this.lost) return Promise.reject(this.lost);
    if (generation !== this.generation) return Promise.resolve();
    this.reclaiming ??= this.doReclaim(cause).then(
      () => {
        this.generation++;
        this.reclaiming = undefined;
      },
      (err: Error) => {
        this.lost = err;
        this.reclaiming = undefined;
        throw err;
      },
    );
    return this.reclaiming;
  }

  private async doReclaim(cause: unknown): Promise<void> {
    const open = this.open;
    const settings = this.source.settings!;
    if (!open.durable?.granted) {
      throw this.fail(cause, "the server did not grant a durable handle");
    }
    const pool = this.source.pool;
    // A live connection whose session or tree the server forgot: drop them from the pool.
    if (!open.connection.closed) {
      pool.invalidate(
        cause instanceof SmbError && cause.status === NtStatus.STATUS_NETWORK_NAME_DELETED
          ? open.tree
          : open.tree.session,
      );
    }
    const start = Date.now();
    const deadline = start + Math.min(settings.timeoutMs, open.durable.timeoutMs);
    let last: unknown = cause;
    for (let i = 0; ; i++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const signal = AbortSignal.timeout(left);
      try {
        const tree = await this.source.tree(signal);
        await open.reconnect(tree, signal);
        log("reclaimed %s after a lost connection", this.source.path);
        if (this.closing) await open.close().catch(() => {});
        return;
      } catch (err) {
        last = err;
        // The server answered (no such durable handle, refused): final, after the teardown grace.
        // Otherwise (cannot connect, dropped again, timed out) try again until the deadline.
        if (err instanceof SmbError && !(NOT_YET.has(err.status) && Date.now() - start < TEARDOWN_GRACE_MS))
          break;
        log("reclaiming %s: %s", this.source.path, (err as Error).message);
        const pause = Math.min(BACKOFF_MS * 2 ** i, MAX_BACKOFF_MS, deadline - Date.now());
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      }
    }
    throw this.fail(
      last,
      last instanceof SmbError
        ? "the server refused to reclaim the durable handle"
        : `the durable handle could not be reclaimed within ${deadline - start} ms`,
    );
  }

  /** The typed error of a lost handle: the server's status when it answered, else DISCONNECTED. */
  private fail(cause: unknown, why: string): Error {
    const status = cause instanceof SmbError ? cause.status : NtStatus.STATUS_CONNECTION_DISCONNECTED;
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    return handleLostError(
      status,
      { syscall: "reclaim", path: this.source.path },
      `the connection was lost and ${why}${reason}`,
      cause,
    );
  }
}
