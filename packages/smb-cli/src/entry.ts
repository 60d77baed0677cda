/**
 * One file or directory as `ls` and `stat` print it, built from a directory entry (SmbDirent) or a stat
 * (SmbStats), and its stable JSON form (documented in the README; fields are only ever added).
 */
import type { SmbDirent, SmbStats } from "smb-client";
import { FileAttributes, ReparseTag } from "smb-structures";
import {
  attributeLetters,
  attributeNames,
  formatLsTime,
  formatShortSize,
  formatTable,
  isoTime,
  modeString,
  quoteName,
} from "./format.js";

export type EntryType = "file" | "directory" | "symlink";

export interface Entry {
  name: string;
  /** Display path of the entry (//server/share/dir/name). */
  path: string;
  type: EntryType;
  size: number;
  allocationSize: number;
  attributes: number;
  mode: number;
  mtimeMs: number;
  atimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  fileId: bigint;
  nlink?: number;
}

/** The JSON object of an entry (ls --json lines and stat --json). */
export interface EntryJson {
  name: string;
  path: string;
  type: EntryType;
  size: number;
  allocationSize: number;
  /** FILE_ATTRIBUTE_* names without the prefix ("DIRECTORY", "ARCHIVE", "HIDDEN" ...). */
  attributes: string[];
  /** ISO 8601 times (null when the server reports none). */
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  birthtime: string | null;
  /** The server's file id, as a decimal string (64-bit). */
  fileId: string;
  /** stat only: number of hard links. */
  nlink?: number;
}

function typeOf(isDir: boolean, isLink: boolean): EntryType {
  return isLink ? "symlink" : isDir ? "directory" : "file";
}

const SYMLINK_TAGS = new Set<number>([
  ReparseTag.IO_REPARSE_TAG_SYMLINK,
  ReparseTag.IO_REPARSE_TAG_MOUNT_POINT,
  ReparseTag.IO_REPARSE_TAG_LX_SYMLINK,
]);

/** The fs-style mode SmbClient's Stats give (computed here: a Stats per entry costs 10k allocations). */
function modeOf(attributes: number, reparseTag: number): { mode: number; type: EntryType } {
  if (attributes & FileAttributes.REPARSE_POINT && SYMLINK_TAGS.has(reparseTag >>> 0))
    return { mode: 0o120777, type: "symlink" };
  if (attributes & FileAttributes.DIRECTORY) return { mode: 0o40755, type: "directory" };
  return { mode: attributes & FileAttributes.READONLY ? 0o100444 : 0o100644, type: "file" };
}

/**
 * An Entry over a listing's SmbDirent: the fields other than the name, type and attributes are read
 * from it when used (a plain `ls` of 10,000 entries reads no times, sizes or ids, and builds no paths).
 */
class DirentEntry implements Entry {
  readonly name: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly attributes: number;
  constructor(
    private readonly d: SmbDirent,
    private readonly parent: string,
  ) {
    this.name = d.name;
    this.attributes = d.attributes;
    const m = modeOf(d.attributes, d.attributes & FileAttributes.REPARSE_POINT ? d.reparseTag : 0);
    this.mode = m.mode;
    this.type = m.type;
  }
  get path(): string {
    return `${this.parent}${this.parent.endsWith("/") ? "" : "/"}${this.name}`;
  }
  get size(): number {
    return this.d.size;
  }
  get allocationSize(): number {
    return this.d.allocationSize;
  }
  get mtimeMs(): number {
    return this.d.mtimeMs;
  }
  get atimeMs(): number {
    return this.d.atimeMs;
  }
  get ctimeMs(): number {
    return this.d.ctimeMs;
  }
  get birthtimeMs(): number {
    return this.d.birthtimeMs;
  }
  get fileId(): bigint {
    return this.d.ino;
  }
}

/** The Entry of a directory entry listed in `parent` (a display path). */
export function entryFromDirent(d: SmbDirent, parent: string): Entry {
  return new DirentEntry(d, parent);
}

export function entryFromStats(name: string, path: string, s: SmbStats): Entry {
  return {
    name,
    path,
    type: typeOf(s.isDirectory(), s.isSymbolicLink()),
    size: s.size,
    allocationSize: s.allocationSize,
    attributes: s.attributes,
    mode: s.mode,
    mtimeMs: s.mtimeMs,
    atimeMs: s.atimeMs,
    ctimeMs: s.ctimeMs,
    birthtimeMs: s.birthtimeMs,
    fileId: BigInt(s.ino),
    nlink: s.nlink,
  };
}

export function entryJson(e: Entry): EntryJson {
  const out: EntryJson = {
    name: e.name,
    path: e.path,
    type: e.type,
    size: e.size,
    allocationSize: e.allocationSize,
    attributes: attributeNames(e.attributes),
    mtime: isoTime(e.mtimeMs),
    atime: isoTime(e.atimeMs),
    ctime: isoTime(e.ctimeMs),
    birthtime: isoTime(e.birthtimeMs),
    fileId: e.fileId.toString(),
  };
  if (e.nlink !== undefined) out.nlink = e.nlink;
  return out;
}

/** Hidden for `ls` without -a: FILE_ATTRIBUTE_HIDDEN or a dot name. */
export function isHidden(e: Pick<Entry, "name" | "attributes">): boolean {
  return e.name.startsWith(".") || (e.attributes & FileAttributes.HIDDEN) !== 0;
}

let collator: Intl.Collator | undefined;

/**
 * Names of letters, digits, '.' and '-' only: for them the collator's order ("en", base sensitivity:
 * case ignored; '-' and '.' before digits before letters) is the order of the lower-cased code units,
 * so a listing of such names is sorted without the collator (whose set-up alone costs milliseconds).
 */
const PLAIN_NAME = /^[A-Za-z0-9.-]*$/;

export function sortEntries<T extends { name: string }>(list: T[]): T[] {
  const tie = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (list.every((e) => PLAIN_NAME.test(e.name))) {
    const keyed = list.map((e) => ({ e, k: e.name.toLowerCase() }));
    keyed.sort((a, b) => tie(a.k, b.k) || tie(a.e.name, b.e.name));
    for (let i = 0; i < keyed.length; i++) list[i] = keyed[i]!.e;
    return list;
  }
  collator ??= new Intl.Collator("en", { sensitivity: "base", numeric: false });
  const c = collator;
  return list.sort((a, b) => c.compare(a.name, b.name) || tie(a.name, b.name));
}

/** `ls -l` lines: mode, attributes, size, modification time, name ("/" after directories). */
export function longLines(entries: Entry[], human: boolean, now = Date.now()): string[] {
  const rows = entries.map((e) => [
    modeString(e.mode),
    attributeLetters(e.attributes),
    human ? formatShortSize(e.size) : String(e.size),
    formatLsTime(e.mtimeMs, now),
    quoteName(e.name) + (e.type === "directory" ? "/" : ""),
  ]);
  return formatTable(rows, ["left", "left", "right", "left", "left"]);
}
