/**
 * copyFile and cp, in every direction: SMB to SMB (server-side copy with FSCTL_SRV_REQUEST_RESUME_KEY +
 * FSCTL_SRV_COPYCHUNK_WRITE when both paths are on one server connection, else a pipelined stream copy),
 * local to SMB, SMB to local (pipelined, bounded memory), and local to local (node:fs).
 */
import { createReadStream } from "node:fs";
import * as fsp from "node:fs/promises";
import { join as joinLocal } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateDisposition,
  FsctlCode,
  NtStatus,
  SrvCopychunkCopy,
  SrvCopychunkResponse,
  SrvRequestResumeKeyResponse,
} from "smb-structures";
import type { Open } from "../open.js";
import { pipelinedRead, pipelinedWriteFrom, type TransferOptions } from "../transfer.js";
import { type ClientCore, isSmbPath } from "./core.js";
import { Channel } from "./dir.js";
import { joinDisplay, type SmbDirent } from "./dirent.js";
import { FsStatus, hasCode, hasStatus, smbFsError, toFsError } from "./errors.js";
import { DurableHandle } from "./durable.js";
import { Access, NON_DIRECTORY, RW } from "./handles.js";
import { mapLimit } from "./limit.js";
import { readdir, mkdir } from "./dir.js";
import { stat, utimes } from "./meta.js";
import type { AnyPath, CallOptions } from "./types.js";
import type { SmbStats } from "./stats.js";

/** fs.constants.COPYFILE_EXCL: fail when the destination exists. */
export const COPYFILE_EXCL = 1;

export interface CopyOptions extends CallOptions {
  /** Use server-side copy when possible (default true). */
  serverSide?: boolean;
}

function localPath(p: AnyPath): string {
  if (p instanceof URL) return fileURLToPath(p);
  return p.startsWith("file:") ? fileURLToPath(p) : p;
}

function display(p: AnyPath): string {
  return typeof p === "string" ? p : p.href;
}

const UNSUPPORTED = [
  NtStatus.STATUS_NOT_SUPPORTED,
  NtStatus.STATUS_INVALID_DEVICE_REQUEST,
  NtStatus.STATUS_NOT_IMPLEMENTED,
  NtStatus.STATUS_OBJECT_TYPE_MISMATCH,
  NtStatus.STATUS_INVALID_PARAMETER,
];

