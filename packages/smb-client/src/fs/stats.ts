/**
 * fs.Stats-like objects from what the server reports (FILE_ALL_INFORMATION, a directory entry, a CREATE
 * or CLOSE response). Times: mtime = LastWriteTime, atime = LastAccessTime, ctime = ChangeTime (status
 * change), birthtime = CreationTime. `mode` is synthesized from the attributes (directory 0o755, file
 * 0o644, minus write bits when FILE_ATTRIBUTE_READONLY, symlink 0o777); uid/gid are 0. SMB extras:
 * `attributes` (FILE_ATTRIBUTE_*), `reparseTag`, `allocationSize`, `fileId`.
 */
import { FILETIME_UNIX_EPOCH, FileAttributes, ReparseTag } from "smb-structures";

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** What a Stats object is built from. */
export interface StatInfo {
  creationTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  changeTime: bigint;
  endOfFile: bigint;
  allocationSize: bigint;
  fileAttributes: number;
  /** Reparse tag (when FILE_ATTRIBUTE_REPARSE_POINT; 0 when unknown). */
  reparseTag?: number;
  /** File index (FileInternalInformation / directory FileId). */
  indexNumber?: bigint;
  numberOfLinks?: number;
  /** Volume serial number when known. */
  volumeSerial?: number;
}

const SYMLINK_TAGS = new Set<number>([
  ReparseTag.IO_REPARSE_TAG_SYMLINK,
  ReparseTag.IO_REPARSE_TAG_MOUNT_POINT,
  ReparseTag.IO_REPARSE_TAG_LX_SYMLINK,
]);

/** A reparse tag that makes a reparse point a symbolic link (symlink, junction, WSL symlink). */
export function isSymlinkTag(tag: number): boolean {
  return SYMLINK_TAGS.has(tag >>> 0);
}

/** FILETIME -> milliseconds since the Unix epoch (fractional; 0 for an unset time). */
export function filetimeMs(ft: bigint): number {
  if (ft === 0n) return 0;
  return Number(ft - FILETIME_UNIX_EPOCH) / 1e4;
}

