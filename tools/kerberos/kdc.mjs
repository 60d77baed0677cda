// A private MIT KDC (and, on request, a Kerberos-enabled standalone smbd) inside a network namespace of
// its own, for integration tests; the API is documented in kdc.d.mts. Settings from
// shared/notes/kerberos-lab.md.
//
// Reaching the namespace: servers inside listen on the namespace's 127.0.0.1 (standard ports 88 and 445).
// A small Node relay (tools/lab/forwarder.mjs) runs inside the namespace on a Unix socket in the instance
// dir (the filesystem is shared), and forward(port) opens a TCP listener on the host's 127.0.0.1 whose
// connections are relayed through that socket. No addresses, routes or interfaces are created; deleting
// the namespace ends everything in it.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled, findTool, toolPath } from "../lab/apt.mjs";
import { createNetnsEtcDir, netnsLab, nsRun, spawnInNetns } from "../lab/netns.mjs";
import { check, run, sleep, tail } from "../lab/process.mjs";
import { FORWARDER, forward, probe } from "../lab/relay.mjs";
import { serverConfig } from "../samba/config.mjs";

const PREFIX = "smbjs-krb-";
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

const lab = netnsLab(PREFIX, { graceMs: 1500, pollMs: 20, procs: true });

/** Installs the MIT KDC and client tools with apt-get if missing (root only). */
export function ensureKerberosInstalled() {
  ensureInstalled({
    missing: () => KRB_TOOLS.filter((t) => !findTool(t)),
    packages: KRB_PACKAGES,
    hint: `install MIT Kerberos: apt-get install -y ${KRB_PACKAGES.join(" ")}`,
    what: "MIT Kerberos tools are",
  });
}

export async function startKdc(opts = {}) {
  if (process.getuid?.() !== 0) throw new Error("startKdc needs root (network namespaces, a KDC on port 88)");
  ensureKerberosInstalled();
  const instance = await lab.create();
  const realm = opts.realm ?? "SMBJS.TEST";
  const domain = realm.toLowerCase();
  const serviceHost = opts.serviceHost ?? `smbserver.${domain}`;
  const user = opts.user ?? "alice";
  const password = randomBytes(12).toString("base64url");
  const { dir, netns } = instance;
  try {
    chmodSync(dir, 0o755);

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
    await launch(instance, "relay", process.execPath, [FORWARDER, socket], {}, () => existsSync(socket));
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
      exec: (cmd, args = [], o = {}) =>
        nsRun(netns, cmd, args, { env: { ...env, ...(o.env ?? {}) }, input: o.input }),
      kadmin,
      forward: (port) => forward(instance, port),
      startSmbd: (smbdOpts) => startKerberosSmbd(instance, api, smbdOpts),
      stop: () => lab.stop(instance),
    };
    return api;
  } catch (err) {
    await lab.stop(instance);
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
  const child = spawnInNetns(instance, cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
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
  if (existsSync(join(instance.etcDir, "passwd"))) return;
  const etc = createNetnsEtcDir(instance);
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