/** Copies `size` bytes from `src` to `dst` on the server. False when the server cannot (nothing copied). */
export async function serverSideCopy(
  src: Open,
  dst: Open,
  size: number,
  signal?: AbortSignal,
): Promise<boolean> {
  let key: Buffer;
  try {
    const out = await src.ioctl(FsctlCode.FSCTL_SRV_REQUEST_RESUME_KEY, Buffer.alloc(0), {
      maxOutputResponse: 32,
      signal,
    });
    key = Buffer.from(SrvRequestResumeKeyResponse.decode(out).resumeKey);
  } catch (err) {
    if (hasStatus(err, ...UNSUPPORTED)) return false;
    throw err;
  }
  // MS-SMB2 3.3.3: Windows' defaults; a server with lower limits answers STATUS_INVALID_PARAMETER with its own.
  let maxChunks = 16;
  let chunkSize = 1024 * 1024;
  let maxTotal = 16 * 1024 * 1024;
  const copyRange = async (from: number, len: number): Promise<number> => {
    const chunks = [];
    for (let o = 0; o < len && chunks.length < maxChunks; o += chunkSize) {
      const n = Math.min(chunkSize, len - o);
      chunks.push({ sourceOffset: BigInt(from + o), targetOffset: BigInt(from + o), length: n });
    }
    let status = 0;
    let out: Buffer;
    try {
      out = await dst.ioctl(
        FsctlCode.FSCTL_SRV_COPYCHUNK_WRITE,
        SrvCopychunkCopy.encode({ sourceKey: key, chunks }),
        {
          maxOutputResponse: 12,
          accept: [NtStatus.STATUS_INVALID_PARAMETER],
          onStatus: (s) => {
            status = s;
          },
          signal,
        },
      );
    } catch (err) {
      if (err instanceof RangeError || (err as Error).name === "SmbDecodeError") return -1;
      throw err;
    }
    const r = SrvCopychunkResponse.decode(out);
    if (status === NtStatus.STATUS_INVALID_PARAMETER) {
      // The server's limits: chunks per request, bytes per chunk, bytes per request.
      if (r.chunksWritten > 0 && r.chunkBytesWritten > 0 && r.totalBytesWritten > 0) {
        maxChunks = Math.min(maxChunks, r.chunksWritten);
        chunkSize = Math.min(chunkSize, r.chunkBytesWritten);
        maxTotal = Math.min(maxTotal, r.totalBytesWritten);
        return 0;
      }
      return -1;
    }
    return r.totalBytesWritten;
  };
  let off = 0;
  // The first request alone (it may teach us the server's limits), then a window of requests.
  let first = -1;
  for (let tries = 0; tries < 3 && first <= 0; tries++) {
    first = await copyRange(0, Math.min(size, maxTotal, maxChunks * chunkSize));
    if (first < 0) return false;
  }
  if (first <= 0) return false;
  off = first;
  const WINDOW = 4;
  while (off < size) {
    const per = Math.min(maxTotal, maxChunks * chunkSize);
    const ranges: [number, number][] = [];
    for (let o = off; o < size && ranges.length < WINDOW; o += per) ranges.push([o, Math.min(per, size - o)]);
    const done = await Promise.all(ranges.map(([o, n]) => copyRange(o, n)));
    // Continue after the first short range (ranges after it may be complete; re-copying is harmless).
    let advanced = off;
    for (let i = 0; i < ranges.length; i++) {
      const [o, n] = ranges[i]!;
      const d = done[i]!;
      if (d < 0)
        throw smbFsError(
          NtStatus.STATUS_INVALID_PARAMETER,
          { syscall: "copyfile", path: dst.path },
          { detail: "server-side copy failed" },
        );
      advanced = o + Math.max(0, d);
      if (d < n) break;
    }
    if (advanced === off)
      throw smbFsError(
        NtStatus.STATUS_UNSUCCESSFUL,
        { syscall: "copyfile", path: dst.path },
        { detail: "server-side copy made no progress" },
      );
    off = advanced;
  }
  return true;
}

/**
 * Copies through the client: pipelined READs feeding pipelined WRITEs, bounded memory; each side
 * recovers from a dropped connection on its own (durable handles).
 */
export async function streamCopy(
  src: DurableHandle,
  dst: DurableHandle,
  size: number,
  t: TransferOptions,
): Promise<number> {
  const ch = new Channel<Buffer>();
  const reader = pipelinedRead(src.open, 0, size, (chunk) => ch.push(chunk), src.transfer(t)).then(
    () => ch.end(),
    (err) => ch.fail(err),
  );
  async function* chunks() {
    for (;;) {
      const c = await ch.pull();
      if (c === undefined) return;
      yield c;
    }
  }
  try {
    return await pipelinedWriteFrom(dst.open, chunks(), 0, dst.transfer(t));
  } finally {
    ch.cancel();
    await reader;
  }
}

