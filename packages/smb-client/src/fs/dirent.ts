/**
 * Directory entries with what QUERY_DIRECTORY already returned (FILE_ID_FULL_DIR_INFORMATION): type,
 * size, times, attributes, file id and reparse tag, so listing needs no extra round trip per entry.
 * Like fs.Dirent (name, parentPath, isFile() ...) plus `size`, `mtime` ... and `stat()`, which builds a
 * Stats from the same data.
 *
 * A listing's dirents keep the response buffer and their entry's offset in it, and read the fields a
 * caller asks for when asked: listing 10,000 entries then costs 10,000 names and objects, not the
 * bigints, Dates and copies of every field (the buffer is the listing's own, nothing recycles it).
 */
import {
  FileAttributes,
  FileDirectoryInformationEntry,
  FileIdFullDirectoryInformationEntry,
  filetimeWordsToUnixMs,
  readI64Number,
} from "smb-structures";
import {
  filetimeMs,
  isSymlinkTag,
  type SmbBigIntStats,
  type SmbStats,
  type StatInfo,
  makeStats,
} from "./stats.js";

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

/**
 * Offsets of the FILE_ID_FULL_DIR_INFORMATION fields in an entry (from its field table). The fields up
 * to FileNameLength are the same in FILE_DIRECTORY_INFORMATION (the listings without ids).
 */
const E = FileIdFullDirectoryInformationEntry;
export const ENTRY_CLASS = E;
export const BASIC_ENTRY_CLASS = FileDirectoryInformationEntry;
const CREATION = E.fieldOffset("creationTime");
const ACCESS = E.fieldOffset("lastAccessTime");
const WRITE = E.fieldOffset("lastWriteTime");
const CHANGE = E.fieldOffset("changeTime");
const EOF = E.fieldOffset("endOfFile");
const ALLOCATION = E.fieldOffset("allocationSize");
const ATTRIBUTES = E.fieldOffset("fileAttributes");
const EA_SIZE = E.fieldOffset("eaSize");
const FILE_ID = E.fieldOffset("fileId");

/** FILE_ATTRIBUTE_* of the entry at `at` of a FILE_ID_FULL_DIR_INFORMATION buffer. */
export function entryAttributes(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at + ATTRIBUTES);
}

/** filetimeMs of the FILETIME at `off` (0 stays 0: an unset time). */
function msAt(buf: Buffer, off: number): number {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  return lo === 0 && hi === 0 ? 0 : filetimeWordsToUnixMs(lo, hi);
}

export class SmbDirent {
  /** Entry name. */
  readonly name: string;
  /** The listed directory, as the caller wrote it (forward slashes). */
  readonly parentPath: string;
  /** Alias of parentPath (node 20's Dirent.path). */
  readonly path: string;
  readonly attributes: number;
  /** A listing's buffer and the entry's offset in it; or the decoded entry. */
  private readonly raw: Buffer | undefined;
  private readonly at: number;
  private readonly entry: DirEntryInfo | undefined;
  /** A FILE_DIRECTORY_INFORMATION entry: no EaSize (reparse tag) and no FileId. */
  private readonly basic: boolean;

  constructor(e: DirEntryInfo, parentPath: string);
  /**
   * The entry at `at` of a listing's buffer (what listings build): FILE_ID_FULL_DIR_INFORMATION, or
   * with `basic` FILE_DIRECTORY_INFORMATION.
   */
  constructor(e: Buffer, parentPath: string, at: number, name: string, basic?: boolean);
  constructor(e: DirEntryInfo | Buffer, parentPath: string, at = 0, name = "", basic = false) {
    this.parentPath = parentPath;
    this.path = parentPath;
    this.basic = basic;
    if (Buffer.isBuffer(e)) {
      this.name = name;
      this.attributes = e.readUInt32LE(at + ATTRIBUTES);
      this.raw = e;
      this.at = at;
      this.entry = undefined;
    } else {
      this.name = e.fileName;
      this.attributes = e.fileAttributes >>> 0;
      this.raw = undefined;
      this.at = 0;
      this.entry = e;
    }
  }

  /** The reparse tag (EaSize of a reparse point, MS-FSCC 2.4.21), else 0. */
  get reparseTag(): number {
    if (!(this.attributes & FileAttributes.REPARSE_POINT) || this.basic) return 0;
    return this.raw ? this.raw.readUInt32LE(this.at + EA_SIZE) : this.entry!.eaSize >>> 0;
  }
  get size(): number {
    return this.raw ? readI64Number(this.raw, this.at + EOF) : Number(this.entry!.endOfFile);
  }
  get allocationSize(): number {
    return this.raw ? readI64Number(this.raw, this.at + ALLOCATION) : Number(this.entry!.allocationSize);
  }
  get ino(): bigint {
    if (this.basic) return 0n;
    return this.raw ? this.raw.readBigUInt64LE(this.at + FILE_ID) : (this.entry!.fileId ?? 0n);
  }
  get mtimeMs(): number {
    return this.raw ? msAt(this.raw, this.at + WRITE) : filetimeMs(this.entry!.lastWriteTime);
  }
  get atimeMs(): number {
    return this.raw ? msAt(this.raw, this.at + ACCESS) : filetimeMs(this.entry!.lastAccessTime);
  }
  get ctimeMs(): number {
    return this.raw ? msAt(this.raw, this.at + CHANGE) : filetimeMs(this.entry!.changeTime);
  }
  get birthtimeMs(): number {
    return this.raw ? msAt(this.raw, this.at + CREATION) : filetimeMs(this.entry!.creationTime);
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

  /** What stat() builds Stats from (the entry's FILETIMEs and sizes as bigints). */
  private info(): StatInfo {
    const r = this.raw;
    const e = this.entry;
    const big = (off: number) => r!.readBigUInt64LE(this.at + off);
    const bigSigned = (off: number) => r!.readBigInt64LE(this.at + off);
    return {
      creationTime: r ? big(CREATION) : e!.creationTime,
      lastAccessTime: r ? big(ACCESS) : e!.lastAccessTime,
      lastWriteTime: r ? big(WRITE) : e!.lastWriteTime,
      changeTime: r ? big(CHANGE) : e!.changeTime,
      endOfFile: r ? bigSigned(EOF) : e!.endOfFile,
      allocationSize: r ? bigSigned(ALLOCATION) : e!.allocationSize,
      fileAttributes: r ? this.attributes : e!.fileAttributes,
      reparseTag: this.reparseTag,
      indexNumber: this.basic ? undefined : r ? big(FILE_ID) : e!.fileId,
    };
  }

  /** Stats from the listing's data (no round trip; nlink is reported as 1). */
  stat(opts?: { bigint?: false }): SmbStats;
  stat(opts: { bigint: true }): SmbBigIntStats;
  stat(opts: { bigint?: boolean } = {}): SmbStats | SmbBigIntStats {
    return makeStats(this.info(), opts.bigint);
  }

  isDirectory(): boolean {
    return (this.attributes & FileAttributes.DIRECTORY) !== 0 && !this.isSymbolicLink();
  }
  isFile(): boolean {
    return (this.attributes & FileAttributes.DIRECTORY) === 0 && !this.isSymbolicLink();
  }
  /** A reparse point with a symlink tag (as Stats.isSymbolicLink, without building the Stats). */
  isSymbolicLink(): boolean {
    return (this.attributes & FileAttributes.REPARSE_POINT) !== 0 && isSymlinkTag(this.reparseTag);
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
