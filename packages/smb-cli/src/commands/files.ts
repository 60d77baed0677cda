/** stat, mkdir, rm, mv, df. */
import type { SmbClient, SmbStats } from "smb-client";
import { type Entry, entryJson } from "../entry.js";
import { CliError, ExitCode, UsageError } from "../errors.js";
import {
  attributeLetters,
  attributeNames,
  formatBytes,
  formatShortSize,
  formatTable,
  modeString,
} from "../format.js";
import {
  clientPath,
  displayPath,
  hasWildcard,
  joinRemote,
  parseRemote,
  type RemotePath,
  remoteBasename,
  remoteParent,
  sameShare,
} from "../paths.js";
import type { Run } from "../run.js";
import { listDir, statEntry } from "./ls.js";
import { cp } from "./transfer.js";

function hasCode(err: unknown, ...codes: string[]): boolean {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === "string" && codes.includes(c);
}

function typeText(e: Entry): string {
  return e.type === "directory" ? "directory" : e.type === "symlink" ? "symbolic link" : "regular file";
}

function timeText(ms: number): string {
  return ms ? new Date(ms).toISOString() : "-";
}

export function statLines(e: Entry): string[] {
  const rows = [
    ["File:", e.path],
    ["Type:", typeText(e)],
    ["Size:", `${e.size}${e.size >= 1024 ? ` (${formatBytes(e.size)})` : ""}`],
    ["Allocated:", String(e.allocationSize)],
    [
      "Attributes:",
      `${attributeNames(e.attributes).join(" ") || "NONE"} (${attributeLetters(e.attributes)})`,
    ],
    ["Mode:", modeString(e.mode)],
    ["File ID:", e.fileId.toString()],
  ];
  if (e.nlink !== undefined) rows.push(["Links:", String(e.nlink)]);
  rows.push(
    ["Modify:", timeText(e.mtimeMs)],
    ["Access:", timeText(e.atimeMs)],
    ["Change:", timeText(e.ctimeMs)],
    ["Birth:", timeText(e.birthtimeMs)],
  );
  return formatTable(rows, ["right", "left"], " ");
}

/** smb stat [--json] <path...> */
export async function statCmd(run: Run, args: string[], o: { json?: boolean }): Promise<void> {
  let first = true;
  for (const arg of args) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      const e = await statEntry(client, rp);
      if (o.json) await run.json(entryJson(e));
      else {
        await run.out((first ? "" : "\n") + statLines(e).join("\n"));
        first = false;
      }
    });
  }
}

/** smb mkdir [-p] <path...> */
export async function mkdirCmd(run: Run, args: string[], o: { parents?: boolean }): Promise<void> {
  for (const arg of args) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      try {
        await client.mkdir(clientPath(rp), { recursive: !!o.parents });
      } catch (err) {
        // -p: an existing directory is fine (the client already treats it so; belt and braces).
        if (o.parents && hasCode(err, "EEXIST")) {
          const st = (await client.stat(clientPath(rp))) as SmbStats;
          if (st.isDirectory()) return;
        }
        throw err;
      }
    });
  }
}

/** smb rm [-r] [-f] <path...> (a wildcard in the last component removes every match). */
export async function rmCmd(
  run: Run,
  args: string[],
  o: { recursive?: boolean; force?: boolean },
): Promise<void> {
  for (const arg of args) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      let targets: RemotePath[] = [rp];
      const base = remoteBasename(rp);
      if (hasWildcard(base)) {
        const dir = remoteParent(rp);
        const list = await listDir(client, dir, { all: true, pattern: base });
        if (list.length === 0 && !o.force)
          throw new CliError(`no match for ${displayPath(rp)}`, ExitCode.NOT_FOUND);
        targets = list.map((e) => joinRemote(dir, e.name));
      }
      if (rp.path === "") throw new CliError("refusing to remove a share root", ExitCode.USAGE);
      for (const t of targets) {
        await run.attempt(displayPath(t), async () => {
          try {
            await client.rm(clientPath(t), { recursive: !!o.recursive, force: !!o.force });
          } catch (err) {
            if (hasCode(err, "EISDIR") && !o.recursive)
              throw new CliError("is a directory (use -r)", ExitCode.FAILURE, displayPath(t));
            throw err;
          }
        });
      }
    });
  }
}

/** smb mv <src...> <dst>: rename within a share; into <dst> when it is a directory; copy+delete across shares. */
export async function mvCmd(run: Run, args: string[]): Promise<void> {
  if (args.length < 2) throw new UsageError("mv: need <src...> <dst>");
  const dstArg = args[args.length - 1]!;
  const dst = parseRemote(dstArg);
  const srcs = args.slice(0, -1).map((a) => parseRemote(a));
  const client = await run.client(dst.server);
  let dstIsDir = dst.path === "";
  if (!dstIsDir) {
    try {
      dstIsDir = ((await client.stat(clientPath(dst))) as SmbStats).isDirectory();
    } catch (err) {
      if (!hasCode(err, "ENOENT")) throw err;
    }
  }
  if (srcs.length > 1 && !dstIsDir)
    throw new CliError(`target is not a directory`, ExitCode.FAILURE, displayPath(dst));
  for (const src of srcs) {
    await run.attempt(displayPath(src), async () => {
      if (src.path === "") throw new CliError("cannot move a share root", ExitCode.USAGE);
      const target = dstIsDir ? joinRemote(dst, remoteBasename(src)) : dst;
      if (sameShare(src, target)) {
        await client.rename(clientPath(src), clientPath(target));
        return;
      }
      // Another share or server: copy (server-side when possible), then delete the source.
      const before = run.code;
      await cp(run, [clientPath(src), clientPath(target)], { recursive: true });
      if (run.code !== before) return;
      await client.rm(clientPath(src), { recursive: true });
    });
  }
}

export interface DfJson {
  path: string;
  fileSystem: string;
  blockSize: number;
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  usedBytes: number;
  maxNameLength: number;
}

async function dfOne(client: SmbClient, rp: RemotePath): Promise<DfJson> {
  const s = await client.statfs(clientPath(rp));
  const total = s.blocks * s.bsize;
  const free = s.bfree * s.bsize;
  return {
    path: displayPath(rp),
    fileSystem: s.fsName,
    blockSize: s.bsize,
    totalBytes: total,
    freeBytes: free,
    availableBytes: s.bavail * s.bsize,
    usedBytes: total - free,
    maxNameLength: s.maxNameLength,
  };
}

/** smb df [-h] [--json] <path...>: FileFsFullSizeInformation of the share. */
export async function dfCmd(run: Run, args: string[], o: { json?: boolean; human?: boolean }): Promise<void> {
  const rows: string[][] = [["Path", "Size", "Used", "Avail", "Use%", "Type"]];
  const size = (n: number) => (o.human === false ? String(n) : formatShortSize(n));
  for (const arg of args) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      const d = await dfOne(client, rp);
      if (o.json) return run.json(d);
      const pct = d.totalBytes > 0 ? Math.ceil((d.usedBytes / d.totalBytes) * 100) : 0;
      rows.push([
        d.path,
        size(d.totalBytes),
        size(d.usedBytes),
        size(d.availableBytes),
        `${pct}%`,
        d.fileSystem,
      ]);
    });
  }
  if (!o.json && rows.length > 1)
    await run.out(formatTable(rows, ["left", "right", "right", "right", "right", "left"]).join("\n"));
}
