/** shares, info and watch. */
import { Connection, type NegotiatedState, type Session, type ShareInfo, type Tree } from "smb-client";
import {
  formatFlags,
  GlobalCapabilities,
  SecurityMode,
  SessionFlags,
  ShareCapabilities,
  ShareFlags,
} from "smb-structures";
import type { Context } from "../context.js";
import { exitCodeFor, UsageError } from "../errors.js";
import { formatBytes, formatTable } from "../format.js";
import { clientPath, displayPath, isRemote, joinRemote, parseRemote, type RemotePath } from "../paths.js";
import { listShares, watchRemote, withSession } from "../remote.js";
import type { Run } from "../run.js";

/** "//server", "\\\\server", "smb://user@server:port", "server" or "server:port" -> IPC$ of that server. */
export function parseServer(arg: string): RemotePath {
  if (isRemote(arg)) {
    const p = parseRemote(arg, { needShare: false });
    return { ...p, share: "IPC$", path: "" };
  }
  const v6 =
    /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(arg) ??
    /^([0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)()$/.exec(arg);
  const m = v6 ?? /^([A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(arg);
  if (!m?.[1]) throw new UsageError(`not a server name: '${arg}'`);
  const out: RemotePath = { server: m[1], share: "IPC$", path: "" };
  if (m[2]) out.port = Number(m[2]);
  return out;
}

export interface ShareJson {
  name: string;
  type: ShareInfo["type"];
  special: boolean;
  temporary: boolean;
  remark: string;
}

/** smb shares [--json] <server> */
export async function sharesCmd(run: Run, server: string, o: { json?: boolean }): Promise<void> {
  const ipc = parseServer(server);
  await run.attempt(displayPath({ ...ipc, share: "" }), async () => {
    const client = await run.client(ipc.server);
    const shares = await listShares(client, clientPath(ipc));
    shares.sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }));
    if (o.json) {
      for (const s of shares) {
        const j: ShareJson = {
          name: s.name,
          type: s.type,
          special: s.special,
          temporary: s.temporary,
          remark: s.remark,
        };
        await run.json(j);
      }
      return;
    }
    const rows = [["Name", "Type", "Comment"], ...shares.map((s) => [s.name, s.type, s.remark])];
    await run.out(formatTable(rows).join("\n"));
  });
}

// -- info -----------------------------------------------------------------------------------------

export interface InfoJson {
  server: string;
  port: number;
  dialect: string;
  cipher: string | null;
  signingAlgorithm: string;
  /** The server requires signing (its SecurityMode), or the client asked for it. */
  signingRequired: boolean;
  securityMode: string[];
  capabilities: string[];
  capabilitiesValue: number;
  maxReadSize: number;
  maxWriteSize: number;
  maxTransactSize: number;
  serverGuid: string;
  serverTime: string | null;
  session: {
    user: string | null;
    flags: string[];
    guest: boolean;
    anonymous: boolean;
    /** Every request of the session is encrypted. */
    encrypted: boolean;
    /** Requests are signed (when not encrypted). */
    signed: boolean;
  } | null;
  /** The IPC$ tree used to authenticate (share flags and capabilities). */
  tree: { shareFlags: string[]; capabilities: string[]; encrypted: boolean } | null;
  /** Why the session part is missing (authentication failed), when it is. */
  error?: string;
}

function names(value: number, table: Record<string, number>): string[] {
  const s = formatFlags(value >>> 0, table);
  return s === "0" ? [] : s.split("|");
}

function filetimeIso(ft: bigint): string | null {
  if (ft === 0n) return null;
  const ms = Number((ft - 116444736000000000n) / 10000n);
  return new Date(ms).toISOString();
}

function negotiatedJson(host: string, port: number, n: NegotiatedState, requireSigning: boolean): InfoJson {
  return {
    server: host,
    port,
    dialect: n.dialectName,
    cipher: n.cipher ?? null,
    signingAlgorithm: n.signingAlgorithm,
    signingRequired: n.signingRequired || requireSigning,
    securityMode: names(n.securityMode, SecurityMode),
    capabilities: names(n.capabilities, GlobalCapabilities),
    capabilitiesValue: n.capabilities >>> 0,
    maxReadSize: n.maxReadSize,
    maxWriteSize: n.maxWriteSize,
    maxTransactSize: n.maxTransactSize,
    serverGuid: n.serverGuid,
    serverTime: filetimeIso(n.serverTime),
    session: null,
    tree: null,
  };
}

function sessionJson(s: Session, user: string | undefined): NonNullable<InfoJson["session"]> {
  return {
    user: s.isAnonymous ? null : (user ?? null),
    flags: names(s.flags, SessionFlags),
    guest: s.isGuest,
    anonymous: s.isAnonymous,
    encrypted: s.encryptData,
    signed: !s.encryptData && s.signingRequired,
  };
}

function treeJson(t: Tree): NonNullable<InfoJson["tree"]> {
  return {
    shareFlags: names(t.shareFlags & ~0x30, ShareFlags),
    capabilities: names(t.capabilities, ShareCapabilities),
    encrypted: t.encryptData,
  };
}

