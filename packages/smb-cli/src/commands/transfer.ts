import { mkdir, open, readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { isSafeEntryName, type SmbClient, type SmbStats } from "smb-client";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { writeAsync } from "../io.js";
import {
  clientPath,
  displayPath,
  hasWildcard,
  isRemote,
  joinRemote,
  parseRemote,
  type RemotePath,
  remoteBasename,
  remoteParent,
  sameShare,
} from "../paths.js";
import { localFileChunks, readRemote, writeRemote } from "../remote.js";
import type { Run } from "../run.js";
import { listDir } from "./ls.js";

export interface CopyOptions {
  recursive?: boolean;
}

function hasCode(err: unknown, ...codes: string[]): boolean {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === "string" && codes.includes(c);
}

async function localStat(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if (hasCode(err, "ENOENT")) return undefined;
    throw err;
  }
}

/** Remote stat, undefined when it does not exist. */
async function remoteStat(client: SmbClient, p: RemotePath): Promise<SmbStats | undefined> {
  try {
    return (await client.stat(clientPath(p))) as SmbStats;
  } catch (err) {
    if (hasCode(err, "ENOENT")) return undefined;
    throw err;
  }
}

function nameOf(p: RemotePath): string {
  return remoteBasename(p) || p.share;
}

// -- single files -------------------------------------------------------------------------------

/** Downloads one remote file to a local path (or stdout for "-"), with progress on a TTY. */
export async function downloadFile(
  run: Run,
  client: SmbClient,
  src: RemotePath,
  local: string,
): Promise<void> {
  const label = nameOf(src);
  if (local === "-") {
    await readRemote(
      client,
      clientPath(src),
      {
        onOpen: (size) => run.progress.begin(label, size),
        onData: async (chunk) => {
          await writeAsync(run.io.stdout, chunk);
          run.progress.add(chunk.length);
        },
      },
      run.signal,
    );
    run.progress.finish();
    return;
  }
  const fh = await open(local, "w");
  try {
    await readRemote(
      client,
      clientPath(src),
      {
        onOpen: (size) => run.progress.begin(label, size),
        // Each chunk is on disk before onData settles: the receive buffers can be reused.
        reuseBuffers: true,
        onData: async (chunk, offset) => {
          let done = 0;
          while (done < chunk.length) {
            const { bytesWritten } = await fh.write(chunk, done, chunk.length - done, offset + done);
            done += bytesWritten;
          }
          run.progress.add(chunk.length);
        },
      },
      run.signal,
    );
  } finally {
    await fh.close();
  }
  run.progress.finish();
}

async function* tap(source: AsyncIterable<Buffer | string>, run: Run): AsyncGenerator<Buffer> {
  for await (const c of source) {
    const b = typeof c === "string" ? Buffer.from(c) : c;
    run.progress.add(b.length);
    yield b;
  }
}

/** Uploads a local file (or stdin for "-") to a remote path, with progress on a TTY. */
export async function uploadFile(run: Run, client: SmbClient, local: string, dst: RemotePath): Promise<void> {
  if (local === "-") {
    run.progress.begin(nameOf(dst), undefined);
    await writeRemote(client, clientPath(dst), tap(run.io.stdin, run), { signal: run.signal });
    run.progress.finish();
    return;
  }
  const st = await stat(local);
  const fh = await open(local, "r");
  try {
    run.progress.begin(basename(local), st.size);
    const chunks = localFileChunks(fh, st.size, (n) => run.progress.add(n));
    await writeRemote(client, clientPath(dst), chunks, { signal: run.signal });
  } finally {
    await fh.close();
  }
  run.progress.finish();
}

/**
 * Copies a remote file to another remote path: server-side (FSCTL_SRV_COPYCHUNK_WRITE) when both are on
 * one server, else streamed through this machine by the client.
 */
export async function copyRemoteFile(run: Run, client: SmbClient, src: RemotePath, dst: RemotePath) {
  const size = (await remoteStat(client, src))?.size;
  run.progress.begin(nameOf(dst), size);
  await client.copyFile(clientPath(src), clientPath(dst), 0, run.signal ? { signal: run.signal } : {});
  if (size) run.progress.add(size);
  run.progress.finish();
}

// -- trees --------------------------------------------------------------------------------------

