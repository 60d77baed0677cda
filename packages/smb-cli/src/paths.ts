/**
 * Remote paths as the CLI handles them: parsed from the three forms users write (//server/share/path,
 * \\server\share\path, smb://[domain;]user@server:port/share/path), joined and split with "/", and
 * turned back into the string the client takes (a UNC path, or an smb:// URL when a port or user rides
 * along).
 */
import { parseSmbPath } from "smb-client";
import { UsageError } from "./errors.js";

export interface RemotePath {
  server: string;
  port?: number;
  share: string;
  /** Path inside the share, "/"-separated, no leading or trailing "/" ("" = share root). */
  path: string;
  username?: string;
  domain?: string;
}

/** True for an argument that names a remote path. */
export function isRemote(arg: string): boolean {
  return /^smb:\/\//i.test(arg) || /^[\\/]{2}[^\\/]/.test(arg);
}

export function parseRemote(arg: string, opts: { needShare?: boolean } = {}): RemotePath {
  let p: ReturnType<typeof parseSmbPath>;
  try {
    p = parseSmbPath(arg);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!p.server) throw new UsageError(`no server in '${arg}'`);
  if (opts.needShare !== false && !p.share)
    throw new UsageError(`no share in '${arg}' (//server/share/path)`);
  const out: RemotePath = { server: p.server, share: p.share, path: p.path.replace(/\\/g, "/") };
  if (p.port !== undefined) out.port = p.port;
  if (p.username !== undefined) out.username = p.username;
  if (p.domain !== undefined) out.domain = p.domain;
  return out;
}

function hostPart(server: string): string {
  return server.includes(":") ? `[${server}]` : server;
}

/** The string SmbClient takes for a remote path. */
export function clientPath(p: RemotePath): string {
  if (p.port !== undefined || p.username !== undefined) {
    const user = p.username
      ? `${encodeURIComponent(p.domain ? `${p.domain};${p.username}` : p.username)}@`
      : "";
    const segs = [p.share, ...(p.path ? p.path.split("/") : [])].map(encodeURIComponent);
    return `smb://${user}${hostPart(p.server)}${p.port !== undefined ? `:${p.port}` : ""}/${segs.join("/")}`;
  }
  return `//${hostPart(p.server)}/${p.share}${p.path ? `/${p.path}` : ""}`;
}

/** "//server/share/path" for messages (the port shown when one was given in a URL). */
export function displayPath(p: RemotePath): string {
  const host = `${hostPart(p.server)}${p.port !== undefined ? `:${p.port}` : ""}`;
  return `//${host}${p.share ? `/${p.share}` : ""}${p.path ? `/${p.path}` : ""}`;
}

/** Resolves "." and ".." inside the share (never above its root). */
export function normalizeInner(path: string): string {
  const out: string[] = [];
  for (const part of path.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** A child (or relative path) of a remote path. */
export function joinRemote(p: RemotePath, rel: string): RemotePath {
  return { ...p, path: normalizeInner(p.path ? `${p.path}/${rel}` : rel) };
}

/** The last component ("" for a share root). */
export function remoteBasename(p: RemotePath): string {
  const i = p.path.lastIndexOf("/");
  return i < 0 ? p.path : p.path.slice(i + 1);
}

export function remoteParent(p: RemotePath): RemotePath {
  const i = p.path.lastIndexOf("/");
  return { ...p, path: i < 0 ? "" : p.path.slice(0, i) };
}

/** Same server, port and share (case-insensitive). */
export function sameShare(a: RemotePath, b: RemotePath): boolean {
  return (
    a.server.toLowerCase() === b.server.toLowerCase() &&
    a.share.toLowerCase() === b.share.toLowerCase() &&
    a.port === b.port
  );
}

/** True when `name` has wildcard characters (for mget/mput and `ls *.txt`). */
export function hasWildcard(name: string): boolean {
  return /[*?]/.test(name);
}

/** Case-insensitive glob ("*" and "?") match, as SMB servers match names. */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "is",
  );
  return re.test(name);
}
