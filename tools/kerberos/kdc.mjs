// A private MIT KDC (and, on request, a Kerberos-enabled standalone smbd) inside a network namespace of
// its own, for integration tests; the API is documented in kdc.d.mts. Settings from
// shared/notes/kerberos-lab.md.
//
// Reaching the namespace: servers inside listen on the namespace's 127.0.0.1 (standard ports 88 and 445).
// A small Node relay (forwarder.mjs) runs inside the namespace on a Unix socket in the instance dir (the
// filesystem is shared), and forward(port) opens a TCP listener on the host's 127.0.0.1 whose connections
// are relayed through that socket. No addresses, routes or interfaces are created; deleting the
// namespace ends everything in it.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
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
import { serverConfig } from "../samba/config.mjs";
import { findTool, toolPath } from "../samba/install.mjs";
import { processAlive, run, sleep } from "../samba/proc.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const PREFIX = "smbjs-krb-";
const NETNS_PREFIX = "smbjs-krb-";
const KRB_TOOLS = ["krb5kdc", "kdb5_util", "kadmin.local", "kinit", "klist", "ktutil"];
const KRB_PACKAGES = ["krb5-kdc", "krb5-admin-server", "krb5-user"];
const START_TIMEOUT_MS = 10_000;
const ALL_ENCTYPES = [
  "aes256-cts-hmac-sha1-96",
  "aes128-cts-hmac-sha1-96",
  "aes256-cts-hmac-sha384-192",
  "aes128-cts-hmac-sha256-128",
  "rc4-hmac",
];

let counter = 0;
/** Instances started by this process. */
const live = new Set();