async function downloadTree(run: Run, client: SmbClient, src: RemotePath, local: string): Promise<void> {
  await mkdir(local, { recursive: true });
  const entries = await listDir(client, src, { all: true, signal: run.signal });
  for (const e of entries) {
    const child = joinRemote(src, e.name);
    // A hostile server must not make us write outside `local` ("..", separators, drive names).
    if (!isSafeEntryName(e.name)) {
      throw new CliError(
        `refusing unsafe name ${JSON.stringify(e.name)} in ${displayPath(src)}`,
        ExitCode.FAILURE,
        displayPath(src),
      );
    }
    const target = join(local, e.name);
    await run.attempt(displayPath(child), async () => {
      if (e.type === "directory") await downloadTree(run, client, child, target);
      else await downloadFile(run, client, child, target);
    });
  }
}

async function ensureRemoteDir(client: SmbClient, p: RemotePath): Promise<void> {
  if (p.path === "") return;
  await client.mkdir(clientPath(p), { recursive: true });
}

async function uploadTree(run: Run, client: SmbClient, local: string, dst: RemotePath): Promise<void> {
  await ensureRemoteDir(client, dst);
  const entries = (await readdir(local, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const src = join(local, e.name);
    const child = joinRemote(dst, e.name);
    await run.attempt(src, async () => {
      if (e.isDirectory()) await uploadTree(run, client, src, child);
      else if (e.isFile() || e.isSymbolicLink()) {
        const st = await stat(src);
        if (st.isDirectory()) await uploadTree(run, client, src, child);
        else await uploadFile(run, client, src, child);
      } else run.warn(`${src}: not a regular file, skipped`);
    });
  }
}

async function copyRemoteTree(run: Run, client: SmbClient, src: RemotePath, dst: RemotePath): Promise<void> {
  await ensureRemoteDir(client, dst);
  const entries = await listDir(client, src, { all: true, signal: run.signal });
  for (const e of entries) {
    const from = joinRemote(src, e.name);
    const to = joinRemote(dst, e.name);
    await run.attempt(displayPath(from), async () => {
      if (e.type === "directory") await copyRemoteTree(run, client, from, to);
      else await copyRemoteFile(run, client, from, to);
    });
  }
}

// -- commands -----------------------------------------------------------------------------------

/** The remote sources named by `arg`: one path, or the matches of a wildcard in its last component. */
async function expandRemote(run: Run, client: SmbClient, rp: RemotePath) {
  const base = remoteBasename(rp);
  if (!hasWildcard(base)) return [{ path: rp, isDir: undefined as boolean | undefined }];
  const dir = remoteParent(rp);
  const list = await listDir(client, dir, { all: true, pattern: base, signal: run.signal });
  if (list.length === 0)
    throw new CliError(`no match for ${displayPath(rp)}`, ExitCode.NOT_FOUND, displayPath(rp));
  void run;
  const bad = list.find((e) => !isSafeEntryName(e.name));
  if (bad)
    throw new CliError(
      `refusing unsafe name ${JSON.stringify(bad.name)} in ${displayPath(dir)}`,
      ExitCode.FAILURE,
      displayPath(dir),
    );
  return list.map((e) => ({ path: joinRemote(dir, e.name), isDir: e.type === "directory" }));
}

/** smb get [-r] <remote...> [local] */
export async function get(run: Run, args: string[], o: CopyOptions): Promise<void> {
  if (args.length === 0) throw new UsageError("get: missing remote path");
  let local: string | undefined;
  let remotes = args;
  if (args.length > 1 && !isRemote(args[args.length - 1]!)) {
    local = args[args.length - 1]!;
    remotes = args.slice(0, -1);
  }
  for (const r of remotes) if (!isRemote(r)) throw new UsageError(`get: '${r}' is not a remote path`);
  const cwd = run.io.cwd();
  for (const arg of remotes) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      const sources = await expandRemote(run, client, rp);
      const multi = sources.length > 1 || remotes.length > 1;
      for (const s of sources) {
        await run.attempt(displayPath(s.path), async () => {
          const isDir = s.isDir ?? (await remoteStat(client, s.path))?.isDirectory() ?? false;
          const name = nameOf(s.path);
          let target: string;
          if (local === "-") {
            if (isDir) throw new CliError("is a directory (cannot write it to stdout)", ExitCode.FAILURE);
            target = "-";
          } else if (local === undefined) target = resolve(cwd, name);
          else {
            const abs = resolve(cwd, local);
            const ls = await localStat(abs);
            if (ls?.isDirectory() || /[\\/]$/.test(local) || multi) target = join(abs, name);
            else target = abs;
          }
          if (isDir) {
            if (!o.recursive) throw new CliError("is a directory (use -r)", ExitCode.FAILURE);
            await downloadTree(run, client, s.path, target);
          } else {
            if (target !== "-" && multi) await mkdir(resolve(target, ".."), { recursive: true });
            await downloadFile(run, client, s.path, target);
          }
        });
      }
    });
  }
}

