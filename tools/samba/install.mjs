// Locates Samba's binaries and installs them with apt-get when missing (as root only).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled, findTool } from "../lab/apt.mjs";

const TOOLS = ["smbd", "smbclient", "smbpasswd"];
// samba-vfs-modules (streams_xattr) is only a Recommends of samba: name it in case recommends are off.
const PACKAGES = ["samba", "smbclient", "samba-vfs-modules"];

/** What is missing: tools, and the streams_xattr VFS module (samba-vfs-modules, only a Recommends). */
function missingParts() {
  const missing = TOOLS.filter((t) => !findTool(t));
  const libs = existsSync("/usr/lib") ? readdirSync("/usr/lib").map((d) => join("/usr/lib", d)) : [];
  const vfs = ["/usr/lib", ...libs].some((d) => existsSync(join(d, "samba/vfs/streams_xattr.so")));
  return vfs ? missing : [...missing, "streams_xattr.so"];
}

export function ensureSambaInstalled() {
  ensureInstalled({
    missing: missingParts,
    packages: PACKAGES,
    hint: `install Samba: sudo apt-get install -y ${PACKAGES.join(" ")} (or set SMB_SERVER to an external server)`,
    what: "Samba is",
    them: "it",
    apt: { updateFirst: true, recommends: true, lockTimeout: 0 },
  });
}
