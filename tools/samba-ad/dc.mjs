// A private Samba AD DC in a network namespace of its own, for DFS integration tests (domain, DC and
// SYSVOL/NETLOGON referrals); the API is documented in dc.d.mts. Settings from
// shared/notes/kerberos-lab.md:
// - provisioned with samba-tool into a private dir (~10-20 s), then smb.conf is rewritten so that logs,
//   pid files and ncalrpc live there too;
// - smbd inside the DC needs winbindd, and libwbclient finds winbindd's socket only under
//   /run/samba/winbindd: samba runs under `unshare --mount` with a private dir bind-mounted over
//   /run/samba (NTLM and Kerberos session setups fail with NT_STATUS_INTERNAL_ERROR otherwise);
// - the namespace's hosts file (/etc/netns/NAME/hosts) names the DC;
// - reached from the host through tools/kerberos/forwarder.mjs (a relay on a Unix socket in the instance
//   dir) and a TCP listener on the host's 127.0.0.1.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findTool, toolPath } from "../samba/install.mjs";
import { processAlive, run, sleep } from "../samba/proc.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const FORWARDER = join(HERE, "..", "kerberos", "forwarder.mjs");
const PREFIX = "smbjs-ad-";
const TOOLS = ["samba", "samba-tool", "winbindd", "smbd", "unshare", "ip"];
const PACKAGES = ["samba-ad-dc", "winbind"];
const START_TIMEOUT_MS = 60_000;

let counter = 0;
const live = new Set();