/** fs.copyFile between any two of: SMB path, local path. `mode` COPYFILE_EXCL fails if `dst` exists. */
export async function copyFile(
  core: ClientCore,
  src: AnyPath,
  dst: AnyPath,
  mode = 0,
  opts: CopyOptions = {},
): Promise<void> {
  const excl = (mode & COPYFILE_EXCL) !== 0;
  const sRemote = isSmbPath(src);
  const dRemote = isSmbPath(dst);
  const dest = display(dst);
  if (!sRemote && !dRemote) {
    await fsp.copyFile(localPath(src), localPath(dst), mode);
    return;
  }
  const dstCreate = {
    desiredAccess: RW,
    disposition: excl ? CreateDisposition.CREATE : CreateDisposition.OVERWRITE_IF,
    createOptions: NON_DIRECTORY,
  };
  if (!sRemote) {
    // local -> SMB
    const from = localPath(src);
    await core.run(
      dst,
      opts,
      "copyfile",
      async (dt) => {
        const st = await fsp.stat(from).catch((err) => {
          throw toFsError(err, { syscall: "copyfile", path: from, dest });
        });
        if (st.isDirectory()) throw smbFsError(FsStatus.EISDIR, { syscall: "copyfile", path: from, dest });
        const d = await DurableHandle.open(dt, dt.path.path, dstCreate);
        try {
          const rs = createReadStream(from, { highWaterMark: 1024 * 1024, signal: opts.signal });
          await pipelinedWriteFrom(d.open, rs, 0, d.transfer(dt.transfer()));
        } finally {
          await d.close().catch(() => {});
        }
      },
      { dest: display(src), idempotent: false },
    );
    return;
  }
  await core.run(
    src,
    opts,
    "copyfile",
    async (st) => {
      const s = await DurableHandle.open(st, st.path.path, {
        desiredAccess: Access.READ,
        createOptions: NON_DIRECTORY,
      });
      try {
        const size = Number(s.open.info.endOfFile);
        if (!dRemote) {
          // SMB -> local
          const fh = await fsp.open(localPath(dst), excl ? "wx" : "w").catch((err) => {
            throw toFsError(err, { syscall: "copyfile", path: localPath(dst) });
          });
          try {
            await pipelinedRead(
              s.open,
              0,
              size,
              async (chunk, off) => {
                let done = 0;
                while (done < chunk.length)
                  done += (await fh.write(chunk, done, chunk.length - done, off + done)).bytesWritten;
              },
              // The chunk is written out before onData settles: the receive buffers can be reused.
              s.transfer({ ...st.transfer(), reuseBuffers: true }),
            );
          } finally {
            await fh.close();
          }
          return;
        }
        await core.run(
          dst,
          opts,
          "copyfile",
          async (dt) => {
            const d = await DurableHandle.open(dt, dt.path.path, dstCreate);
            try {
              if (size === 0) return;
              const sameConn = s.open.connection === d.open.connection;
              if (
                sameConn &&
                opts.serverSide !== false &&
                (await serverSideCopy(s.open, d.open, size, opts.signal))
              )
                return;
              await streamCopy(s, d, size, dt.transfer());
            } finally {
              await d.close().catch(() => {});
            }
          },
          { dest: display(src) },
        );
      } finally {
        await s.close().catch(() => {});
      }
    },
    { dest },
  );
}

export interface CpOptions extends CopyOptions {
  /** Copy directories (their contents, recursively). */
  recursive?: boolean;
  /** Overwrite existing files (default true). */
  force?: boolean;
  /** With force false: fail when a destination file exists (default false: skip it). */
  errorOnExist?: boolean;
  /** Return false to skip `src` (and, for a directory, everything in it). */
  filter?: (src: string, dst: string) => boolean | Promise<boolean>;
  /** Give copies the source's access and modification times. */
  preserveTimestamps?: boolean;
}

interface Entry {
  name: string;
  dir: boolean;
}

interface Side {
  stat(p: string): Promise<{ dir: boolean; atime: Date; mtime: Date } | undefined>;
  list(p: string): Promise<Entry[]>;
  mkdirp(p: string): Promise<void>;
  join(p: string, name: string): string;
  utimes(p: string, atime: Date, mtime: Date): Promise<void>;
}

/** True for a single, non-special path component (no separators, NUL, "." or ".."). */
export function isSafeEntryName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[\\/\0]/.test(name) && !/^[a-zA-Z]:/.test(name);
}

