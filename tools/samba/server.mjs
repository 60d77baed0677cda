// A private Samba (smbd) on 127.0.0.1 for tests and the demo; the API is documented in server.d.mts.
// Every path smbd uses lives in one instance dir under os.tmpdir(), so instances run side by side.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolPath } from "../lab/apt.mjs";
import {
  killAtExit,
  processAlive,
  readText,
  recordPid,
  run,
  signal,
  sleep,
  staleInstanceDirs,
  tail,
} from "../lab/process.mjs";
import { createShares, DOMAIN, serverConfig } from "./config.mjs";
import { ensureSambaInstalled } from "./install.mjs";
import { freePort, sambaPidsUsing, waitForPort } from "./proc.mjs";

export { ensureSambaInstalled };

const USER = "smbjs-test";
const PREFIX = "smbjs-samba-";
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2_000;

/** Instances started by this process: { dir, procs } (procs: smbd PIDs). */
const live = new Set();

/**
 * Share settings under which Samba grants durable handles (it refuses them with kernel oplocks, kernel
 * share modes or POSIX locking on).
 */
export const DURABLE_SHARE = Object.freeze({
  "kernel oplocks": "no",
  "kernel share modes": "no",
  "posix locking": "no",
  "durable handles": "yes",
});

export function externalServerFromEnv() {
  // Read for tests, not by any turbo task.
  const { SMB_SERVER, SMB_PORT, SMB_USER, SMB_PASSWORD, SMB_SHARE, SMB_DOMAIN } = process.env;
  if (!SMB_SERVER) return undefined;
  const port = Number(SMB_PORT || 445);
  const share = SMB_SHARE || "share";
  return {
    host: SMB_SERVER,
    port,
    signedPort: port,
    username: SMB_USER ?? "",
    password: SMB_PASSWORD ?? "",
    domain: SMB_DOMAIN ?? "",
    dir: "",
    shares: { [share]: { name: share, path: "" } },
    pid: 0,
    signedPid: 0,
    external: true,
    confPath: "",
    logPath: "",
    stop: async () => {},
  };
}

export async function startSamba(opts = {}) {
  ensureSambaInstalled();
  if (process.getuid?.() !== 0) {
    throw new Error(
      "startSamba needs root (smbd acts as the test user); or set SMB_SERVER to an external server",
    );
  }
  killAtExit(live, killSync);
  cleanStaleInstances();
  await ensureUser();
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  const instance = { dir, procs: [] };
  live.add(instance);
  try {
    writeFileSync(join(dir, "owner"), String(process.pid));
    chmodSync(dir, 0o711); // the test user must be able to traverse into the share dirs
    const password = randomBytes(12).toString("base64url");
    const withSigned = opts.signedCompanion !== false;
    const shares = createShares(dir, opts.shares, withSigned);
    const { "share-signed": signedShare, ...mainShares } = shares;
    const main = serverConfig(dir, "main", opts.global, mainShares);
    const signedGlobal = { ...opts.global, "server signing": "mandatory" };
    const signed = withSigned && serverConfig(dir, "signed", signedGlobal, { "share-signed": signedShare });
    await setPassword(main.confPath, password);
    const [m, s] = await Promise.all([launch(instance, main), signed && launch(instance, signed)]);
    return {
      host: "127.0.0.1",
      port: m.port,
      signedPort: s ? s.port : 0,
      username: USER,
      password,
      domain: DOMAIN,
      dir,
      shares: Object.fromEntries(Object.entries(shares).map(([name, o]) => [name, { name, path: o.path }])),
      pid: m.pid,
      signedPid: s ? s.pid : 0,
      external: false,
      confPath: main.confPath,
      logPath: main.logPath,
      stop: () => stop(instance),
    };
  } catch (err) {
    await stop(instance);
    throw err;
  }
}

/** smbd maps SMB users to Unix accounts: create a system user without home if missing. */
async function ensureUser() {
  if ((await run("id", ["-u", USER])).code === 0) return;
  const add = await run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]);
  // A concurrent start may have created it meanwhile.
  if (add.code !== 0 && (await run("id", ["-u", USER])).code !== 0) {
    throw new Error(`useradd ${USER} failed: ${add.stderr.trim()}`);
  }
}

async function setPassword(confPath, password) {
  const r = await run(
    toolPath("smbpasswd"),
    ["-c", confPath, "-a", "-s", USER],
    `${password}\n${password}\n`,
  );
  if (r.code !== 0) throw new Error(`smbpasswd failed: ${(r.stderr || r.stdout).trim()}`);
}

/** Starts one smbd on a free port and waits until it accepts TCP; retries if the port got taken meanwhile. */
async function launch(instance, cfg) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    cfg.write(port);
    // Never --no-process-group: smbd would SIGTERM our process group. Without it smbd calls setsid() and
    // leads its own group (it and its forked children). `detached` would make that setsid() fail.
    // -l: log to <home>/log.smbd from the first line (before the config is read; default is /var/log/samba).
    const args = ["--foreground", "-s", cfg.confPath, "-l", cfg.home];
    const child = spawn(toolPath("smbd"), args, { stdio: "ignore" });
    child.unref();
    recordPid(instance, child.pid);
    const exited = new Promise((resolve) =>
      child.once("exit", (code, sig) => resolve(sig ?? `exit code ${code}`)),
    );
    const outcome = await Promise.race([waitForPort(port, START_TIMEOUT_MS).then(() => "up"), exited]);
    if (outcome === "up" && child.exitCode === null) return { port, pid: child.pid };
    const log = tail(cfg.logPath, 20, "(no log)");
    if (attempt < 3 && /No sockets available to bind/i.test(log)) continue;
    throw new Error(`smbd (${cfg.name}) did not start (${outcome}); tail of ${cfg.logPath}:\n${log}`);
  }
}

/** SIGTERM to each smbd (it stops its children), SIGKILL to their groups after a grace period, then delete the instance dir. */
async function stop(instance) {
  if (!live.delete(instance)) return;
  for (const pid of instance.procs) signal(pid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (instance.procs.some(processAlive) && Date.now() < deadline) await sleep(20);
  killSync(instance);
}

/** Kills what still runs from an instance (helpers such as samba-dcerpcd too) and deletes its dir. */
function killSync({ dir, procs }) {
  for (const pid of procs) {
    signal(-pid, "SIGKILL");
    signal(pid, "SIGKILL"); // in case it had not called setsid() yet
  }
  for (const pid of sambaPidsUsing(dir)) signal(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}

/** Deletes instance dirs whose owning process died (a crashed run), killing their smbd processes. */
function cleanStaleInstances() {
  for (const dir of staleInstanceDirs(PREFIX)) {
    const running = sambaPidsUsing(dir);
    const procs = readText(join(dir, "pids")).split("\n").map(Number);
    killSync({ dir, procs: procs.filter((pid) => running.includes(pid)) }); // guard against PID reuse
  }
}