/** Installs the MIT KDC and client tools with apt-get if missing (root only). */
export function ensureKerberosInstalled() {
  const missing = KRB_TOOLS.filter((t) => !findTool(t));
  if (missing.length === 0) return;
  const hint = `install MIT Kerberos: apt-get install -y ${KRB_PACKAGES.join(" ")}`;
  if (process.getuid?.() !== 0 || !findTool("apt-get")) {
    throw new Error(`MIT Kerberos tools are missing (${missing.join(", ")}); ${hint}`);
  }
  console.error(`MIT Kerberos tools are missing (${missing.join(", ")}); installing them with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const opts = { stdio: ["ignore", "ignore", "inherit"], env };
  // Wait for a concurrent apt/dpkg (another test process installing) rather than failing on its lock.
  const lock = ["-o", "DPkg::Lock::Timeout=180"];
  const install = ["install", "-y", "--no-install-recommends", ...lock, ...KRB_PACKAGES];
  try {
    execFileSync("apt-get", install, opts);
  } catch {
    execFileSync("apt-get", ["update", ...lock], opts);
    execFileSync("apt-get", install, opts);
  }
  const still = KRB_TOOLS.filter((t) => !findTool(t));
  if (still.length)
    throw new Error(`apt-get install finished but ${still.join(", ")} is still missing; ${hint}`);
}

function check(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/** Runs a command inside namespace `ns` with `env` added (stdin from `input`). */
function nsRun(ns, env, cmd, args, input) {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return run("ip", ["netns", "exec", ns, "env", ...envArgs, cmd, ...args], input);
}

export async function startKdc(opts = {}) {
  if (process.getuid?.() !== 0) throw new Error("startKdc needs root (network namespaces, a KDC on port 88)");
  ensureKerberosInstalled();
  registerExitHandlers();
  await cleanStale();
  const realm = opts.realm ?? "SMBJS.TEST";
  const domain = realm.toLowerCase();
  const serviceHost = opts.serviceHost ?? `smbserver.${domain}`;
  const user = opts.user ?? "alice";
  const password = randomBytes(12).toString("base64url");
  const netns = `${NETNS_PREFIX}${process.pid}-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  const instance = { dir, netns, procs: [], servers: [], etcDir: join("/etc/netns", netns) };
  live.add(instance);
  try {
    writeFileSync(join(dir, "owner"), String(process.pid));
    writeFileSync(join(dir, "netns"), netns);
    chmodSync(dir, 0o755);
    check(await run("ip", ["netns", "add", netns]), "ip netns add");
    check(await run("ip", ["-n", netns, "link", "set", "lo", "up"]), "ip link set lo up");

    const kdcConf = join(dir, "kdc.conf");
    const krb5Conf = join(dir, "krb5.conf");
    const hostKrb5Conf = join(dir, "krb5-host.conf");
    writeFileSync(kdcConf, kdcConfText(dir, realm, opts));
    writeFileSync(join(dir, "kadm5.acl"), `*/admin@${realm} *\n`);
    writeFileSync(krb5Conf, krb5ConfText(realm, domain, "127.0.0.1:88", opts.libdefaults));
    const env = {
      KRB5_CONFIG: krb5Conf,
      KRB5_KDC_PROFILE: kdcConf,
      KRB5CCNAME: `FILE:${join(dir, "ccache-default")}`,
    };
    instance.env = env;

    check(
      await run("env", [
        `KRB5_CONFIG=${krb5Conf}`,
        `KRB5_KDC_PROFILE=${kdcConf}`,
        toolPath("kdb5_util"),
        "-r",
        realm,
        "create",
        "-s",
        "-P",
        randomBytes(16).toString("hex"),
      ]),
      "kdb5_util create",
    );
    const kadmin = async (query) =>
      check(
        await run("env", [
          `KRB5_CONFIG=${krb5Conf}`,
          `KRB5_KDC_PROFILE=${kdcConf}`,
          toolPath("kadmin.local"),
          "-r",
          realm,
          "-q",
          query,
        ]),
        `kadmin.local ${query.split(" ")[0]}`,
      );
    const servicePrincipal = `cifs/${serviceHost}@${realm}`;
    const serviceKeytab = join(dir, "cifs.keytab");
    const userKeytab = join(dir, "user.keytab");
    const keytabUser = "svc-keytab";
    const users = { [user]: password, ...(opts.extraUsers ?? {}) };
    const queries = [
      ...Object.entries(users).map(([name, pw]) => `addprinc -pw ${pw} ${name}`),
      `addprinc -randkey +no_auth_data_required ${servicePrincipal}`,
      `ktadd -k ${serviceKeytab} ${servicePrincipal}`,
      `addprinc -randkey ${keytabUser}`,
      `ktadd -k ${userKeytab} ${keytabUser}`,
      ...(opts.kadmin ?? []),
    ];
    // One kadmin.local per query is simple and fast enough (~20 ms each).
    await Promise.all(queries.slice(0, Object.keys(users).length).map(kadmin));
    for (const q of queries.slice(Object.keys(users).length)) await kadmin(q);

    // The relay, then the KDC, inside the namespace.
    const socket = join(dir, "relay.sock");
    instance.socket = socket;
    await launch(instance, "relay", process.execPath, [join(HERE, "forwarder.mjs"), socket], {}, () =>
      existsSync(socket),
    );
    const kdcLog = join(dir, "kdc.log");
    await launch(
      instance,
      "krb5kdc",
      toolPath("krb5kdc"),
      ["-n", "-r", realm],
      env,
      () => probe(socket, 88),
      kdcLog,
    );

    const hostKdcPort = await forward(instance, 88);
    writeFileSync(hostKrb5Conf, krb5ConfText(realm, domain, `127.0.0.1:${hostKdcPort}`, opts.libdefaults));

    const api = {
      netns,
      realm,
      kdc: "127.0.0.1:88",
      hostKdc: `127.0.0.1:${hostKdcPort}`,
      user: `${user}@${realm}`,
      password,
      users: Object.fromEntries(
        Object.entries(users).map(([n, p]) => [n, { principal: `${n}@${realm}`, password: p }]),
      ),
      keytabUser: `${keytabUser}@${realm}`,
      userKeytab,
      krb5ConfPath: krb5Conf,
      hostKrb5ConfPath: hostKrb5Conf,
      kdcConfPath: kdcConf,
      serviceHost,
      servicePrincipal,
      serviceKeytab,
      dir,
      logPath: kdcLog,
      exec: (cmd, args = [], o = {}) => nsRun(netns, { ...env, ...(o.env ?? {}) }, cmd, args, o.input),
      kadmin,
      forward: (port) => forward(instance, port),
      startSmbd: (smbdOpts) => startKerberosSmbd(instance, api, smbdOpts),
      stop: () => stop(instance),
    };
    return api;
  } catch (err) {
    await stop(instance);
    throw err;
  }
}

function kdcConfText(dir, realm, opts) {
  const enctypes = (opts.supportedEnctypes ?? ALL_ENCTYPES).map((e) => `${e}:normal`).join(" ");
  return `[kdcdefaults]
 kdc_listen = 127.0.0.1:88
 kdc_tcp_listen = 127.0.0.1:88

[realms]
 ${realm} = {
  database_name = ${join(dir, "principal")}
  key_stash_file = ${join(dir, "stash")}
  acl_file = ${join(dir, "kadm5.acl")}
  max_life = 10h 0m 0s
  max_renewable_life = 7d 0h 0m 0s
  supported_enctypes = ${enctypes}
  default_principal_flags = +preauth
 }

[logging]
 kdc = FILE:${join(dir, "kdc.log")}
 default = FILE:${join(dir, "kdc.log")}
`;
}

function krb5ConfText(realm, domain, kdc, libdefaults = {}) {
  const extra = Object.entries(libdefaults)
    .map(([k, v]) => ` ${k} = ${v}\n`)
    .join("");
  return `[libdefaults]
 default_realm = ${realm}
 dns_lookup_kdc = false
 dns_lookup_realm = false
 rdns = false
 dns_canonicalize_hostname = false
 udp_preference_limit = 1
 permitted_enctypes = ${ALL_ENCTYPES.join(" ")}
 # MIT 1.20's KDC issues no rc4-hmac session keys unless allowed (BAD_ENCRYPTION_TYPE otherwise).
 allow_rc4 = true
${extra}
[realms]
 ${realm} = {
  kdc = ${kdc}
 }

[domain_realm]
 .${domain} = ${realm}
 ${domain} = ${realm}
`;
}

/**
 * Starts `cmd` inside the namespace and waits until `ready()` holds; rejects with the tail of `logPath`
 * (or the process's stderr) if it exits first or times out.
 */
async function launch(instance, name, cmd, args, env, ready, logPath) {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const child = spawn("ip", ["netns", "exec", instance.netns, "env", ...envArgs, cmd, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  child.unref();
  instance.procs.push(child.pid);
  writeFileSync(join(instance.dir, "pids"), instance.procs.join("\n"));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ready())) {
    if (exited || Date.now() > deadline) {
      const log = logPath ? tail(logPath) : "";
      throw new Error(
        `${name} did not start (${exited ? `exit ${child.exitCode}` : "timeout"}):\n${stderr}${log}`,
      );
    }
    await sleep(15);
  }
  return child;
}

function tail(path, lines = 20) {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Connects through the relay to 127.0.0.1:port inside the namespace; resolves true when connected. */
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

// ---------------------------------------------------------------------------------------------------------
// A standalone smbd accepting Kerberos (dedicated keytab) inside the namespace
// ---------------------------------------------------------------------------------------------------------

async function startKerberosSmbd(instance, kdc, opts = {}) {
  const { ensureSambaInstalled } = await import("../samba/install.mjs");
  ensureSambaInstalled();
  const unixUser = kdc.user.split("@")[0];
  await ensureNamespaceUser(instance, unixUser);
  const dir = join(instance.dir, "smbd");
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const sharePath = join(dir, "share");
  mkdirSync(sharePath, { mode: 0o777 });
  chmodSync(sharePath, 0o777);
  const shares = {
    share: { path: sharePath, "read only": "no" },
    "share-encrypted": { path: sharePath, "read only": "no", "smb encrypt": "required" },
    ...(opts.shares ?? {}),
  };
  const global = {
    "server role": "standalone server",
    security: "user",
    realm: kdc.realm,
    "kerberos method": "dedicated keytab",
    "dedicated keytab file": `FILE:${kdc.serviceKeytab}`,
    "netbios name": kdc.serviceHost.split(".")[0].toUpperCase(),
    "smb ports": "445",
    "log level": opts.logLevel ?? "1",
    "server signing": "mandatory",
    ...(opts.global ?? {}),
  };
  const cfg = serverConfig(dir, "main", global, shares);
  await launch(
    instance,
    "smbd",
    toolPath("smbd"),
    ["--foreground", "-s", cfg.confPath, "-l", cfg.home],
    { KRB5_CONFIG: kdc.krb5ConfPath },
    () => probe(instance.socket, 445),
    cfg.logPath,
  );
  const port = await forward(instance, 445);
  return {
    host: "127.0.0.1",
    port,
    share: "share",
    sharePath,
    confPath: cfg.confPath,
    logPath: cfg.logPath,
    unixUser,
  };
}

/** A passwd/group pair under /etc/netns/<ns>/ adding `user` (bind-mounted over /etc by `ip netns exec`). */
async function ensureNamespaceUser(instance, user) {
  const etc = instance.etcDir;
  if (existsSync(join(etc, "passwd"))) return;
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(instance.dir, "etcdir"), etc);
  const passwd = readFileSync("/etc/passwd", "utf8");
  const group = readFileSync("/etc/group", "utf8");
  const used = new Set(passwd.split("\n").map((l) => Number(l.split(":")[2])));
  let uid = 61000;
  while (used.has(uid)) uid++;
  writeFileSync(
    join(etc, "passwd"),
    `${passwd.trimEnd()}\n${user}:x:${uid}:${uid}::/nonexistent:/usr/sbin/nologin\n`,
  );
  writeFileSync(join(etc, "group"), `${group.trimEnd()}\n${user}:x:${uid}:\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Stop and crash cleanup
// ---------------------------------------------------------------------------------------------------------

/** PIDs of every process in namespace `ns`. */
async function nsPids(ns) {
  const r = await run("ip", ["netns", "pids", ns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

async function stop(instance) {
  if (!live.delete(instance)) return;
  for (const s of instance.servers) s.close();
  for (const pid of instance.procs) signal(pid, "SIGTERM");
  for (const pid of await nsPids(instance.netns)) signal(pid, "SIGTERM");
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline && (await nsPids(instance.netns)).some(processAlive)) await sleep(20);
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
  } catch {}
  for (const pid of instance.procs) signal(pid, "SIGKILL");
  try {
    execFileSync("ip", ["netns", "del", instance.netns], { stdio: "ignore" });
  } catch {}
  rmSync(instance.etcDir, { recursive: true, force: true });
  rmSync(instance.dir, { recursive: true, force: true });
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {}
}

/** Removes namespaces and instance dirs left behind by test processes that died. */
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
    await destroy(ns.startsWith(NETNS_PREFIX) ? ns : "", dir, etc);
  }
  const list = await run("ip", ["netns", "list"]);
  for (const line of list.stdout.split("\n")) {
    const ns = line.split(" ")[0];
    const m = ns && new RegExp(`^${NETNS_PREFIX}(\\d+)-\\d+$`).exec(ns);
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
