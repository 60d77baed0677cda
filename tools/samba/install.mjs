// Locates Samba's binaries and installs them with apt-get when missing (as root only).
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
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

export function ensureSambaInstalled() {
  const missing = TOOLS.filter((t) => !findTool(t));
  if (missing.length === 0) return;
  const hint =
    "install Samba: sudo apt-get install -y samba smbclient (or set SMB_SERVER to an external server)";
  if (process.getuid?.() !== 0 || !findTool("apt-get")) {
    throw new Error(`Samba is missing (${missing.join(", ")}); ${hint}`);
  }
  console.error(`Samba is missing (${missing.join(", ")}); installing it with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], env });
  execFileSync("apt-get", ["install", "-y", "samba", "smbclient"], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
  const still = TOOLS.filter((t) => !findTool(t));
  if (still.length)
    throw new Error(`apt-get install finished but ${still.join(", ")} is still missing; ${hint}`);
}