/** Installs samba-ad-dc and winbind with apt-get when a tool is missing (root only). */
export function ensureAdDcInstalled() {
  const missing = TOOLS.filter((t) => !findTool(t));
  if (missing.length === 0) return;
  const hint = `install the AD DC: apt-get install -y ${PACKAGES.join(" ")}`;
  if (process.getuid?.() !== 0 || !findTool("apt-get")) {
    throw new Error(`Samba AD DC tools are missing (${missing.join(", ")}); ${hint}`);
  }
  console.error(`Samba AD DC tools are missing (${missing.join(", ")}); installing them with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const opts = { stdio: ["ignore", "ignore", "inherit"], env };
  const lock = ["-o", "DPkg::Lock::Timeout=180"];
  const install = ["install", "-y", "--no-install-recommends", ...lock, ...PACKAGES];
  try {
    execFileSync("apt-get", install, opts);
  } catch {
    execFileSync("apt-get", ["update", ...lock], opts);
    execFileSync("apt-get", install, opts);
  }
  const still = TOOLS.filter((t) => !findTool(t));
  if (still.length)
    throw new Error(`apt-get install finished but ${still.join(", ")} is still missing; ${hint}`);
}

function check(r, what) {
  if (r.code !== 0)
    throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r;
}

export async function startAdDc(opts = {}) {
  if (process.getuid?.() !== 0) throw new Error("startAdDc needs root (network namespaces, samba as root)");
  ensureAdDcInstalled();
  registerExitHandlers();
  await cleanStale();
  const realm = (opts.realm ?? "SMB.TEST").toUpperCase();
  const dnsDomain = realm.toLowerCase();
  const domain = (opts.domain ?? "SMB").toUpperCase();
  const hostName = (opts.hostName ?? "dc1").toLowerCase();
  const dcName = `${hostName}.${dnsDomain}`;
  // Complexity rules: upper, lower, digit, symbol.
  const password = `Aa1!${randomBytes(12).toString("base64url")}`;
  const netns = `${PREFIX}${process.pid}-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  const etcDir = join("/etc/netns", netns);
  const instance = { dir, netns, etcDir, servers: [], procs: [] };
  live.add(instance);
  try {
    writeFileSync(join(dir, "owner"), String(process.pid));
    writeFileSync(join(dir, "netns"), netns);
    check(await run("ip", ["netns", "add", netns]), "ip netns add");
    check(await run("ip", ["-n", netns, "link", "set", "lo", "up"]), "ip link set lo up");
    mkdirSync(etcDir, { recursive: true });
    writeFileSync(join(dir, "etcdir"), etcDir);
    writeFileSync(join(etcDir, "hosts"), `127.0.0.1 localhost\n127.0.0.1 ${dcName} ${hostName}\n`);
    writeFileSync(join(etcDir, "resolv.conf"), `nameserver 127.0.0.1\nsearch ${dnsDomain}\n`);

    const target = join(dir, "dc");
    check(
      await run("ip", [
        "netns",
        "exec",
        netns,
        toolPath("samba-tool"),
        "domain",
        "provision",
        `--targetdir=${target}`,
        `--realm=${realm}`,
        `--domain=${domain}`,
        "--server-role=dc",
        "--dns-backend=SAMBA_INTERNAL",
        `--host-name=${hostName}`,
        `--adminpass=${password}`,
        "--option=interfaces = lo",
        "--option=bind interfaces only = yes",
      ]),
      "samba-tool domain provision",
    );
    const confPath = join(target, "etc", "smb.conf");
    writeFileSync(confPath, privateConf(readFileSync(confPath, "utf8"), target, opts.global));
    const runSamba = join(dir, "run-samba");
    mkdirSync(runSamba);
    const logPath = join(target, "log", "samba.log");
    mkdirSync(dirname(logPath), { recursive: true });

    // The relay, then samba (own process group: it signals its group on shutdown).
    const socket = join(dir, "relay.sock");
    instance.socket = socket;
    spawnInNs(instance, process.execPath, [FORWARDER, socket]);
    await waitFor(() => existsSync(socket), 10_000, "relay");
    spawnInNs(instance, "unshare", [
      "--mount",
      "sh",
      "-c",
      'mount --bind "$1" /run/samba && exec "$2" --foreground --no-process-group -M single -s "$3"',
      "sh",
      runSamba,
      toolPath("samba"),
      confPath,
    ]);
    const winbindPipe = join(runSamba, "winbindd", "pipe");
    await waitFor(
      async () =>
        (await probe(socket, 88)) &&
        (await probe(socket, 389)) &&
        (await probe(socket, 445)) &&
        existsSync(winbindPipe),
      START_TIMEOUT_MS,
      "samba (ports 88, 389, 445 and winbindd)",
      logPath,
    );
    const port = await forward(instance, 445);
    return {
      netns,
      realm,
      dnsDomain,
      domain,
      dcName,
      host: "127.0.0.1",
      port,
      username: "Administrator",
      password,
      dir,
      confPath,
      logPath,
      exec: (cmd, args = [], input) => run("ip", ["netns", "exec", netns, cmd, ...args], input),
      forward: (p) => forward(instance, p),
      stop: () => stop(instance),
    };
  } catch (err) {
    await stop(instance);
    throw err;
  }
}

/** The provisioned smb.conf with every runtime path private, printing off, no DNS forwarder, no extra shares. */
function privateConf(text, target, extra = {}) {
  const sections = text.split(/^(?=\[)/m);
  const keep = sections.filter((s) => /^\[(global|sysvol|netlogon)\]/i.test(s) || !s.startsWith("["));
  const sub = (d) => {
    const p = join(target, d);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const add = {
    "log file": join(target, "log", "samba.log"),
    "max log size": "0",
    "log level": "1",
    "pid directory": sub("run"),
    "ncalrpc dir": sub("ncalrpc"),
    "load printers": "no",
    printing: "bsd",
    "printcap name": "/dev/null",
    "disable spoolss": "yes",
    ...extra,
  };
  const drop = new Set(["dns forwarder", "log file", "max log size", ...Object.keys(extra)].map(norm));
  return keep
    .map((s) => {
      if (!/^\[global\]/i.test(s)) return s;
      const lines = s.split("\n").filter((l) => {
        const m = /^\s*([^=]+?)\s*=/.exec(l);
        return !m || !drop.has(norm(m[1]));
      });
      const extraLines = Object.entries(add).map(([k, v]) => `\t${k} = ${v}`);
      return [lines[0], ...extraLines, ...lines.slice(1)].join("\n");
    })
    .join("");
}

function norm(k) {
  return k.toLowerCase().replace(/\s+/g, "");
}

function spawnInNs(instance, cmd, args) {
  const child = spawn("ip", ["netns", "exec", instance.netns, cmd, ...args], {
    stdio: "ignore",
    detached: true,
  });
  child.unref();
  instance.procs.push(child.pid);
  writeFileSync(join(instance.dir, "pids"), instance.procs.join("\n"));
  return child;
}

async function waitFor(ready, timeoutMs, what, logPath) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      const log = logPath ? tail(logPath) : "";
      throw new Error(
        `${what} did not come up within ${timeoutMs} ms${log ? `; tail of ${logPath}:\n${log}` : ""}`,
      );
    }
    await sleep(50);
  }
}

