/** Human output: sizes, rates, durations, times, attribute strings and aligned tables. */
import { FileAttributes, formatFlags } from "smb-structures";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** 1536 -> "1.5 KiB"; exact bytes below 1 KiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "?";
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const sign = n < 0 ? "-" : "";
  if (u === 0) return `${sign}${v} B`;
  return `${sign}${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** ls -h style: "512", "1.5K", "23M", "1.0G". */
export function formatShortSize(n: number): string {
  if (n < 1024) return String(n);
  const s = ["K", "M", "G", "T", "P"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < s.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)}${s[u]}`;
}

/** Seconds -> "0:05", "1:02:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ls -l style time: "Nov 23 20:35" for this year's times, "Nov 23  2025" otherwise. */
export function formatLsTime(ms: number, now = Date.now()): string {
  if (!ms) return "            ";
  const d = new Date(ms);
  const mon = MONTHS[d.getMonth()];
  const day = String(d.getDate()).padStart(2, " ");
  const recent = Math.abs(now - ms) < 183 * 24 * 3600 * 1000;
  if (recent) {
    const hh = String(d.getHours()).padStart(2, "0");
    const mm = String(d.getMinutes()).padStart(2, "0");
    return `${mon} ${day} ${hh}:${mm}`;
  }
  return `${mon} ${day}  ${d.getFullYear()}`;
}

/** ISO time or null for an unset (zero) time, for JSON. */
export function isoTime(ms: number): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

const ATTR_LETTERS: [number, string][] = [
  [FileAttributes.DIRECTORY, "D"],
  [FileAttributes.ARCHIVE, "A"],
  [FileAttributes.SYSTEM, "S"],
  [FileAttributes.HIDDEN, "H"],
  [FileAttributes.READONLY, "R"],
  [FileAttributes.COMPRESSED, "C"],
  [FileAttributes.ENCRYPTED, "E"],
  [FileAttributes.SPARSE_FILE, "P"],
  [FileAttributes.REPARSE_POINT, "L"],
  [FileAttributes.OFFLINE, "O"],
];

const lettersCache = new Map<number, string>();

/** smbclient-style attribute letters ("DA", "AH", "N" for none). */
export function attributeLetters(attrs: number): string {
  let s = lettersCache.get(attrs);
  if (s !== undefined) return s;
  s = "";
  for (const [bit, l] of ATTR_LETTERS) if (attrs & bit) s += l;
  s ||= "N";
  // A listing has a handful of distinct attribute sets.
  if (lettersCache.size < 256) lettersCache.set(attrs, s);
  return s;
}

/** Attribute names for JSON ("DIRECTORY", "ARCHIVE" ...), without FILE_ATTRIBUTE_ prefixes. */
export function attributeNames(attrs: number): string[] {
  const s = formatFlags(attrs >>> 0, FileAttributes);
  return s === "0" ? [] : s.split("|");
}

const modeCache = new Map<number, string>();

/** "drwxr-xr-x" from an fs-style mode. */
export function modeString(mode: number): string {
  let s = modeCache.get(mode);
  if (s === undefined) {
    s = modeText(mode);
    if (modeCache.size < 256) modeCache.set(mode, s);
  }
  return s;
}

function modeText(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? "d" : (mode & 0o170000) === 0o120000 ? "l" : "-";
  const bits = "rwxrwxrwx";
  let s = type;
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : "-";
  return s;
}

export type Align = "left" | "right";

/** Columns padded to the widest cell; the last column is not padded. */
export function formatTable(rows: string[][], align: Align[] = [], sep = "  "): string[] {
  // Each cell's width is measured once (a 10,000-line `ls -l` has 50,000 cells).
  const cellWidths = rows.map((r) => r.map(displayWidth));
  const widths: number[] = [];
  for (const r of cellWidths) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]!);
  }
  const out = new Array<string>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const w = cellWidths[k]!;
    let line = "";
    for (let i = 0; i < r.length; i++) {
      const c = r[i]!;
      if (i > 0) line += sep;
      if (i === r.length - 1 && align[i] !== "right") {
        line += c;
        continue;
      }
      const pad = spaces(widths[i]! - w[i]!);
      line += align[i] === "right" ? pad + c : c + pad;
    }
    out[k] = line;
  }
  return out;
}

const SPACES = " ".repeat(64);
function spaces(n: number): string {
  return n <= 0 ? "" : n <= SPACES.length ? SPACES.slice(0, n) : " ".repeat(n);
}

/** Width of a string in terminal cells (wide CJK characters count 2; combining marks 0). */
export function displayWidth(s: string): number {
  // Printable ASCII is the fast path.
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x300 && c < 0x370)) continue;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Lays names out in columns across the terminal width (like ls without -l). */
export function formatColumns(names: string[], width: number): string[] {
  if (names.length === 0) return [];
  const gap = 2;
  const widths = names.map(displayWidth);
  const maxW = Math.max(...widths);
  if (width <= 0 || maxW + gap >= width) return names;
  let cols = Math.max(1, Math.floor((width + gap) / (maxW + gap)));
  // shrink columns to fit actual widths per column
  for (; cols > 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    let total = 0;
    for (let c = 0; c < cols; c++) {
      let w = 0;
      for (let r = 0; r < rows; r++) {
        const i = c * rows + r;
        if (i < names.length) w = Math.max(w, widths[i]!);
      }
      total += w + (c < cols - 1 ? gap : 0);
    }
    if (total <= width) break;
  }
  const rows = Math.ceil(names.length / cols);
  const colW: number[] = [];
  for (let c = 0; c < cols; c++) {
    let w = 0;
    for (let r = 0; r < rows; r++) {
      const i = c * rows + r;
      if (i < names.length) w = Math.max(w, widths[i]!);
    }
    colW.push(w);
  }
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < cols; c++) {
      const i = c * rows + r;
      if (i >= names.length) break;
      const last = c === cols - 1 || (c + 1) * rows + r >= names.length;
      line += last ? names[i] : names[i] + " ".repeat(colW[c]! - widths[i]! + gap);
    }
    out.push(line);
  }
  return out;
}

/** Quotes a name for human output when it has spaces or control characters. */
export function quoteName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape
  if (/[\x00-\x1f\x7f]/.test(name)) return JSON.stringify(name);
  return name;
}