function size(n: number): string {
  return `${formatBytes(n)} (${n})`;
}

export function infoLines(j: InfoJson): string[] {
  const rows: string[][] = [
    ["server", `${j.server}:${j.port}`],
    ["dialect", `SMB ${j.dialect}`],
    ["cipher", j.cipher ?? "none"],
    ["signing", j.signingAlgorithm],
    ["signing required", j.signingRequired ? "yes" : "no"],
    ["security mode", j.securityMode.join(" ") || "none"],
    [
      "capabilities",
      `${j.capabilities.join(" ") || "none"} (0x${j.capabilitiesValue.toString(16).padStart(8, "0")})`,
    ],
    ["max read", size(j.maxReadSize)],
    ["max write", size(j.maxWriteSize)],
    ["max transact", size(j.maxTransactSize)],
    ["server guid", j.serverGuid],
    ["server time", j.serverTime ?? "-"],
  ];
  if (j.session) {
    const s = j.session;
    rows.push(
      ["user", s.anonymous ? "(anonymous)" : `${s.user ?? "?"}${s.guest ? " (guest)" : ""}`],
      ["session flags", s.flags.join(" ") || "none"],
      ["encryption", s.encrypted ? `on (${j.cipher ?? "?"})` : "off"],
      ["signed", s.signed ? `yes (${j.signingAlgorithm})` : s.encrypted ? "n/a (encrypted)" : "no"],
    );
  }
  if (j.tree) rows.push(["IPC$ share flags", j.tree.shareFlags.join(" ") || "none"]);
  if (j.error) rows.push(["session", `not established: ${j.error}`]);
  return formatTable(rows.map(([k, v]) => [`${k}:`, v!]));
}

/** smb info [--json] <server>: what NEGOTIATE settled and, after authentication, the session. */
export async function infoCmd(run: Run, server: string, o: { json?: boolean }): Promise<void> {
  const ipc = parseServer(server);
  const ctx = run.ctx;
  const port = ipc.port ?? ctx.port ?? 445;
  await run.attempt(displayPath({ ...ipc, share: "" }), async () => {
    const client = await run.client(ipc.server);
    const opts = client.options;
    let info: InfoJson;
    try {
      info = await withSession(client, clientPath(ipc), async (session, tree) => {
        const j = negotiatedJson(ipc.server, port, session.connection.negotiated, !!opts.requireSigning);
        j.session = sessionJson(session, ctx.username);
        j.tree = treeJson(tree);
        return j;
      });
    } catch (err) {
      // Authentication (or the tree) failed: still show what NEGOTIATE says, then report the failure.
      const code = exitCodeFor(err);
      if (code !== 3) throw err;
      const conn = await Connection.connect({
        host: ipc.server,
        port,
        minDialect: opts.minDialect,
        maxDialect: opts.maxDialect,
        requireSigning: opts.requireSigning,
        timeoutMs: opts.timeout,
        connectTimeoutMs: opts.timeout,
      });
      try {
        info = negotiatedJson(ipc.server, port, conn.negotiated, !!opts.requireSigning);
      } finally {
        await conn.close().catch(() => {});
      }
      info.error = (err as Error).message;
      if (o.json) await run.json(info);
      else await run.out(infoLines(info).join("\n"));
      throw err;
    }
    if (o.json) await run.json(info);
    else await run.out(infoLines(info).join("\n"));
  });
}

// -- watch ----------------------------------------------------------------------------------------

export interface WatchJson {
  time: string;
  action: string;
  /** Path relative to the watched directory ("/"-separated); "" with action "overflow". */
  name: string;
  path: string;
}

/** smb watch [-r] [--json] <path>: change notifications until Ctrl-C (or --timeout-like `signal`). */
export async function watchCmd(
  run: Run,
  arg: string,
  o: { recursive?: boolean; json?: boolean; count?: number },
  signal: AbortSignal,
): Promise<void> {
  const rp = parseRemote(arg);
  const ctx: Context = run.ctx;
  await run.attempt(displayPath(rp), async () => {
    const client = await run.client(rp.server);
    const ac = new AbortController();
    const stop = () => ac.abort();
    signal.addEventListener("abort", stop, { once: true });
    let seen = 0;
    try {
      run.io.stderr.write(`watching ${displayPath(rp)}${ctx.io.stderr.isTTY ? " (Ctrl-C to stop)" : ""}\n`);
      await watchRemote(
        client,
        clientPath(rp),
        { recursive: !!o.recursive, signal: ac.signal },
        async (e) => {
          const time = new Date().toISOString();
          const name = e.filename ?? "";
          const path = displayPath(name ? joinRemote(rp, name) : rp);
          if (o.json) await run.json({ time, action: e.action, name, path } satisfies WatchJson);
          else
            await run.out(
              `${time}  ${e.action.padEnd(12)}  ${name || "(too many changes: re-read the directory)"}`,
            );
          if (o.count && ++seen >= o.count) ac.abort();
        },
      );
    } finally {
      signal.removeEventListener("abort", stop);
    }
  });
}
