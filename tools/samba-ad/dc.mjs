// A private Samba AD DC in a network namespace of its own, for DFS integration tests (domain, DC and
// SYSVOL/NETLOGON referrals); the API is documented in dc.d.mts. Settings from
// shared/notes/kerberos-lab.md:
// - provisioned with samba-tool into a private dir (~10-20 s), then smb.conf is rewritten so that logs,
//   pid files and ncalrpc live there too;
// - smbd inside the DC needs winbindd, and libwbclient finds winbindd's socket only under
//   /run/samba/winbindd: samba runs under `unshare --mount` with a private dir bind-mounted over
//   /run/samba (NTLM and Kerberos session setups fail with NT_STATUS_INTERNAL_ERROR otherwise);
// - the namespace's hosts file (/etc/netns/NAME/hosts) names the DC;
// - reached from the host through tools/lab/forwarder.mjs (a relay on a Unix socket in the instance dir)
//   and a TCP listener on the host's 127.0.0.1.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureInstalled, findTool, toolPath } from "../lab/apt.mjs";
import { createNetnsEtcDir, netnsLab, nsRun, spawnInNetns } from "../lab/netns.mjs";
import { check, sleep, tail } from "../lab/process.mjs";
import { FORWARDER, forward, probe } from "../lab/relay.mjs";

const PREFIX = "smbjs-ad-";
const TOOLS = ["samba", "samba-tool", "winbindd", "smbd", "unshare", "ip"];
const PACKAGES = ["samba-ad-dc", "winbind"];
const START_TIMEOUT_MS = 60_000;

const lab = netnsLab(PREFIX, { graceMs: 2000, pollMs: 50 });

/** Installs samba-ad-dc and winbind with apt-get when a tool is missing (root only). */
export function ensureAdDcInstalled() {
  ensureInstalled({
    missing: () => TOOLS.filter((t) => !findTool(t)),
    packages: PACKAGES,
    hint: `install the AD DC: apt-get install -y ${PACKAGES.join(" ")}`,
    what: "Samba AD DC tools are",
  });
}

export async function startAdDc(opts = {}) {
  if (process.getuid?.() !== 0) throw new Error("startAdDc needs root (network namespaces, samba as root)");
  ensureAdDcInstalled();
  const instance = await lab.create();
  const realm = (opts.realm ?? "SMB.TEST").toUpperCase();
  const dnsDomain = realm.toLowerCase();
  const domain = (opts.domain ?? "SMB").toUpperCase();
  const hostName = (opts.hostName ?? "dc1").toLowerCase();
  const dcName = `${hostName}.${dnsDomain}`;
  // Complexity rules: upper, lower, digit, symbol.
  const password = `Aa1!${randomBytes(12).toString("base64url")}`;
  const { dir, netns } = instance;
  try {
    const etcDir = createNetnsEtcDir(instance);
    writeFileSync(join(etcDir, "hosts"), `127.0.0.1 localhost\n127.0.0.1 ${dcName} ${hostName}\n`);
    writeFileSync(join(etcDir, "resolv.conf"), `nameserver 127.0.0.1\nsearch ${dnsDomain}\n`);

    const target = join(dir, "dc");
    check(
      await nsRun(netns, toolPath("samba-tool"), [
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
      2000,
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
    spawnInNetns(instance, process.execPath, [FORWARDER, socket], { stdio: "ignore", detached: true });
    await waitFor(() => existsSync(socket), 10_000, "relay");
    spawnInNetns(
      instance,
      "unshare",
      [
        "--mount",
        "sh",
        "-c",
        'mount --bind "$1" /run/samba && exec "$2" --foreground --no-process-group -M single -s "$3"',
        "sh",
        runSamba,
        toolPath("samba"),
        confPath,
      ],
      { stdio: "ignore", detached: true },
    );
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
      exec: (cmd, args = [], input) => nsRun(netns, cmd, args, { input }),
      forward: (p) => forward(instance, p),
      stop: () => lab.stop(instance),
    };
  } catch (err) {
    await lab.stop(instance);
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

async function waitFor(ready, timeoutMs, what, logPath) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      const log = logPath ? tail(logPath, 30) : "";
      throw new Error(
        `${what} did not come up within ${timeoutMs} ms${log ? `; tail of ${logPath}:\n${log}` : ""}`,
      );
    }
    await sleep(50);
  }
}
