/** smb ls [-l] [-a] [-R] [-h] [--json] <path...> */
import type { SmbClient, SmbStats } from "smb-client";
import {
  type Entry,
  entryFromDirent,
  entryFromStats,
  entryJson,
  isHidden,
  longLines,
  sortEntries,
} from "../entry.js";
import { formatColumns, quoteName } from "../format.js";
import {
  clientPath,
  displayPath,
  hasWildcard,
  joinRemote,
  parseRemote,
  type RemotePath,
  remoteBasename,
  remoteParent,
} from "../paths.js";
import type { Run } from "../run.js";

export interface LsOptions {
  long?: boolean;
  all?: boolean;
  recursive?: boolean;
  json?: boolean;
  human?: boolean;
}

function isNotDir(err: unknown): boolean {
  const e = err as { code?: string; ntstatus?: string };
  return e?.code === "ENOTDIR" || e?.ntstatus === "STATUS_NOT_A_DIRECTORY";
}

/** The entries of a directory (sorted; hidden ones left out unless `all`), optionally filtered by a glob. */
export async function listDir(
  client: SmbClient,
  dir: RemotePath,
  opts: { all?: boolean; pattern?: string; signal?: AbortSignal; ids?: boolean } = {},
): Promise<Entry[]> {
  const out: Entry[] = [];
  const parent = displayPath(dir);
  const scanOpts: { pattern?: string; signal?: AbortSignal; ids?: boolean } = {};
  if (opts.pattern) scanOpts.pattern = opts.pattern;
  if (opts.signal) scanOpts.signal = opts.signal;
  if (opts.ids === false) scanOpts.ids = false;
  for await (const d of client.scandir(clientPath(dir), scanOpts)) {
    const e = entryFromDirent(d, parent);
    if (!opts.all && isHidden(e)) continue;
    out.push(e);
  }
  return sortEntries(out);
}

export async function statEntry(client: SmbClient, p: RemotePath): Promise<Entry> {
  const s = (await client.stat(clientPath(p))) as SmbStats;
  return entryFromStats(remoteBasename(p) || p.share, displayPath(p), s);
}

export async function ls(run: Run, paths: string[], o: LsOptions): Promise<void> {
  const many = paths.length > 1 || !!o.recursive;
  // Names alone (piped, not recursive) need no file ids or reparse tags: the server's cheaper listing.
  const ids = !!(o.long || o.json || o.recursive || run.io.stdout.isTTY);
  let first = true;
  for (const arg of paths) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      const base = remoteBasename(rp);
      if (hasWildcard(base)) {
        const entries = await listDir(client, remoteParent(rp), {
          all: true,
          pattern: base,
          signal: run.signal,
          ids,
        });
        await printEntries(run, entries, o, undefined);
        return;
      }
      let entries: Entry[];
      try {
        entries = await listDir(client, rp, { ...o, signal: run.signal, ids });
      } catch (err) {
        if (!isNotDir(err)) throw err;
        await printEntries(run, [await statEntry(client, rp)], o, undefined);
        return;
      }
      await printEntries(run, entries, o, many ? `${first ? "" : "\n"}${displayPath(rp)}:` : undefined);
      first = false;
      if (o.recursive) await recurse(run, client, rp, entries, o);
    });
  }
}

async function recurse(run: Run, client: SmbClient, dir: RemotePath, entries: Entry[], o: LsOptions) {
  for (const e of entries) {
    if (e.type !== "directory") continue;
    const sub = joinRemote(dir, e.name);
    await run.attempt(displayPath(sub), async () => {
      const children = await listDir(client, sub, { ...o, signal: run.signal });
      await printEntries(run, children, o, `\n${displayPath(sub)}:`);
      await recurse(run, client, sub, children, o);
    });
  }
}

async function printEntries(run: Run, entries: Entry[], o: LsOptions, header: string | undefined) {
  if (o.json) {
    // One JSON object per line, in the same order as the human listing.
    let text = "";
    for (const e of entries) {
      text += `${JSON.stringify(entryJson(e))}\n`;
      if (text.length > 65536) {
        await run.out(text.slice(0, -1));
        text = "";
      }
    }
    if (text) await run.out(text.slice(0, -1));
    return;
  }
  const lines: string[] = [];
  if (header !== undefined) lines.push(header);
  if (o.long) lines.push(...longLines(entries, !!o.human));
  else {
    const names = entries.map(
      (e) => quoteName(e.name) + (e.type === "directory" && run.io.stdout.isTTY ? "/" : ""),
    );
    if (run.io.stdout.isTTY) lines.push(...formatColumns(names, run.io.stdout.columns ?? 80));
    else lines.push(...names);
  }
  if (lines.length) await run.out(lines.join("\n"));
}
