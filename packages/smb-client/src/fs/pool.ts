/**
 * The connection pool of a client: one Connection per server:port (and connection settings), sessions
 * on it keyed by the identity they authenticated (never handed to another user), trees keyed by share.
 * Everything is created on first use and shared by concurrent callers (one connect, one SESSION_SETUP,
 * one TREE_CONNECT however many calls wait for it). A connection that dies is dropped at once (onClose)
 * and the next call reconnects; a session or tree the server forgot (expired, deleted) is dropped by
 * `invalidate` and re-made by the retry. A session lost with its connection is remembered: the next
 * session for the same identity authenticates with it as PreviousSessionId (MS-SMB2 3.2.4.2.3), so the
 * server tears the old one down and its durable handles can be reclaimed. Idle connections do not keep
 * the process alive unless the client asks (`keepAlive`).
 */
import { Connection } from "../connection.js";
import type { ConnectionOptions } from "../options.js";
import type { Session } from "../session.js";
import type { Tree } from "../tree.js";
import type { ResolvedAuth } from "./auth.js";
import { abortError } from "./errors.js";

export interface ConnectionSpec {
  /** Server name as written in the path (SPN, netname context, tree paths). */
  host: string;
  port: number;
  options: Omit<ConnectionOptions, "host" | "port">;
}

export interface SessionSpec {
  auth: ResolvedAuth;
  encrypt: boolean;
  allowGuest: boolean;
}

interface SessionEntry {
  key: string;
  promise: Promise<Session>;
  session?: Session;
  trees: Map<string, { promise: Promise<Tree>; tree?: Tree }>;
}

interface ConnectionEntry {
  key: string;
  promise: Promise<Connection>;
  conn?: Connection;
  sessions: Map<string, SessionEntry>;
}

