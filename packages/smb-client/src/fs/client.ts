/**
 * SmbClient: node:fs/promises for SMB. Paths are UNC ("//server/share/dir/file", "\\\\server\\share\\...")
 * or smb:// URLs ("smb://[domain;]user@server:port/share/dir/file"). Every method takes the options of
 * the call last (`signal`, credentials, connection settings), over the client's options.
 */
import { CreateOptions as CreateOptionBits, ShareAccess } from "smb-structures";
import type { ShareInfo } from "../rpc/srvsvc.js";
import type { SmbPath } from "../smb-path.js";
import type { Tree } from "../tree.js";
import { setDefaultClientFactory } from "./config.js";
import { ClientCore, pathString, type ServerSettings } from "./core.js";
import {
  type ListOptions,
  mkdir,
  type MkdirOptions,
  opendir,
  readdir,
  type ReaddirOptions,
  rmdir,
  scandir,
  type SmbDir,
} from "./dir.js";
import { type CopyOptions, copyFile, cp, type CpOptions } from "./copy.js";
import type { SmbDirent } from "./dirent.js";
import { SmbFileHandle } from "./file-handle.js";
import { DurableHandle } from "./durable.js";
import {
  access,
  chmod,
  exists,
  stat,
  statfs,
  type StatOptions,
  type TimeLike,
  truncate,
  utimes,
} from "./meta.js";
import {
  link,
  readlink,
  realpath,
  rename,
  type RenameOptions,
  rm,
  type RmOptions,
  symlink,
  unlink,
} from "./paths.js";
import {
  appendFile,
  flagToCreate,
  readFile,
  type ReadFileOptions,
  type WriteData,
  writeFile,
  type WriteFileOptions,
} from "./read-write.js";
import {
  type GetSecurityOptions,
  getSecurity,
  type SecurityDescriptorInfo,
  type SecurityDescriptorInput,
  setSecurity,
} from "./security.js";
import { type ListSharesOptions, listShares } from "./shares.js";
import { type ReadStreamOptions, SmbReadStream, SmbWriteStream, type WriteStreamOptions } from "./streams.js";
import { type WalkEntry, type WalkOptions, walk } from "./walk.js";
import { type WatchEvent, type WatchOptions, watch } from "./watch.js";
import {
  getxattr,
  getxattrs,
  listStreams,
  listxattr,
  removexattr,
  setxattr,
  type StreamInfo,
} from "./xattr.js";
import type { SmbBigIntStats, SmbStatFs, SmbStats } from "./stats.js";
import type { AnyPath, CallOptions, SmbClientOptions } from "./types.js";

export class SmbClient {
  /** @internal */
  readonly core: ClientCore;

  constructor(options: SmbClientOptions & { inheritDefaults?: boolean } = {}) {
    const { inheritDefaults, ...rest } = options;
    this.core = new ClientCore(rest, !!inheritDefaults);
  }

  /** The client's own options (without global defaults). */
  get options(): Readonly<SmbClientOptions> {
    return this.core.options;
  }

  /**
   * Registers credentials and connection settings for a server ("host" or "host:port"); calls to that
   * server use them unless the call passes its own.
   */
  register(server: string, settings: ServerSettings): this {
    this.core.register(server, settings);
    return this;
  }

  unregister(server: string): boolean {
    return this.core.unregister(server);
  }

  /** Pooled connections, sessions and trees (diagnostics). */
  get poolSize(): { connections: number; sessions: number; trees: number } {
    return this.core.pool.size;
  }