/** Where a local source goes under a remote destination: into it when it is a directory. */
async function remoteTarget(
  client: SmbClient,
  dst: RemotePath,
  dstArg: string,
  name: string,
  multi: boolean,
) {
  if (dst.path === "" || /[\\/]$/.test(dstArg) || multi) return joinRemote(dst, name);
  const st = await remoteStat(client, dst);
  return st?.isDirectory() ? joinRemote(dst, name) : dst;
}

/** smb put [-r] <local...> <remote> */
export async function put(run: Run, args: string[], o: CopyOptions): Promise<void> {
  if (args.length < 2) throw new UsageError("put: need <local...> <remote>");
  const dstArg = args[args.length - 1]!;
  if (!isRemote(dstArg)) throw new UsageError(`put: '${dstArg}' is not a remote path`);
  const dst = parseRemote(dstArg);
  const locals = args.slice(0, -1);
  const client = await run.client(dst.server);
  const cwd = run.io.cwd();
  const multi = locals.length > 1;
  for (const l of locals) {
    if (isRemote(l)) throw new UsageError(`put: '${l}' is a remote path (use cp)`);
    await run.attempt(l, async () => {
      if (l === "-") {
        if (dst.path === "" || /[\\/]$/.test(dstArg))
          throw new UsageError("put -: the remote path must name a file");
        await uploadFile(run, client, "-", dst);
        return;
      }
      const abs = resolve(cwd, l);
      const st = await stat(abs);
      const target = await remoteTarget(client, dst, dstArg, basename(abs), multi);
      if (st.isDirectory()) {
        if (!o.recursive) throw new CliError(`${l}: is a directory (use -r)`, ExitCode.FAILURE);
        await uploadTree(run, client, abs, target);
      } else await uploadFile(run, client, abs, target);
    });
  }
}

/** smb cp [-r] <src...> <dst>: remote->remote server-side; local->remote = put; remote->local = get. */
export async function cp(run: Run, args: string[], o: CopyOptions): Promise<void> {
  if (args.length < 2) throw new UsageError("cp: need <src...> <dst>");
  const dstArg = args[args.length - 1]!;
  const srcs = args.slice(0, -1);
  const remoteSrc = srcs.map(isRemote);
  if (remoteSrc.some((r) => r !== remoteSrc[0]))
    throw new UsageError("cp: the sources must all be remote or all local");
  if (!isRemote(dstArg)) {
    if (!remoteSrc[0]) throw new UsageError("cp: neither side is remote (use your local cp)");
    return get(run, args, o);
  }
  if (!remoteSrc[0]) return put(run, args, o);
  const dst = parseRemote(dstArg);
  const client = await run.client(dst.server);
  const multi = srcs.length > 1;
  for (const s of srcs) {
    const sp = parseRemote(s);
    await run.attempt(displayPath(sp), async () => {
      const sources = await expandRemote(run, client, sp);
      for (const src of sources) {
        await run.attempt(displayPath(src.path), async () => {
          const st = await client.stat(clientPath(src.path));
          const target = await remoteTarget(
            client,
            dst,
            dstArg,
            nameOf(src.path),
            multi || sources.length > 1,
          );
          if (sameShare(src.path, target) && src.path.path === target.path)
            throw new CliError("source and destination are the same file", ExitCode.FAILURE);
          if (st.isDirectory()) {
            if (!o.recursive) throw new CliError("is a directory (use -r)", ExitCode.FAILURE);
            await copyRemoteTree(run, client, src.path, target);
          } else await copyRemoteFile(run, client, src.path, target);
        });
      }
    });
  }
}

/** smb cat <remote...>: the files' bytes to stdout, streamed. */
export async function cat(run: Run, args: string[]): Promise<void> {
  for (const arg of args) {
    const rp = parseRemote(arg);
    await run.attempt(displayPath(rp), async () => {
      const client = await run.client(rp.server);
      await readRemote(client, clientPath(rp), {
        onData: (chunk) => writeAsync(run.io.stdout, chunk),
      });
    });
  }
}