/** Resolves with `p` unless `signal` aborts first (the shared work goes on for the other waiters). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function connectionKey(spec: ConnectionSpec): string {
  const o = spec.options;
  return JSON.stringify([
    spec.host.toLowerCase(),
    spec.port,
    o.address,
    o.minDialect,
    o.maxDialect,
    !!o.requireSigning,
    o.ciphers,
    o.signingAlgorithms,
    o.requireSecureNegotiate,
    // The per-request timeout is a connection setting: a call with its own gets a connection with it.
    o.timeoutMs,
  ]);
}

export class ConnectionPool {
  private readonly connections = new Map<string, ConnectionEntry>();
  /** SessionIds of sessions lost with their connection, by connection + session key. */
  private readonly lost = new Map<string, bigint>();
  /** Connections this pool closed on purpose (close, invalidate): not a lost connection. */
  private readonly closedHere = new WeakSet<Connection>();

  /** Number of live pooled connections, sessions and trees (for tests and diagnostics). */
  get size(): { connections: number; sessions: number; trees: number } {
    let sessions = 0;
    let trees = 0;
    for (const c of this.connections.values()) {
      sessions += c.sessions.size;
      for (const s of c.sessions.values()) trees += s.trees.size;
    }
    return { connections: this.connections.size, sessions, trees };
  }

  /** The pooled connections (live ones). */
  get liveConnections(): Connection[] {
    return [...this.connections.values()].flatMap((e) => (e.conn && !e.conn.closed ? [e.conn] : []));
  }

  async connection(spec: ConnectionSpec, signal?: AbortSignal): Promise<ConnectionEntry> {
    const key = connectionKey(spec);
    for (;;) {
      let entry = this.connections.get(key);
      if (entry?.conn?.closed) {
        this.connections.delete(key);
        entry = undefined;
      }
      if (!entry) {
        const e: ConnectionEntry = { key, sessions: new Map(), promise: undefined as never };
        e.promise = Connection.connect({ ...spec.options, host: spec.host, port: spec.port }).then(
          (conn) => {
            e.conn = conn;
            conn.onClose(() => {
              if (this.connections.get(key) === e) this.connections.delete(key);
              // Closed here on purpose (its sessions logged off first): nothing was lost.
              if (this.closedHere.has(conn)) return;
              for (const s of e.sessions.values()) {
                if (s.session && s.session.sessionId !== 0n)
                  this.lost.set(`${key}\0${s.key}`, s.session.sessionId);
              }
            });
            if (conn.closed && this.connections.get(key) === e) this.connections.delete(key);
            return conn;
          },
          (err) => {
            if (this.connections.get(key) === e) this.connections.delete(key);
            throw err;
          },
        );
        e.promise.catch(() => {});
        this.connections.set(key, e);
        entry = e;
      }
      const conn = await raceSignal(entry.promise, signal);
      if (!conn.closed) return entry;
      // closed between connect and now: drop and reconnect
      if (this.connections.get(key) === entry) this.connections.delete(key);
    }
  }

  async session(cspec: ConnectionSpec, sspec: SessionSpec, signal?: AbortSignal): Promise<Session> {
    return (await this.sessionEntry(cspec, sspec, signal)).session!;
  }

  private async sessionEntry(
    cspec: ConnectionSpec,
    sspec: SessionSpec,
    signal?: AbortSignal,
  ): Promise<SessionEntry> {
    for (let attempt = 0; ; attempt++) {
      const centry = await this.connection(cspec, signal);
      const conn = centry.conn!;
      const key = `${sspec.auth.key}\0${sspec.encrypt ? 1 : 0}${sspec.allowGuest ? 1 : 0}`;
      let entry = centry.sessions.get(key);
      if (!entry) {
        const e: SessionEntry = { key, trees: new Map(), promise: undefined as never };
        const lostKey = `${centry.key}\0${key}`;
        e.promise = (async () => {
          const mech = sspec.auth.factory().create({ targetName: cspec.host });
          const previousSessionId = this.lost.get(lostKey);
          const s = await conn.authenticate(mech, {
            encrypt: sspec.encrypt,
            allowGuest: sspec.allowGuest,
            allowAnonymous: sspec.auth.anonymous,
            previousSessionId,
          });
          if (this.lost.get(lostKey) === previousSessionId) this.lost.delete(lostKey);
          e.session = s;
          return s;
        })();
        e.promise.catch(() => {
          if (centry.sessions.get(key) === e) centry.sessions.delete(key);
        });
        centry.sessions.set(key, e);
        entry = e;
      }
      try {
        await raceSignal(entry.promise, signal);
        return entry;
      } catch (err) {
        // The connection died under the SESSION_SETUP: one more try on a fresh connection.
        if (conn.closed && attempt === 0 && !signal?.aborted) continue;
        throw err;
      }
    }
  }

  async tree(cspec: ConnectionSpec, sspec: SessionSpec, share: string, signal?: AbortSignal): Promise<Tree> {
    for (let attempt = 0; ; attempt++) {
      const sentry = await this.sessionEntry(cspec, sspec, signal);
      const session = sentry.session!;
      const key = share.toLowerCase();
      let entry = sentry.trees.get(key);
      if (!entry) {
        const e: { promise: Promise<Tree>; tree?: Tree } = { promise: undefined as never };
        e.promise = session.connectTree(share).then((t) => {
          e.tree = t;
          return t;
        });
        e.promise.catch(() => {
          if (sentry.trees.get(key) === e) sentry.trees.delete(key);
        });
        sentry.trees.set(key, e);
        entry = e;
      }
      try {
        return await raceSignal(entry.promise, signal);
      } catch (err) {
        if (session.connection.closed && attempt === 0 && !signal?.aborted) continue;
        throw err;
      }
    }
  }

  /** Forgets a tree, session or connection the server no longer knows (the next call re-creates it). */
  invalidate(what: Tree | Session | Connection): void {
    for (const [ck, c] of this.connections) {
      if (c.conn === what) {
        this.connections.delete(ck);
        this.closedHere.add(c.conn);
        c.conn.close().catch(() => {});
        return;
      }
      for (const [sk, s] of c.sessions) {
        if (s.session === what) {
          c.sessions.delete(sk);
          return;
        }
        for (const [tk, t] of s.trees) {
          if (t.tree === what) {
            s.trees.delete(tk);
            return;
          }
        }
      }
    }
  }

  /** Logs off and closes every pooled connection. The pool stays usable (it reconnects on demand). */
  async close(): Promise<void> {
    const entries = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      entries.map(async (e) => {
        const conn = await e.promise.catch(() => undefined);
        if (conn) this.closedHere.add(conn);
        await conn?.close().catch(() => {});
      }),
    );
    this.lost.clear();
  }

  /** True for a connection the pool closed itself (close(), invalidate()), not one that was lost. */
  closedLocally(conn: Connection): boolean {
    return this.closedHere.has(conn);
  }
}