/** Milliseconds (or Date) -> FILETIME (0 stays "unset" only when `keepZero`). */
export function toFiletime(t: Date | number | string | bigint): bigint {
  if (typeof t === "bigint") return t;
  let ms: number;
  if (t instanceof Date) ms = t.getTime();
  else if (typeof t === "string") ms = Number.isNaN(Number(t)) ? Date.parse(t) : Number(t) * 1000;
  else ms = t * 1000; // node's utimes takes seconds for numbers
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time: ${String(t)}`);
  return FILETIME_UNIX_EPOCH + BigInt(Math.round(ms * 1e4));
}

function modeOf(info: StatInfo): number {
  const a = info.fileAttributes;
  if (
    a & FileAttributes.REPARSE_POINT &&
    info.reparseTag !== undefined &&
    SYMLINK_TAGS.has(info.reparseTag >>> 0)
  ) {
    return S_IFLNK | 0o777;
  }
  if (a & FileAttributes.DIRECTORY) return S_IFDIR | 0o755;
  return S_IFREG | (a & FileAttributes.READONLY ? 0o444 : 0o644);
}

abstract class StatsBase {
  /** FILE_ATTRIBUTE_* bits. */
  readonly attributes: number;
  /** Reparse tag when the file is a reparse point (0 otherwise or when unknown). */
  readonly reparseTag: number;
  constructor(info: StatInfo) {
    this.attributes = info.fileAttributes >>> 0;
    this.reparseTag = (info.reparseTag ?? 0) >>> 0;
  }
  protected abstract get modeNumber(): number;
  isFile(): boolean {
    return (this.modeNumber & S_IFMT) === S_IFREG;
  }
  isDirectory(): boolean {
    return (this.modeNumber & S_IFMT) === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return (this.modeNumber & S_IFMT) === S_IFLNK;
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
  /** FILE_ATTRIBUTE_READONLY. */
  isReadOnly(): boolean {
    return (this.attributes & FileAttributes.READONLY) !== 0;
  }
  /** FILE_ATTRIBUTE_HIDDEN. */
  isHidden(): boolean {
    return (this.attributes & FileAttributes.HIDDEN) !== 0;
  }
  /** FILE_ATTRIBUTE_REPARSE_POINT (symlinks, junctions, DFS links, dedup ...). */
  isReparsePoint(): boolean {
    return (this.attributes & FileAttributes.REPARSE_POINT) !== 0;
  }
}

/** Like fs.Stats (numbers). */
export class SmbStats extends StatsBase {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid = 0;
  gid = 0;
  rdev = 0;
  size: number;
  blksize = 4096;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;
  /** Bytes the server allocated. */
  allocationSize: number;

  constructor(info: StatInfo) {
    super(info);
    this.dev = info.volumeSerial ?? 0;
    this.ino = Number(info.indexNumber ?? 0n);
    this.mode = modeOf(info);
    this.nlink = info.numberOfLinks ?? 1;
    this.size = Number(info.endOfFile);
    this.allocationSize = Number(info.allocationSize);
    this.blocks = Math.ceil(this.allocationSize / 512);
    this.atimeMs = filetimeMs(info.lastAccessTime);
    this.mtimeMs = filetimeMs(info.lastWriteTime);
    this.ctimeMs = filetimeMs(info.changeTime);
    this.birthtimeMs = filetimeMs(info.creationTime);
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }

  protected get modeNumber(): number {
    return this.mode;
  }
}

/** Like fs.BigIntStats (`{ bigint: true }`): bigint fields and nanosecond times. */
export class SmbBigIntStats extends StatsBase {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  uid = 0n;
  gid = 0n;
  rdev = 0n;
  size: bigint;
  blksize = 4096n;
  blocks: bigint;
  atimeMs: bigint;
  mtimeMs: bigint;
  ctimeMs: bigint;
  birthtimeMs: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;
  allocationSize: bigint;

  constructor(info: StatInfo) {
    super(info);
    const ns = (ft: bigint) => (ft === 0n ? 0n : (ft - FILETIME_UNIX_EPOCH) * 100n);
    this.dev = BigInt(info.volumeSerial ?? 0);
    this.ino = info.indexNumber ?? 0n;
    this.mode = BigInt(modeOf(info));
    this.nlink = BigInt(info.numberOfLinks ?? 1);
    this.size = info.endOfFile;
    this.allocationSize = info.allocationSize;
    this.blocks = (info.allocationSize + 511n) / 512n;
    this.atimeNs = ns(info.lastAccessTime);
    this.mtimeNs = ns(info.lastWriteTime);
    this.ctimeNs = ns(info.changeTime);
    this.birthtimeNs = ns(info.creationTime);
    this.atimeMs = this.atimeNs / 1_000_000n;
    this.mtimeMs = this.mtimeNs / 1_000_000n;
    this.ctimeMs = this.ctimeNs / 1_000_000n;
    this.birthtimeMs = this.birthtimeNs / 1_000_000n;
    this.atime = new Date(Number(this.atimeMs));
    this.mtime = new Date(Number(this.mtimeMs));
    this.ctime = new Date(Number(this.ctimeMs));
    this.birthtime = new Date(Number(this.birthtimeMs));
  }

  protected get modeNumber(): number {
    return Number(this.mode);
  }
}

export function makeStats(info: StatInfo, bigint: boolean | undefined): SmbStats | SmbBigIntStats {
  return bigint ? new SmbBigIntStats(info) : new SmbStats(info);
}

/** Like fs.StatFs. */
export interface SmbStatFs {
  /** Always 0: SMB reports no file system magic number (see `fsName`). */
  type: number;
  /** Bytes per allocation unit. */
  bsize: number;
  blocks: number;
  bfree: number;
  /** Blocks available to the caller (quota). */
  bavail: number;
  files: number;
  ffree: number;
  /** SMB extras: the file system name ("NTFS", "ext4" ...), its attributes and max name length. */
  fsName: string;
  fsAttributes: number;
  maxNameLength: number;
}
