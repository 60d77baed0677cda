/**
 * Directory entries with what QUERY_DIRECTORY already returned (FILE_ID_FULL_DIR_INFORMATION): type,
 * size, times, attributes, file id and reparse tag, so listing needs no extra round trip per entry.
 * Like fs.Dirent (name, parentPath, isFile() ...) plus `size`, `mtime` ... and `stat()`, which builds a
 * Stats from the same data.
 */
import { FileAttributes } from "smb-structures";
import { type SmbBigIntStats, type SmbStats, type StatInfo, filetimeMs, makeStats } from "./stats.js";

/** The directory entry fields the listing decodes (FILE_ID_FULL_DIR_INFORMATION). */
export interface DirEntryInfo {
  fileName: string;
  creationTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  changeTime: bigint;
  endOfFile: bigint;
  allocationSize: bigint;
  fileAttributes: number;
  /** EaSize; holds the reparse tag when FILE_ATTRIBUTE_REPARSE_POINT is set (MS-FSCC 2.4.21). */
  eaSize: number;
  fileId?: bigint;
}

export class SmbDirent {
  /** Entry name. */
  readonly name: string;
  /** The listed directory, as the caller wrote it (forward slashes). */
  readonly parentPath: string;
  /** Alias of parentPath (node 20's Dirent.path). */
  readonly path: string;
  readonly attributes: number;
  readonly reparseTag: number;
  readonly size: number;
  readonly allocationSize: number;
  readonly ino: bigint;
  readonly mtimeMs: number;
  readonly atimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  private readonly info: StatInfo;

  constructor(e: DirEntryInfo, parentPath: string) {
    this.name = e.fileName;
    this.parentPath = parentPath;
    this.path = parentPath;
    this.attributes = e.fileAttributes >>> 0;
    this.reparseTag = this.attributes & FileAttributes.REPARSE_POINT ? e.eaSize >>> 0 : 0;
    this.size = Number(e.endOfFile);
    this.allocationSize = Number(e.allocationSize);
    this.ino = e.fileId ?? 0n;
    this.mtimeMs = filetimeMs(e.lastWriteTime);
    this.atimeMs = filetimeMs(e.lastAccessTime);
    this.ctimeMs = filetimeMs(e.changeTime);
    this.birthtimeMs = filetimeMs(e.creationTime);
    this.info = {
      creationTime: e.creationTime,
      lastAccessTime: e.lastAccessTime,
      lastWriteTime: e.lastWriteTime,
      changeTime: e.changeTime,
      endOfFile: e.endOfFile,
      allocationSize: e.allocationSize,
      fileAttributes: e.fileAttributes,
      reparseTag: this.reparseTag,
      indexNumber: e.fileId,
    };
  }

  get mtime(): Date {
    return new Date(this.mtimeMs);
  }
  get atime(): Date {
    return new Date(this.atimeMs);
  }
  get ctime(): Date {
    return new Date(this.ctimeMs);
  }
  get birthtime(): Date {
    return new Date(this.birthtimeMs);
  }

  /** The full path of the entry (parentPath + "/" + name). */
  get fullPath(): string {
    return joinDisplay(this.parentPath, this.name);
  }

  /** Stats from the listing's data (no round trip; nlink is reported as 1). */
  stat(opts?: { bigint?: false }): SmbStats;
  stat(opts: { bigint: true }): SmbBigIntStats;
  stat(opts: { bigint?: boolean } = {}): SmbStats | SmbBigIntStats {
    return makeStats(this.info, opts.bigint);
  }

  isDirectory(): boolean {
    return (this.attributes & FileAttributes.DIRECTORY) !== 0 && !this.isSymbolicLink();
  }
  isFile(): boolean {
    return (this.attributes & FileAttributes.DIRECTORY) === 0 && !this.isSymbolicLink();
  }
  isSymbolicLink(): boolean {
    return this.stat().isSymbolicLink();
  }
  isBlockDevice(): boolean {
    return false;
  }
  isCharacterDevice(): boolean {
    return false;
  }
  isFIFO(): boolean {
    return false;
  }
  isSocket(): boolean {
    return false;
  }
}

/** Joins a display path (UNC with either slash, or smb:// URL) and a child name, keeping the style. */
export function joinDisplay(parent: string, name: string): string {
  if (name === "") return parent;
  const back = !parent.startsWith("smb:") && parent.includes("\\") && !parent.includes("/");
  const sep = back ? "\\" : "/";
  const base = parent.endsWith("/") || parent.endsWith("\\") ? parent.slice(0, -1) : parent;
  if (parent.startsWith("smb:")) return `${base}/${encodeURIComponent(name).replace(/%2F/gi, "/")}`;
  return `${base}${sep}${back ? name.replace(/\//g, "\\") : name.replace(/\\/g, "/")}`;
}
