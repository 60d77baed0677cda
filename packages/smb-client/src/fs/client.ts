/**
 * SmbClient: node:fs/promises for SMB. Paths are UNC ("//server/share/dir/file", "\\\\server\\share\\...")
 * or smb:// URLs ("smb://[domain;]user@server:port/share/dir/file"). Every method takes the options of
 * the call last (`signal`, credentials, connection settings), over the client's options.
 */
import type { SmbPath } from "../smb-path.js";
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
import type { SmbDirent } from "./dirent.js";
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
  readFile,
  type ReadFileOptions,
  type WriteData,
  writeFile,
  type WriteFileOptions,
} from "./read-write.js";
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
}

function str(p: AnyPath | SmbPath): string {
  if (typeof p === "string") return p;
  if (p instanceof URL) return p.href;
  return pathString(p);
}

setDefaultClientFactory(() => new SmbClient({ inheritDefaults: true }));
