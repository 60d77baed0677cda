// Network-namespace instances shared by the Kerberos and AD labs: a private dir under os.tmpdir() plus a
// namespace named <prefix><owner pid>-<n> (and maybe /etc/netns/<name>/), stopped, killed at exit, or
// removed by the next start once the owner process died.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  check,
  killAtExit,
  processAlive,
  readText,
  recordPid,
  run,
  signal,
  sleep,
  staleInstanceDirs,
} from "./process.mjs";

/**
 * The instances of one lab (namespaces named <prefix><pid>-<n>): `create()` registers the exit cleanup,
 * removes stale instances of dead processes and returns a new instance with its namespace up; `stop()`
 * stops one (stopNetns with graceMs/pollMs; `procs`: the started processes are signalled too).
 */
export function netnsLab(prefix, { graceMs, pollMs, procs = false }) {
  const live = new Set();
  const killSync = (instance) => destroyNetnsSync(instance, { procs });
  const stop = async (instance) => {
    if (!live.delete(instance)) return;
    await stopNetns(instance, { graceMs, pollMs, procs });
  };
  const create = async () => {
    killAtExit(live, killSync);
    await cleanStaleNetns(prefix);
    const instance = netnsInstance(prefix);
    live.add(instance);
    try {
      await createNetns(instance);
    } catch (err) {
      await stop(instance);
      throw err;
    }
    return instance;
  };
  return { create, stop };
}

let counter = 0;

/**
 * A new instance { dir, netns, etcDir, procs, servers }: a private dir <tmpdir>/<prefix>XXXXXX and the
 * name of its namespace (created by createNetns).
 */
export function netnsInstance(prefix) {
  const netns = `${prefix}${process.pid}-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, netns, etcDir: join("/etc/netns", netns), procs: [], servers: [] };
}

/** Records owner and namespace in the instance dir (for crash cleanup), creates the namespace, sets lo up. */
export async function createNetns(instance) {
  writeFileSync(join(instance.dir, "owner"), String(process.pid));
  writeFileSync(join(instance.dir, "netns"), instance.netns);
  check(await run("ip", ["netns", "add", instance.netns]), "ip netns add");
  check(await run("ip", ["-n", instance.netns, "link", "set", "lo", "up"]), "ip link set lo up");
}

/** Creates /etc/netns/<ns>/ (`ip netns exec` bind-mounts its files over /etc) and records it for cleanup. */
export function createNetnsEtcDir(instance) {
  mkdirSync(instance.etcDir, { recursive: true });
  writeFileSync(join(instance.dir, "etcdir"), instance.etcDir);
  return instance.etcDir;
}

/** `ip` arguments running cmd inside namespace `ns` (through env(1) with `env` added, if given). */
function nsExecArgs(ns, env, cmd, args) {
  const envArgs = env ? ["env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : [];
  return ["netns", "exec", ns, ...envArgs, cmd, ...args];
}

/** Runs a command inside namespace `ns` to completion (stdin from `input`). */
export function nsRun(ns, cmd, args, { env, input } = {}) {
  return run("ip", nsExecArgs(ns, env, cmd, args), input);
}

/** Starts cmd inside the instance's namespace (unref'd, PID recorded); other options go to spawn(). */
export function spawnInNetns(instance, cmd, args, { env, ...spawnOpts } = {}) {
  const child = spawn("ip", nsExecArgs(instance.netns, env, cmd, args), spawnOpts);
  child.unref();
  recordPid(instance, child.pid);
  return child;
}

/** PIDs of every process in namespace `ns`. */
export async function nsPids(ns) {
  const r = await run("ip", ["netns", "pids", ns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

/**
 * Closes the instance's relay listeners, SIGTERMs everything in the namespace (and the started processes
 * themselves with `procs`), waits up to graceMs, then destroyNetns.
 */
export async function stopNetns(instance, { graceMs, pollMs, procs = false }) {
  for (const s of instance.servers) s.close();
  if (procs) for (const pid of instance.procs) signal(pid, "SIGTERM");
  for (const pid of await nsPids(instance.netns)) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (await nsPids(instance.netns)).some(processAlive)) await sleep(pollMs);
  await destroyNetns(instance.netns, instance.dir, instance.etcDir);
}

/** SIGKILLs what is left in the namespace and deletes it, its /etc/netns dir and the instance dir. */
export async function destroyNetns(netns, dir, etcDir) {
  if (netns) {
    for (const pid of await nsPids(netns)) signal(pid, "SIGKILL");
    await run("ip", ["netns", "del", netns]);
  }
  if (etcDir?.startsWith("/etc/netns/")) rmSync(etcDir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** destroyNetns for process exit (synchronous, best effort); `procs`: SIGKILL the started processes too. */
export function destroyNetnsSync(instance, { procs = false } = {}) {
  try {
    const pids = execFileSync("ip", ["netns", "pids", instance.netns], { encoding: "utf8" });
    for (const pid of pids.split(/\s+/).filter(Boolean)) signal(Number(pid), "SIGKILL");
  } catch {}
  if (procs) for (const pid of instance.procs) signal(pid, "SIGKILL");
  try {
    execFileSync("ip", ["netns", "del", instance.netns], { stdio: "ignore" });
  } catch {}
  if (instance.etcDir?.startsWith("/etc/netns/")) rmSync(instance.etcDir, { recursive: true, force: true });
  rmSync(instance.dir, { recursive: true, force: true });
}

/** Removes namespaces, /etc/netns dirs and instance dirs named `prefix` whose owner process died. */
export async function cleanStaleNetns(prefix) {
  for (const dir of staleInstanceDirs(prefix)) {
    const ns = readText(join(dir, "netns")).trim();
    const etc = readText(join(dir, "etcdir")).trim();
    await destroyNetns(ns.startsWith(prefix) ? ns : "", dir, etc);
  }
  const list = await run("ip", ["netns", "list"]);
  for (const line of list.stdout.split("\n")) {
    const ns = line.split(" ")[0];
    const m = ns && new RegExp(`^${prefix}(\\d+)-\\d+$`).exec(ns);
    if (m && !processAlive(Number(m[1]))) await destroyNetns(ns, "", join("/etc/netns", ns));
  }
}