function localSide(): Side {
  return {
    async stat(p) {
      try {
        const s = await fsp.stat(p);
        return { dir: s.isDirectory(), atime: s.atime, mtime: s.mtime };
      } catch (err) {
        if (hasCode(err, "ENOENT")) return undefined;
        throw err;
      }
    },
    async list(p) {
      return (await fsp.readdir(p, { withFileTypes: true })).map((d) => ({
        name: d.name,
        dir: d.isDirectory(),
      }));
    },
    async mkdirp(p) {
      await fsp.mkdir(p, { recursive: true });
    },
    join: joinLocal,
    utimes: (p, a, m) => fsp.utimes(p, a, m),
  };
}

function remoteSide(core: ClientCore, opts: CallOptions): Side {
  return {
    async stat(p) {
      try {
        const s = (await stat(core, p, opts)) as SmbStats;
        return { dir: s.isDirectory(), atime: s.atime, mtime: s.mtime };
      } catch (err) {
        if (hasCode(err, "ENOENT")) return undefined;
        throw err;
      }
    },
    async list(p) {
      const ents = (await readdir(core, p, {
        ...opts,
        withFileTypes: true,
        recursive: false,
      })) as SmbDirent[];
      return ents.map((d) => ({ name: d.name, dir: d.isDirectory() }));
    },
    async mkdirp(p) {
      await mkdir(core, p, { ...opts, recursive: true });
    },
    join: joinDisplay,
    utimes: (p, a, m) => utimes(core, p, a, m, opts),
  };
}

/** fs.cp: copies a file, or a directory tree with `recursive`, between any of SMB and local. */
export async function cp(core: ClientCore, src: AnyPath, dst: AnyPath, opts: CpOptions = {}): Promise<void> {
  const s = isSmbPath(src) ? remoteSide(core, opts) : localSide();
  const d = isSmbPath(dst) ? remoteSide(core, opts) : localSide();
  const from = isSmbPath(src) ? display(src) : localPath(src);
  const to = isSmbPath(dst) ? display(dst) : localPath(dst);
  const force = opts.force !== false;
  const copyOne = async (a: string, b: string, info: { atime: Date; mtime: Date }) => {
    if (!force) {
      if (await d.stat(b)) {
        if (opts.errorOnExist) throw smbFsError(FsStatus.EEXIST, { syscall: "cp", path: b });
        return;
      }
    }
    await copyFile(core, a, b, force ? 0 : COPYFILE_EXCL, opts);
    if (opts.preserveTimestamps) await d.utimes(b, info.atime, info.mtime);
  };
  const top = await s.stat(from);
  if (!top) throw smbFsError(FsStatus.ENOENT, { syscall: "cp", path: from });
  if (opts.filter && !(await opts.filter(from, to))) return;
  if (!top.dir) return copyOne(from, to, top);
  if (!opts.recursive)
    throw smbFsError(
      FsStatus.EISDIR,
      { syscall: "cp", path: from },
      { detail: "use recursive to copy a directory" },
    );
  const copyDir = async (a: string, b: string, info: { atime: Date; mtime: Date }): Promise<void> => {
    await d.mkdirp(b);
    const entries = await s.list(a);
    await mapLimit(entries, core.concurrency, async (e) => {
      // A name from a (possibly hostile) server must stay one path component: never "..", a separator
      // or a drive/absolute form that would place the copy outside the destination tree.
      if (!isSafeEntryName(e.name)) {
        throw smbFsError(
          FsStatus.EINVAL,
          { syscall: "cp", path: s.join(a, "") },
          { detail: `refusing entry name ${JSON.stringify(e.name)}` },
        );
      }
      const ca = s.join(a, e.name);
      const cb = d.join(b, e.name);
      if (opts.filter && !(await opts.filter(ca, cb))) return;
      if (e.dir) {
        const st = opts.preserveTimestamps ? await s.stat(ca) : undefined;
        await copyDir(ca, cb, st ?? info);
      } else {
        const st = opts.preserveTimestamps ? await s.stat(ca) : undefined;
        await copyOne(ca, cb, st ?? info);
      }
    });
    if (opts.preserveTimestamps) await d.utimes(b, info.atime, info.mtime);
  };
  await copyDir(from, to, top);
}
