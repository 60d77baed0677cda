// Locates Samba's binaries and installs them with apt-get when missing (as root only).
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

const TOOLS = ["smbd", "smbclient", "smbpasswd"];
// samba-vfs-modules (streams_xattr) is only a Recommends of samba: name it in case recommends are off.
const PACKAGES = ["samba", "smbclient", "samba-vfs-modules"];
const SBIN = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/** Absolute path of a tool on PATH or in an sbin dir (smbd lives in /usr/sbin), or undefined. */
export function findTool(name) {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...SBIN]) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

export function toolPath(name) {
  const p = findTool(name);
  if (!p) throw new Error(`${name} not found; run ensureSambaInstalled() first`);
  return p;
}

/** What is missing: tools, and the streams_xattr VFS module (samba-vfs-modules, only a Recommends). */
function missingParts() {
  const missing = TOOLS.filter((t) => !findTool(t));
  const libs = existsSync("/usr/lib") ? readdirSync("/usr/lib").map((d) => join("/usr/lib", d)) : [];
  const vfs = ["/usr/lib", ...libs].some((d) => existsSync(join(d, "samba/vfs/streams_xattr.so")));
  return vfs ? missing : [...missing, "streams_xattr.so"];
}

export function ensureSambaInstalled() {
  const missing = missingParts();
  if (missing.length === 0) return;
  const hint = `install Samba: sudo apt-get install -y ${PACKAGES.join(" ")} (or set SMB_SERVER to an external server)`;
  if (process.getuid?.() !== 0 || !findTool("apt-get")) {
    throw new Error(`Samba is missing (${missing.join(", ")}); ${hint}`);
  }
  console.error(`Samba is missing (${missing.join(", ")}); installing it with apt-get...`);
  const opts = {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update"], opts);
  execFileSync("apt-get", ["install", "-y", ...PACKAGES], opts);
  const still = missingParts();
  if (still.length)
    throw new Error(`apt-get install finished but ${still.join(", ")} is still missing; ${hint}`);
}
