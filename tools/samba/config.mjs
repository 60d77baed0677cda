// smb.conf generation and share contents for the test server (settings from shared/notes/samba-lab.md).
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DOMAIN = "SMBJS";

const BASE_SHARES = {
  share: {},
  "share-encrypted": { "smb encrypt": "required" },
  dfsroot: { "msdfs root": "yes" },
  streams: { "vfs objects": "streams_xattr", "ea support": "yes" },
  readonly: { "read only": "yes" },
  "share-signed": {}, // served by the signing-mandatory companion smbd
};

/** DFS links in dfsroot: symlinks whose target text is msdfs:SERVER\share[,SERVER2\share2]. */
const DFS_LINKS = {
  "link-share": "msdfs:127.0.0.1\\share",
  "link-multi": "msdfs:127.0.0.1\\no-such-share,127.0.0.1\\share",
  "sub/link-deep": "msdfs:127.0.0.1\\share",
  "link-subpath": "msdfs:127.0.0.1\\share\\subdir",
  "link-second-name": "msdfs:localhost\\share",
  "link-encrypted": "msdfs:127.0.0.1\\share-encrypted",
};

/**
 * Creates the share dirs (world-writable: smbd writes as the test user) and their seed content;
 * returns name -> smb.conf options. `share-signed` only with `signed`.
 */
export function createShares(dir, extra = {}, signed = true) {
  const root = join(dir, "shares");
  mkdirSync(root, { mode: 0o755 });
  const shares = {};
  const { "share-signed": signedShare, ...base } = BASE_SHARES;
  const all = { ...base, ...(signed && { "share-signed": signedShare }), ...extra };
  for (const [name, options] of Object.entries(all)) {
    const path = options.path ?? join(root, name);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o777);
    shares[name] = { path, "read only": "no", ...options };
  }
  const at = (share, ...rest) => join(shares[share].path, ...rest);
  mkdirSync(at("share", "subdir"));
  chmodSync(at("share", "subdir"), 0o777); // mkdir's mode is reduced by the umask
  writeFileSync(at("readonly", "hello.txt"), "hello from the read-only share\n");
  mkdirSync(at("dfsroot", "sub"), { mode: 0o777 });
  mkdirSync(at("dfsroot", "plain-dir"), { mode: 0o777 });
  writeFileSync(at("dfsroot", "plain-dir", "file.txt"), "a plain file inside the DFS root\n");
  for (const [link, target] of Object.entries(DFS_LINKS)) symlinkSync(target, at("dfsroot", link));
  return shares;
}

/**
 * Config of one smbd named `name` (its state in <dir>/<name>, passdb shared in <dir>/private).
 * Returns paths and a `write(port?)` that (re)writes its smb.conf (for that port).
 */
export function serverConfig(dir, name, userGlobal, shares) {
  const home = join(dir, name);
  const sub = (d) => {
    const p = join(home, d);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const priv = join(dir, "private");
  mkdirSync(priv, { recursive: true, mode: 0o700 });
  const logPath = join(home, "log.smbd");
  const confPath = join(home, "smb.conf");
  const global = {
    "server role": "standalone server",
    workgroup: DOMAIN,
    "netbios name": "SMBJSTEST",
    interfaces: "127.0.0.1",
    "bind interfaces only": "yes",
    "disable netbios": "yes",
    "private dir": priv,
    "passdb backend": `tdbsam:${join(priv, "passdb.tdb")}`,
    "lock directory": sub("lock"),
    "state directory": sub("state"),
    "cache directory": sub("cache"),
    "pid directory": sub("run"),
    "ncalrpc dir": sub("ncalrpc"),
    "binddns dir": sub("binddns"),
    "log file": logPath,
    "max log size": "0",
    "log level": "1",
    "load printers": "no",
    printing: "bsd",
    "printcap name": "/dev/null",
    "disable spoolss": "yes",
    "server min protocol": "SMB2_02",
    "server max protocol": "SMB3_11",
    "ntlm auth": "ntlmv2-only",
    "server multi channel support": "yes",
    "host msdfs": "yes",
    "map to guest": "never",
  };
  const write = (port) => {
    const text = [section("global", merge(global, userGlobal, port ? { "smb ports": String(port) } : {}))];
    for (const [share, options] of Object.entries(shares)) text.push(section(share, options));
    writeFileSync(confPath, text.join("\n"));
  };
  write();
  return { name, home, confPath, logPath, write };
}

/** Merges smb.conf options: Samba ignores case and spaces in option names, so compare them that way. */
function merge(...objs) {
  const out = new Map();
  for (const o of objs) {
    for (const [k, v] of Object.entries(o ?? {})) out.set(k.toLowerCase().replace(/\s+/g, ""), [k, v]);
  }
  return Object.fromEntries(out.values());
}

function section(name, options) {
  const lines = Object.entries(options).map(([k, v]) => `  ${k} = ${v}\n`);
  return `[${name}]\n${lines.join("")}`;
}