function tail(path, lines = 30) {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Connects through the relay to 127.0.0.1:port inside the namespace; true when something listens. */
function probe(socket, port) {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(false);
    const s = connect(socket);
    s.once("error", () => resolve(false));
    s.once("connect", () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(port);
      s.write(head);
    });
    s.once("data", (d) => {
      s.destroy();
      resolve(d[0] === 1);
    });
    s.once("close", () => resolve(false));
  });
}

/** A TCP listener on the host's 127.0.0.1 relaying to 127.0.0.1:port inside the namespace. */
function forward(instance, port) {
  return new Promise((resolve, reject) => {
    const server = createServer((client) => {
      client.pause();
      const up = connect(instance.socket);
      const head = Buffer.alloc(2);
      head.writeUInt16BE(port);
      up.once("connect", () => up.write(head));
      up.once("error", () => client.destroy());
      client.on("error", () => up.destroy());
      up.once("readable", function first() {
        const status = up.read(1);
        if (status === null) return up.once("readable", first);
        if (status[0] !== 1) {
          client.destroy();
          up.destroy();
          return;
        }
        up.pipe(client);
        client.pipe(up);
        client.resume();
      });
      up.on("close", () => client.destroy());
      client.on("close", () => up.destroy());
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      instance.servers.push(server);
      resolve(server.address().port);
    });
  });
}

async function nsPids(ns) {
  const r = await run("ip", ["netns", "pids", ns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function stop(instance) {
  if (!live.delete(instance)) return;
  for (const s of instance.servers) s.close();
  for (const pid of await nsPids(instance.netns)) signal(pid, "SIGTERM");
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && (await nsPids(instance.netns)).some(processAlive)) await sleep(50);
  await destroy(instance.netns, instance.dir, instance.etcDir);
}

async function destroy(netns, dir, etcDir) {
  if (netns) {
    for (const pid of await nsPids(netns)) signal(pid, "SIGKILL");
    await run("ip", ["netns", "del", netns]);
  }
  if (etcDir?.startsWith("/etc/netns/")) rmSync(etcDir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function destroySync(instance) {
  try {
    const pids = execFileSync("ip", ["netns", "pids", instance.netns], { encoding: "utf8" });
    for (const pid of pids.split(/\s+/).filter(Boolean)) signal(Number(pid), "SIGKILL");
    execFileSync("ip", ["netns", "del", instance.netns], { stdio: "ignore" });
  } catch {
    // best effort at exit
  }
  if (instance.etcDir?.startsWith("/etc/netns/")) rmSync(instance.etcDir, { recursive: true, force: true });
  rmSync(instance.dir, { recursive: true, force: true });
}

/** Instances of dead owner processes (a crashed run): kill their namespace and delete their dirs. */
async function cleanStale() {
  const ownerAlive = (pid) => Number.isInteger(pid) && pid > 0 && processAlive(pid);
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const owner = Number(readText(join(dir, "owner")));
    const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (owner ? ownerAlive(owner) : age < 60_000) continue;
    const ns = readText(join(dir, "netns")).trim();
    const etc = readText(join(dir, "etcdir")).trim();
    await destroy(ns.startsWith(PREFIX) ? ns : "", dir, etc);
  }
  const list = await run("ip", ["netns", "list"]);
  for (const line of list.stdout.split("\n")) {
    const ns = line.split(" ")[0];
    const m = ns && new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(ns);
    if (m && !ownerAlive(Number(m[1]))) await destroy(ns, "", join("/etc/netns", ns));
  }
}

function readText(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

let handlersRegistered = false;
function registerExitHandlers() {
  if (handlersRegistered) return;
  handlersRegistered = true;
  const killAll = () => {
    for (const instance of live) destroySync(instance);
    live.clear();
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, function onSignal() {
      killAll();
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    });
  }
}
