// Locating the labs' binaries and installing them with apt-get when missing (as root only).
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

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

/**
 * Installs `packages` with apt-get when `missing()` names something (root only; otherwise throws with
 * `hint`), then checks again. Messages read "<what> missing (...); installing <them> with apt-get...".
 * apt: { updateFirst, recommends, lockTimeout } as for aptGetInstall.
 */
export function ensureInstalled({ missing, packages, hint, what, them = "them", apt }) {
  const absent = missing();
  if (absent.length === 0) return;
  if (process.getuid?.() !== 0 || !findTool("apt-get")) {
    throw new Error(`${what} missing (${absent.join(", ")}); ${hint}`);
  }
  console.error(`${what} missing (${absent.join(", ")}); installing ${them} with apt-get...`);
  aptGetInstall(packages, apt);
  const still = missing();
  if (still.length)
    throw new Error(`apt-get install finished but ${still.join(", ")} is still missing; ${hint}`);
}

/**
 * apt-get install (non-interactive, apt-get's stderr shown). By default without recommends, waiting up to
 * `lockTimeout` s for a concurrent apt/dpkg (another test process installing) rather than failing on its
 * lock, and running apt-get update only if the install fails; `updateFirst` updates before installing.
 */
export function aptGetInstall(packages, { updateFirst = false, recommends = false, lockTimeout = 180 } = {}) {
  const opts = {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  const lock = lockTimeout ? ["-o", `DPkg::Lock::Timeout=${lockTimeout}`] : [];
  const install = ["install", "-y", ...(recommends ? [] : ["--no-install-recommends"]), ...lock, ...packages];
  if (updateFirst) {
    execFileSync("apt-get", ["update", ...lock], opts);
    execFileSync("apt-get", install, opts);
    return;
  }
  try {
    execFileSync("apt-get", install, opts);
  } catch {
    execFileSync("apt-get", ["update", ...lock], opts);
    execFileSync("apt-get", install, opts);
  }
}
