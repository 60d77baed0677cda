/**
 * Parsing of the path forms users write: UNC with either slash ("//server/share/a/b",
 * "\\\\server\\share\\a\\b") and smb:// URLs ("smb://[domain;]user@server:port/share/a/b"). A password in
 * a URL is refused unless the caller opts in: URLs end up in logs and shell history.
 */
import { SmbClientError } from "./errors.js";

export interface SmbPath {
  server: string;
  /** Port from a URL; undefined means the client's configured port. */
  port?: number;
  /** Share name ("" when the path names only a server). */
  share: string;
  /** Path inside the share, backslash-separated, without leading separator ("" for the share root). */
  path: string;
  username?: string;
  domain?: string;
  password?: string;
}

export interface ParseOptions {
  /** Accept "smb://user:password@host/..." (default false). */
  allowUrlPassword?: boolean;
}

/** Splits a UNC path or smb:// URL; throws SmbClientError (EINVAL) for anything else. */
export function parseSmbPath(input: string, opts: ParseOptions = {}): SmbPath {
  if (/^smb:\/\//i.test(input)) return parseUrl(input, opts);
  if (/^[\\/]{2}[^\\/]/.test(input)) {
    const parts = input.slice(2).split(/[\\/]+/);
    const server = parts.shift()!;
    const share = parts.shift() ?? "";
    return { server: unbracket(server), share, path: normalizeInner(parts) };
  }
  throw new SmbClientError(`not an SMB path (expected //server/share/... or smb://...): ${input}`, "EINVAL");
}

function parseUrl(input: string, opts: ParseOptions): SmbPath {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SmbClientError(`invalid smb:// URL: ${redactUrl(input)}`, "EINVAL");
  }
  const out: SmbPath = { server: unbracket(url.hostname), share: "", path: "" };
  if (url.port) out.port = Number(url.port);
  if (url.username) {
    const user = decodeURIComponent(url.username);
    const semi = user.indexOf(";");
    if (semi >= 0) {
      out.domain = user.slice(0, semi);
      out.username = user.slice(semi + 1);
    } else out.username = user;
  }
  if (url.password) {
    if (!opts.allowUrlPassword) {
      throw new SmbClientError("a password in an smb:// URL is refused (pass it as an option)", "EINVAL");
    }
    out.password = decodeURIComponent(url.password);
  }
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  out.share = parts.shift() ?? "";
  out.path = normalizeInner(parts);
  return out;
}

/** Resolves "." and ".." inside the share (never above its root) and joins with backslashes. */
function normalizeInner(parts: string[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out.join("\\");
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function redactUrl(s: string): string {
  return s.replace(/\/\/([^@/]*):[^@/]*@/, "//$1:***@");
}

/** "//server/share/a/b" for messages and errors. */
export function formatSmbPath(p: SmbPath): string {
  const host = p.server.includes(":") ? `[${p.server}]` : p.server;
  return `//${host}${p.port ? `:${p.port}` : ""}/${p.share}${p.path ? `/${p.path.replace(/\\/g, "/")}` : ""}`;
}

/** Joins path segments inside a share with backslashes. */
export function joinSharePath(...parts: string[]): string {
  return normalizeInner(parts.flatMap((p) => p.split(/[\\/]+/)));
}