  /** Logs off and closes every pooled connection (the client reconnects if used again). */
  async close(): Promise<void> {
    await this.core.pool.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Runs `fn` with the low-level Tree (and through it the Session and Connection) that `path`'s share
   * resolves to: pooled, authenticated, DFS-resolved like every other call, retried once on a stale
   * pooled connection. The way to mix the high-level API with low-level requests (IOCTLs, RPC on IPC$).
   */
  withTree<T>(path: AnyPath, fn: (tree: Tree) => Promise<T>, opts: CallOptions = {}): Promise<T> {
    return this.core.run(str(path), opts, "connect", (t) => fn(t.tree));
  }

  // -- files -------------------------------------------------------------------------------------

  readFile(path: AnyPath, opts?: (ReadFileOptions & { encoding?: null }) | null): Promise<Buffer>;
  readFile(
    path: AnyPath,
    opts: (ReadFileOptions & { encoding: BufferEncoding }) | BufferEncoding,
  ): Promise<string>;
  readFile(path: AnyPath, opts?: ReadFileOptions | BufferEncoding | null): Promise<Buffer | string>;
  readFile(path: AnyPath, opts?: ReadFileOptions | BufferEncoding | null): Promise<Buffer | string> {
    return readFile(this.core, str(path), opts ?? {});
  }

  writeFile(path: AnyPath, data: WriteData, opts?: WriteFileOptions | BufferEncoding): Promise<void> {
    return writeFile(this.core, str(path), data, opts ?? {});
  }

  appendFile(path: AnyPath, data: WriteData, opts?: WriteFileOptions | BufferEncoding): Promise<void> {
    return appendFile(this.core, str(path), data, opts ?? {});
  }

  truncate(path: AnyPath, len?: number | bigint, opts?: CallOptions): Promise<void> {
    return truncate(this.core, str(path), len ?? 0, opts);
  }

  unlink(path: AnyPath, opts?: CallOptions): Promise<void> {
    return unlink(this.core, str(path), opts);
  }

  rm(path: AnyPath, opts?: RmOptions): Promise<void> {
    return rm(this.core, str(path), opts);
  }

  rename(oldPath: AnyPath, newPath: AnyPath, opts?: RenameOptions): Promise<void> {
    return rename(this.core, oldPath, newPath, opts);
  }

  link(existingPath: AnyPath, newPath: AnyPath, opts?: CallOptions): Promise<void> {
    return link(this.core, existingPath, newPath, opts);
  }

  symlink(
    target: string,
    path: AnyPath,
    type?: "file" | "dir" | "junction" | null,
    opts?: CallOptions,
  ): Promise<void> {
    return symlink(this.core, target, str(path), type, opts);
  }

  readlink(path: AnyPath, opts?: CallOptions): Promise<string> {
    return readlink(this.core, str(path), opts);
  }

  realpath(path: AnyPath, opts?: CallOptions): Promise<string> {
    return realpath(this.core, str(path), opts);
  }

  // -- metadata ----------------------------------------------------------------------------------

  stat(path: AnyPath, opts?: StatOptions & { bigint?: false }): Promise<SmbStats>;
  stat(path: AnyPath, opts: StatOptions & { bigint: true }): Promise<SmbBigIntStats>;
  stat(path: AnyPath, opts?: StatOptions): Promise<SmbStats | SmbBigIntStats>;
  stat(path: AnyPath, opts?: StatOptions): Promise<SmbStats | SmbBigIntStats> {
    return stat(this.core, str(path), opts, "stat");
  }

  /** Like stat, but a final symbolic link / reparse point is not followed. */
  lstat(path: AnyPath, opts?: StatOptions & { bigint?: false }): Promise<SmbStats>;
  lstat(path: AnyPath, opts: StatOptions & { bigint: true }): Promise<SmbBigIntStats>;
  lstat(path: AnyPath, opts?: StatOptions): Promise<SmbStats | SmbBigIntStats>;
  lstat(path: AnyPath, opts?: StatOptions): Promise<SmbStats | SmbBigIntStats> {
    return stat(this.core, str(path), opts, "lstat");
  }

  statfs(path: AnyPath, opts?: CallOptions): Promise<SmbStatFs> {
    return statfs(this.core, str(path), opts);
  }

  /** True when the path exists (false for ENOENT/ENOTDIR; other failures throw). */
  exists(path: AnyPath, opts?: CallOptions): Promise<boolean> {
    return exists(this.core, str(path), opts);
  }

  access(path: AnyPath, mode?: number, opts?: CallOptions): Promise<void> {
    return access(this.core, str(path), mode, opts);
  }

  utimes(path: AnyPath, atime: TimeLike, mtime: TimeLike, opts?: CallOptions): Promise<void> {
    return utimes(this.core, str(path), atime, mtime, opts);
  }

  lutimes(path: AnyPath, atime: TimeLike, mtime: TimeLike, opts?: CallOptions): Promise<void> {
    return utimes(this.core, str(path), atime, mtime, opts, true);
  }

  /** Maps the owner write bit to FILE_ATTRIBUTE_READONLY. */
  chmod(path: AnyPath, mode: number | string, opts?: CallOptions): Promise<void> {
    return chmod(this.core, str(path), mode, opts);
  }

  // -- directories -------------------------------------------------------------------------------

  readdir(path: AnyPath, opts: ReaddirOptions & { withFileTypes: true }): Promise<SmbDirent[]>;
  readdir(
    path: AnyPath,
    opts?: (ReaddirOptions & { withFileTypes?: false }) | BufferEncoding,
  ): Promise<string[]>;
  readdir(path: AnyPath, opts?: ReaddirOptions | BufferEncoding): Promise<string[] | SmbDirent[]>;
  readdir(path: AnyPath, opts?: ReaddirOptions | BufferEncoding): Promise<string[] | SmbDirent[]> {
    return readdir(this.core, str(path), typeof opts === "string" ? {} : (opts ?? {}));
  }

  /** The entries of a directory as an async iterator, with their metadata (no round trip per entry). */
  scandir(path: AnyPath, opts?: CallOptions & ListOptions): AsyncGenerator<SmbDirent> {
    return scandir(this.core, str(path), opts);
  }

  /** fs.opendir: a Dir with read()/close() and async iteration. */
  async opendir(path: AnyPath, opts?: CallOptions & ListOptions): Promise<SmbDir> {
    return opendir(this.core, str(path), opts);
  }

  mkdir(path: AnyPath, opts?: MkdirOptions & { recursive: true }): Promise<string | undefined>;
  mkdir(path: AnyPath, opts?: MkdirOptions | number | string): Promise<string | undefined>;
  mkdir(path: AnyPath, opts?: MkdirOptions | number | string): Promise<string | undefined> {
    return mkdir(this.core, str(path), typeof opts === "object" ? opts : {});
  }

  rmdir(path: AnyPath, opts?: CallOptions & { recursive?: boolean }): Promise<void> {
    if (opts?.recursive) return rm(this.core, str(path), { ...opts, recursive: true });
    return rmdir(this.core, str(path), opts);
  }

  // -- handles and streams -------------------------------------------------------------------------

  /**
   * fs.open: a FileHandle. `flags` as in node ("r", "r+", "w", "wx", "w+", "a", "ax", "a+" or numeric
   * O_* flags). Other opens of the file are allowed to read, write and delete unless `shareAccess` says
   * otherwise (a number of FILE_SHARE_* bits, or a string of "r", "w", "d"). A file handle is durable
   * unless the `durable` option is false: it survives a dropped connection (see ConnectOptions.durable).
   */
  async open(path: AnyPath, flags?: string | number, opts?: OpenOptions | number): Promise<SmbFileHandle> {
    const o: OpenOptions = typeof opts === "object" ? opts : {};
    const f = flagToCreate(flags ?? "r");
    const p = str(path);
    const handle = await this.core.run(
      p,
      o,
      "open",
      (t) =>
        DurableHandle.open(
          t,
          t.path.path,
          {
            desiredAccess: f.desiredAccess,
            disposition: f.disposition,
            createOptions: o.directory
              ? CreateOptionBits.DIRECTORY_FILE
              : CreateOptionBits.NON_DIRECTORY_FILE,
            shareAccess: shareAccessOf(o.shareAccess),
          },
          !!o.directory,
        ),
      { idempotent: f.disposition !== 2 },
    );
    return new SmbFileHandle(handle, p, this.core, f.append);
  }

  /** A Readable of the file (several READs in flight; `start`/`end` inclusive like fs). */
  createReadStream(path: AnyPath, opts?: ReadStreamOptions | BufferEncoding): SmbReadStream {
    const o = typeof opts === "string" ? { encoding: opts } : (opts ?? {});
    return new SmbReadStream({ core: this.core, path: str(path) }, o);
  }

  /** A Writable to the file (several WRITEs in flight, backpressure when they are all busy). */
  createWriteStream(path: AnyPath, opts?: WriteStreamOptions | BufferEncoding): SmbWriteStream {
    const o = typeof opts === "string" ? { encoding: opts } : (opts ?? {});
    return new SmbWriteStream({ core: this.core, path: str(path) }, o);
  }

  // -- copies ------------------------------------------------------------------------------------

  /**
   * fs.copyFile between SMB paths (server-side when both are on one server), or between an SMB path and
   * a local one in either direction. `mode` 1 (COPYFILE_EXCL) fails when `dst` exists.
   */
  copyFile(src: AnyPath, dst: AnyPath, mode?: number, opts?: CopyOptions): Promise<void> {
    return copyFile(this.core, src, dst, mode ?? 0, opts);
  }

  /** fs.cp: a file or (recursive) a directory tree; SMB to SMB, local to SMB, SMB to local. */
  cp(src: AnyPath, dst: AnyPath, opts?: CpOptions): Promise<void> {
    return cp(this.core, src, dst, opts);
  }

  // -- extended attributes, streams, security ----------------------------------------------------

  getxattr(path: AnyPath, name: string, opts?: CallOptions): Promise<Buffer> {
    return getxattr(this.core, str(path), name, opts);
  }

  /** Every extended attribute with its value. */
  getxattrs(path: AnyPath, opts?: CallOptions): Promise<Map<string, Buffer>> {
    return getxattrs(this.core, str(path), opts);
  }

  setxattr(
    path: AnyPath,
    name: string,
    value: string | NodeJS.ArrayBufferView,
    opts?: CallOptions,
  ): Promise<void> {
    return setxattr(this.core, str(path), name, value, opts);
  }

  listxattr(path: AnyPath, opts?: CallOptions): Promise<string[]> {
    return listxattr(this.core, str(path), opts);
  }

  removexattr(path: AnyPath, name: string, opts?: CallOptions): Promise<void> {
    return removexattr(this.core, str(path), name, opts);
  }

  /** The data streams of a file; open one as "path:name" with any other method. */
  listStreams(path: AnyPath, opts?: CallOptions): Promise<StreamInfo[]> {
    return listStreams(this.core, str(path), opts);
  }

  getSecurity(path: AnyPath, opts?: GetSecurityOptions): Promise<SecurityDescriptorInfo> {
    return getSecurity(this.core, str(path), opts);
  }

  setSecurity(
    path: AnyPath,
    sd: SecurityDescriptorInput | Buffer,
    opts?: CallOptions & { securityInformation?: number },
  ): Promise<void> {
    return setSecurity(this.core, str(path), sd, opts);
  }

  // -- watching and walking ------------------------------------------------------------------------

  /** fs.promises.watch over SMB change notification. */
  watch(path: AnyPath, opts?: WatchOptions): AsyncGenerator<WatchEvent> {
    return watch(this.core, str(path), opts);
  }

  /** A directory tree, directory by directory (top-down by default, or bottom-up). */
  walk(top: AnyPath, opts?: WalkOptions): AsyncGenerator<WalkEntry> {
    return walk(this.core, str(top), opts);
  }

  // -- servers ---------------------------------------------------------------------------------------

  /** The shares of a server ("host", "//host", "smb://user@host:port") via srvsvc over IPC$. */
  listShares(server: string, opts?: ListSharesOptions): Promise<ShareInfo[]> {
    return listShares(this.core, server, opts);
  }
}

export interface OpenOptions extends CallOptions {
  /** FILE_SHARE_* bits, or letters "r", "w", "d" (default "rwd"). */
  shareAccess?: number | string;
  /** Open a directory (for stat/utimes through the handle). */
  directory?: boolean;
}

function shareAccessOf(s: number | string | undefined): number {
  if (s === undefined) return ShareAccess.READ | ShareAccess.WRITE | ShareAccess.DELETE;
  if (typeof s === "number") return s;
  let v = 0;
  if (s.includes("r")) v |= ShareAccess.READ;
  if (s.includes("w")) v |= ShareAccess.WRITE;
  if (s.includes("d")) v |= ShareAccess.DELETE;
  return v;
}

function str(p: AnyPath | SmbPath): string {
  if (typeof p === "string") return p;
  if (p instanceof URL) return p.href;
  return pathString(p);
}

setDefaultClientFactory(() => new SmbClient({ inheritDefaults: true }));
