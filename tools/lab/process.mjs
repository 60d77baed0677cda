// Process helpers shared by the test labs (tools/samba, tools/kerberos, tools/samba-ad): running
// commands, signalling, instance dirs under os.tmpdir() and their cleanup at exit or after a crash.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command to completion; resolves with its exit code and output (never rejects on failure). */
export function run(cmd, args, input) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (err) => resolve({ code: -1, stdout, stderr: String(err) }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin?.on("error", () => {}); // EPIPE when the command exits without reading
    child.stdin?.end(input);
  });
}

/** Returns `r` if the command succeeded; otherwise throws with its output (the last `maxChars` of it). */
export function check(r, what, maxChars = Number.POSITIVE_INFINITY) {
  if (r.code !== 0)
    throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-maxChars)}`);
  return r;
}

/** Whether a process exists and is not a zombie (an unreaped zombie is dead for our purposes). */
export function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** process.kill that ignores processes already gone. */
export function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {}
}

/** A file's text, or "" if it cannot be read. */
export function readText(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The last `lines` lines of a log file, or `missing` if it cannot be read. */
export function tail(path, lines = 20, missing = "") {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return missing;
  }
}

/** Adds a started process to `instance.procs` and to <instance.dir>/pids (for crash cleanup). */
export function recordPid(instance, pid) {
  instance.procs.push(pid);
  writeFileSync(join(instance.dir, "pids"), instance.procs.join("\n"));
}

/**
 * Instance dirs <tmpdir>/<prefix>* left behind by a crashed run: their <dir>/owner process is dead (dirs
 * without an owner file count once they are a minute old; younger ones are being created right now).
 */
export function staleInstanceDirs(prefix) {
  const root = tmpdir();
  const stale = [];
  for (const name of readdirSync(root)) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(root, name);
    const owner = Number(readText(join(dir, "owner")));
    const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (owner ? processAlive(owner) : age < 60_000) continue;
    stale.push(dir);
  }
  return stale;
}

/** (live set, killSync) pairs whose instances are killed when this process exits. */
const registries = new Map();
let handlersRegistered = false;

/**
 * Makes sure `killSync(instance)` runs for every instance still in `live` when this process exits or
 * gets SIGINT/SIGTERM (the signal's default action is kept unless someone else handles it).
 */
export function killAtExit(live, killSync) {
  registries.set(live, killSync);
  if (handlersRegistered) return;
  handlersRegistered = true;
  const killAll = () => {
    for (const [set, kill] of registries) {
      for (const instance of set) kill(instance);
      set.clear();
    }
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, function onSignal() {
      killAll();
      // Keep the default action (terminate) unless someone else handles the signal.
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    });
  }
}
