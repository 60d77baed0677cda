#!/usr/bin/env node
// `pnpm bench`: our client against Samba's smbclient on the same files of a private local Samba, in
// alternation (ours, smbclient, ours, smbclient, ...), per-process wall time, client CPU, smbd CPU and
// peak client RSS. Prints a table and writes .bench-results/<timestamp>.json. See README "Benchmarks".
//
//   node tools/bench/run.mjs [--quick] [--runs=N] [--size=MiB] [--only=a,b] [--list] [--chunk=B]
//                            [--window=N] [--no-crypto] [--no-verify] [--no-smbclient] [--profile]
//                            [--dir=<parent of the work dir, default /dev/shm>]
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSamba } from "../samba/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------- options
const argv = new Map(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, "").split("=");
    return [k, v.length ? v.join("=") : "true"];
  }),
);
if (argv.has("help") || argv.has("h")) {
  console.log(
    readFileSync(fileURLToPath(import.meta.url), "utf8")
      .split("\n")
      .slice(1, 8)
      .join("\n"),
  );
  process.exit(0);
}
const quick = argv.has("quick");
const opts = {
  quick,
  runs: Number(argv.get("runs") ?? (quick ? 1 : 5)),
  sizeMiB: Number(argv.get("size") ?? (quick ? 256 : 1024)),
  only: argv.get("only")?.split(",").filter(Boolean),
  chunk: argv.has("chunk") ? Number(argv.get("chunk")) : undefined,
  window: argv.has("window") ? Number(argv.get("window")) : undefined,
  crypto: !argv.has("no-crypto"),
  verify: !argv.has("no-verify"),
  profile: argv.has("profile"),
  smbclient: !argv.has("no-smbclient"),
};

// ------------------------------------------------------------------------------------------------- rows
/**
 * A server configuration (one private smbd each) and what runs against it. `ours` is passed to
 * ours.mjs; `smbclient` are extra smbclient arguments.
 */
const SERVERS = [
  {
    id: "3.1.1",
    label: "SMB 3.1.1 unsigned",
    global: {},
    ours: {},
    smbclient: ["-m", "SMB3", "--client-protection=off"],
    extra: true,
  },
  ...["AES-128-GMAC", "AES-128-CMAC", "HMAC-SHA256"].map((alg) => ({
    id: `sign-${alg.split("-").pop().replace("SHA256", "hmac").toLowerCase()}`,
    label: `signed ${alg}`,
    global: { "server signing": "mandatory", "server smb3 signing algorithms": alg },
    ours: {},
    smbclient: ["-m", "SMB3", "--client-protection=sign"],
  })),
  ...["AES-128-GCM", "AES-256-GCM", "AES-128-CCM"].map((alg) => ({
    id: `enc-${alg.slice(8).toLowerCase()}${alg.slice(4, 7)}`,
    label: `encrypted ${alg}`,
    global: { "server smb3 encryption algorithms": alg },
    ours: { encrypt: true },
    smbclient: ["-m", "SMB3", "--client-protection=encrypt"],
  })),
  {
    id: "2.0.2",
    label: "SMB 2.0.2 unsigned",
    global: { "server max protocol": "SMB2_02" },
    ours: { maxDialect: "2.0.2" },
    smbclient: ["-m", "SMB2_02", "--client-protection=off"],
  },
];

const LIST_ENTRIES = 10_000;
const STAT_FILES = 1_000;
const SMALL_FILES = 1_000;

function rowsOf(server) {
  const rows = [
    { id: `read/${server.id}`, op: "read", label: `read ${server.label}`, bytes: opts.sizeMiB * MiB },
    { id: `write/${server.id}`, op: "write", label: `write ${server.label}`, bytes: opts.sizeMiB * MiB },
  ];
  if (server.extra) {
    rows.push(
      { id: "list", op: "list", label: `list a ${LIST_ENTRIES.toLocaleString("en")}-entry directory` },
      { id: "stat", op: "stat", label: `stat ${STAT_FILES.toLocaleString("en")} files` },
      {
        id: "small",
        op: "small",
        label: `create+write+close ${SMALL_FILES.toLocaleString("en")} 4 KiB files`,
      },
      { id: "connect", op: "connect", label: "connect + session + tree connect" },
    );
  }
  return rows;
}

const selected = (row) =>
  !opts.only || opts.only.some((o) => row.id === o || row.id.startsWith(`${o}/`) || row.id.endsWith(`/${o}`));

if (argv.has("list")) {
  for (const s of SERVERS) for (const r of rowsOf(s)) console.log(`${r.id.padEnd(18)} ${r.label}`);
  process.exit(0);
}

// --------------------------------------------------------------------------------------------- helpers
function need(path, hint) {
  if (!existsSync(join(root, path))) {
    console.error(`${path} is missing: ${hint}`);
    process.exit(1);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** utime+stime (+ reaped children) of smbd `pid` and all its live descendants, in seconds. */
function smbdCpu(pid) {
  const tick = 100; // CLK_TCK on Linux
  const children = new Map();
  const stats = new Map();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(f[1]);
      stats.set(Number(e), f);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(e));
    } catch {}
  }
  let total = 0;
  const visit = (p) => {
    const f = stats.get(p);
    // fields after ")": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    if (f) total += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total / tick;
}

/** Live child processes of `pid` (smbd forks one per connection). */
function childCount(pid) {
  let n = 0;
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) === pid && f[0] !== "Z") n++;
    } catch {}
  }
  return n;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until smbd's per-connection child of the last run has exited (so its CPU is accounted). */
async function settle(pid, baseline) {
  const deadline = Date.now() + 3000;
  while (childCount(pid) > baseline && Date.now() < deadline) await sleep(10);
}

/**
 * Runs a command under /usr/bin/time; resolves with wall seconds (measured here), user+sys CPU seconds
 * and max RSS (KiB) of the process, its stdout and exit code.
 */
function timed(cmd, args, { env } = {}) {
  const out = join(work, `time-${process.hrtime.bigint()}`);
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", "%e %U %S %M", "-o", out, cmd, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: env ? { ...process.env, ...env } : process.env,
    });
    const chunks = [];
    const errs = [];
    child.stdout.on("data", (d) => chunks.push(d));
    child.stderr.on("data", (d) => errs.push(d));
    child.on("close", (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      let user = NaN;
      let sys = NaN;
      let rss = NaN;
      try {
        const line = readFileSync(out, "utf8").trim().split("\n").pop();
        [, user, sys, rss] = line.split(" ").map(Number);
        rmSync(out);
      } catch {}
      resolve({
        code,
        wall,
        cpu: user + sys,
        user,
        sys,
        rssKiB: rss,
        stdout: Buffer.concat(chunks).toString(),
        stderr: Buffer.concat(errs).toString(),
      });
    });
  });
}

// ------------------------------------------------------------------------------------------ preparation
need("packages/smb-client/dist/index.js", "build first: TURBO_TELEMETRY_DISABLED=1 pnpm build");
need("packages/smb-auth/dist/index.js", "build first: TURBO_TELEMETRY_DISABLED=1 pnpm build");
if (!existsSync("/usr/bin/time")) {
  console.error("/usr/bin/time is missing: apt-get install -y time (tools/setup.sh installs it)");
  process.exit(1);
}

// The share lives on tmpfs when there is one, so disk writeback never throttles the server (both clients
// would suffer it, but it adds noise that has nothing to do with SMB).
const workRoot = argv.get("dir") ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
const work = mkdtempSync(join(workRoot, "smbjs-bench-"));
chmodSync(work, 0o711);
const dataDir = join(work, "data");
mkdirSync(dataDir, { mode: 0o777 });
chmodSync(dataDir, 0o777);
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

const BIG = "big.bin";
const bigPath = join(dataDir, BIG);
const bigSize = opts.sizeMiB * MiB;

const anyRow = (op) => SERVERS.some((s) => rowsOf(s).some((r) => r.op === op && selected(r)));
let bigHash;
if (anyRow("read") || anyRow("write")) {
  process.stdout.write(`preparing a ${opts.sizeMiB} MiB file... `);
  const h = createHash("sha256");
  const fd = openSync(bigPath, "w", 0o666);
  const block = Buffer.allocUnsafe(8 * MiB);
  for (let done = 0; done < bigSize; ) {
    const n = Math.min(block.length, bigSize - done);
    randomFillSync(block, 0, n);
    writeSync(fd, block, 0, n);
    h.update(block.subarray(0, n));
    done += n;
  }
  closeSync(fd);
  chmodSync(bigPath, 0o666);
  bigHash = h.digest("hex");
  console.log("done");
}
function makeFiles(dir, count, prefix, content) {
  const d = join(dataDir, dir);
  mkdirSync(d, { mode: 0o777 });
  chmodSync(d, 0o777);
  for (let i = 0; i < count; i++) writeFileSync(join(d, `${prefix}${String(i).padStart(5, "0")}`), content);
}
if (anyRow("list")) makeFiles("list10k", LIST_ENTRIES, "e", "");
if (anyRow("stat")) makeFiles("stat1k", STAT_FILES, "f", "x");
if (anyRow("small")) {
  mkdirSync(join(dataDir, "small"), { mode: 0o777 });
  chmodSync(join(dataDir, "small"), 0o777);
  writeFileSync(join(work, "4k.bin"), Buffer.alloc(4096, 0x61));
  chmodSync(join(work, "4k.bin"), 0o644);
}

// --------------------------------------------------------------------------------------------- clients
function oursArgs(server, row, srv, extra = {}) {
  const cfg = {
    host: srv.host,
    port: srv.port,
    username: srv.username,
    password: srv.password,
    domain: srv.domain,
    share: "bench",
    op: row.op,
    ...server.ours,
    ...(opts.chunk && { chunk: opts.chunk }),
    ...(opts.window && { window: opts.window }),
    ...extra,
  };
  if (row.op === "read") cfg.file = BIG;
  if (row.op === "write") Object.assign(cfg, { file: "put.bin", source: bigPath });
  if (row.op === "list") cfg.dir = "list10k";
  if (row.op === "stat") Object.assign(cfg, { dir: "stat1k", count: STAT_FILES });
  if (row.op === "small") Object.assign(cfg, { dir: "small", count: SMALL_FILES });
  const node = [];
  if (extra.profile) node.push("--cpu-prof", `--cpu-prof-dir=${join(root, ".bench-results", "profiles")}`);
  return [...node, join(here, "ours.mjs"), JSON.stringify(cfg)];
}

function smbclientCommand(row) {
  switch (row.op) {
    case "read":
      return `get ${BIG} /dev/null`;
    case "write":
      return `put ${bigPath} put.bin`;
    case "list":
      return "cd list10k; ls";
    case "stat":
      // smbclient's `stat` needs the UNIX extensions (SMB1); `ls <file>` is its cheapest per-file query
      // (`allinfo` makes more round trips).
      return Array.from({ length: STAT_FILES }, (_, i) => `ls stat1k\\f${String(i).padStart(5, "0")}`).join(
        "; ",
      );
    case "small":
      return `lcd ${work}; cd small; ${Array.from(
        { length: SMALL_FILES },
        (_, i) => `put 4k.bin s${String(i).padStart(5, "0")}`,
      ).join("; ")}`;
    case "connect":
      return "exit";
  }
}

function smbclientArgs(server, row, srv) {
  return [
    "-s",
    "/dev/null",
    `//${srv.host}/bench`,
    "-p",
    String(srv.port),
    "-A",
    authFile,
    ...server.smbclient,
    "-c",
    smbclientCommand(row),
  ];
}

const authFile = join(work, "auth");

/** Sanity checks on a finished run; returns an error text or undefined. */
function checkOurs(row, r, j) {
  if (r.code !== 0 || !j?.ok) return j?.error ?? (r.stderr.trim() || `exit code ${r.code}`);
  if (row.op === "list" && j.entries !== LIST_ENTRIES) return `listed ${j.entries} entries`;
  if (row.op === "stat" && j.entries !== STAT_FILES) return `stat'ed ${j.entries} files`;
  if (row.op === "small" && j.entries !== SMALL_FILES) return `wrote ${j.entries} files`;
  return undefined;
}

function checkSmbclient(row, r) {
  const text = r.stdout + r.stderr;
  if (r.code !== 0 || /NT_STATUS_\w+/.test(text.replace(/NT_STATUS_OK/g, ""))) {
    return (text.match(/NT_STATUS_\w+[^\n]*/) ?? [`exit code ${r.code}`])[0];
  }
  if (row.op === "list" || row.op === "stat") {
    const n = text.split("\n").filter((l) => /^\s+[ef]\d{5}\s/.test(l)).length;
    const want = row.op === "list" ? LIST_ENTRIES : STAT_FILES;
    if (n !== want) return `${row.op === "list" ? "listed" : "found"} ${n} entries`;
  }
  return undefined;
}

function parseJson(stdout) {
  const line = stdout.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ runs
const results = [];
const started = Date.now();

async function runRow(server, row, srv) {
  const res = {
    id: row.id,
    label: row.label,
    op: row.op,
    bytes: row.bytes,
    ours: [],
    smbclient: [],
    ratios: [],
    notes: [],
  };
  results.push(res);
  const baseline = childCount(srv.pid);
  const sample = async (kind, extra) => {
    const before = smbdCpu(srv.pid);
    const r =
      kind === "ours"
        ? await timed(process.execPath, oursArgs(server, row, srv, extra))
        : await timed("smbclient", smbclientArgs(server, row, srv));
    await settle(srv.pid, baseline);
    const smbd = smbdCpu(srv.pid) - before;
    return { r, smbd };
  };

  // Untimed first run of ours, also the correctness check (SHA-256 of what was read or written).
  const first = await sample("ours", { verify: opts.verify });
  const fj = parseJson(first.r.stdout);
  if (fj?.na) {
    res.na = fj.na;
    return res;
  }
  const err = checkOurs(row, first.r, fj);
  if (err) {
    res.error = `ours: ${err}`;
    return res;
  }
  if (opts.verify && row.op === "read") {
    res.verified = fj.sha256 === bigHash;
    if (!res.verified) res.error = `ours: SHA-256 of the data read differs (${fj.sha256} != ${bigHash})`;
  }
  if (opts.verify && row.op === "write") {
    const h = createHash("sha256")
      .update(readFileSync(join(dataDir, "put.bin")))
      .digest("hex");
    res.verified = h === bigHash && fj.sha256 === bigHash;
    if (!res.verified) res.error = `ours: SHA-256 of the file written differs (${h} != ${bigHash})`;
  }
  if (res.error) return res;
  if (opts.smbclient) {
    const w = await sample("smbclient");
    const e = checkSmbclient(row, w.r);
    if (e) {
      res.notes.push(`smbclient: ${e}`);
      res.smbclientError = e;
    }
  }

  for (let i = 0; i < opts.runs; i++) {
    const a = await sample("ours");
    const j = parseJson(a.r.stdout);
    const e = checkOurs(row, a.r, j);
    if (e) {
      res.error = `ours: ${e}`;
      return res;
    }
    res.ours.push({
      wall: a.r.wall,
      cpu: a.r.cpu,
      user: a.r.user,
      sys: a.r.sys,
      rssKiB: a.r.rssKiB,
      smbdCpu: a.smbd,
      connectMs: j.connectMs,
      opMs: j.opMs,
    });
    if (!opts.smbclient || res.smbclientError) continue;
    const b = await sample("smbclient");
    const e2 = checkSmbclient(row, b.r);
    if (e2) {
      res.smbclientError = e2;
      continue;
    }
    res.smbclient.push({
      wall: b.r.wall,
      cpu: b.r.cpu,
      user: b.r.user,
      sys: b.r.sys,
      rssKiB: b.r.rssKiB,
      smbdCpu: b.smbd,
      xferS: smbclientTransferSeconds(row, b.r.stdout + b.r.stderr),
    });
    // The connect row compares our in-process latency with smbclient's whole process.
    const oursValue = row.op === "connect" ? j.connectMs / 1000 : a.r.wall;
    res.ratios.push(b.r.wall / oursValue);
  }
  if (opts.profile) {
    // An extra, untimed run under --cpu-prof (profiling slows the process down).
    const p = await sample("ours", { profile: true });
    res.notes.push(`profile: exit ${p.r.code}, .bench-results/profiles`);
  }
  return res;
}

const servers = SERVERS.filter((s) => rowsOf(s).some(selected));
console.log(
  `runs=${opts.runs} size=${opts.sizeMiB} MiB, rows: ${servers
    .flatMap((s) =>
      rowsOf(s)
        .filter(selected)
        .map((r) => r.id),
    )
    .join(" ")}`,
);
for (const server of servers) {
  const srv = await startSamba({
    global: server.global,
    shares: { bench: { path: dataDir } },
    signedCompanion: false,
  });
  writeFileSync(
    authFile,
    `username = ${srv.username}\npassword = ${srv.password}\ndomain = ${srv.domain}\n`,
    {
      mode: 0o600,
    },
  );
  try {
    for (const row of rowsOf(server).filter(selected)) {
      process.stdout.write(`  ${row.id} ... `);
      const r = await runRow(server, row, srv);
      console.log(r.na ? `n/a (${r.na})` : r.error ? `ERROR ${r.error}` : summaryLine(r));
    }
  } finally {
    await srv.stop();
  }
}

let ceiling;
if (opts.crypto) {
  process.stdout.write("node:crypto ceiling (one core)... ");
  try {
    const out = execFileSync(
      process.execPath,
      [join(here, "crypto.mjs"), "--json", `--seconds=${quick ? 0.25 : 0.5}`],
      {
        encoding: "utf8",
      },
    );
    ceiling = JSON.parse(out).rows.filter(
      (r) => r.group === "encrypt" || r.group === "decrypt" || r.group === "sign",
    );
    console.log("done");
  } catch (err) {
    console.log(`failed: ${String(err.message).split("\n")[0]}`);
  }
}

// ------------------------------------------------------------------------------------------------ report
function stats(xs) {
  return xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : undefined;
}

function summaryLine(r) {
  const o = stats(r.ours.map((s) => (r.op === "connect" ? s.connectMs / 1000 : s.wall)));
  const b = stats(r.smbclient.map((s) => s.wall));
  const ratio = stats(r.ratios);
  return `ours ${o ? o.median.toFixed(3) : "-"} s, smbclient ${b ? b.median.toFixed(3) : "-"} s, ratio ${ratio ? ratio.median.toFixed(2) : "-"}`;
}

const fmtS = (s) => (s ? `${s.median.toFixed(3)} (${s.min.toFixed(3)}-${s.max.toFixed(3)})` : "-");
const fmtRate = (bytes, s) => (bytes && s ? `${(bytes / MiB / s.median).toFixed(0)}` : "");
const med = (xs, f = 2) => (xs.length ? median(xs).toFixed(f) : "-");

const lines = [
  `smb-js vs smbclient ${smbclientVersion()}, ${opts.sizeMiB} MiB file, ${opts.runs} run(s) each, alternating; Node ${process.version}; ${new Date().toISOString()}`,
  "wall = whole client process (s), median (min-max); ratio = smbclient wall / ours wall per pair (>1: ours faster);",
  "CPU = user+sys of the client process (s); smbd = CPU of the smbd processes (s); RSS = peak client RSS (MiB).",
  "",
  "| row | ours wall | MiB/s | smbclient wall | MiB/s | ratio (min-max) | CPU ours / smbclient | smbd ours / smbclient | RSS ours / smbclient |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
];
for (const r of results) {
  if (r.na || r.error) {
    lines.push(`| ${r.label} | ${r.na ? "n/a (not implemented yet)" : `ERROR: ${r.error}`} | | | | | | | |`);
    continue;
  }
  let o = stats(r.ours.map((s) => s.wall));
  if (r.op === "connect") o = stats(r.ours.map((s) => s.connectMs / 1000));
  const b = stats(r.smbclient.map((s) => s.wall));
  const ratio = stats(r.ratios);
  lines.push(
    `| ${r.label}${r.op === "connect" ? " (ours: in-process)" : ""} | ${fmtS(o)} | ${fmtRate(r.bytes, o)} | ${r.smbclientError ? `smbclient failed: ${r.smbclientError}` : fmtS(b)} | ${fmtRate(r.bytes, b)} | ${ratio ? `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)})` : "-"} | ${med(r.ours.map((s) => s.cpu))} / ${med(r.smbclient.map((s) => s.cpu))} | ${med(r.ours.map((s) => s.smbdCpu))} / ${med(r.smbclient.map((s) => s.smbdCpu))} | ${med(
      r.ours.map((s) => s.rssKiB / 1024),
      0,
    )} / ${med(
      r.smbclient.map((s) => s.rssKiB / 1024),
      0,
    )} |`,
  );
}
const xferRows = results.filter(
  (r) => !r.na && !r.error && r.smbclient.some((s) => s.xferS !== undefined) && r.ours.length,
);
if (xferRows.length) {
  lines.push(
    "",
    "transfer only (open to close, without process start-up and connect): ours = in-process timing, smbclient =",
    "its own reported average rate; ratio = smbclient / ours (>1: ours faster)",
    "| row | ours s (MiB/s) | smbclient s (MiB/s) | ratio |",
    "|---|---:|---:|---:|",
  );
  for (const r of xferRows) {
    const o = stats(r.ours.map((s) => s.opMs / 1000));
    const b = stats(r.smbclient.map((s) => s.xferS).filter((x) => x !== undefined));
    lines.push(
      `| ${r.label} | ${o.median.toFixed(3)} (${fmtRate(r.bytes, o)}) | ${b.median.toFixed(3)} (${fmtRate(r.bytes, b)}) | ${(b.median / o.median).toFixed(2)} |`,
    );
  }
}
if (ceiling) {
  lines.push(
    "",
    "node:crypto ceiling, one core, 1 MiB messages (MiB/s): raw OpenSSL call / smb-crypto's own path",
  );
  lines.push("| primitive | raw node:crypto | smb-crypto |", "|---|---:|---:|");
  for (const c of ceiling)
    lines.push(
      `| ${c.group} ${c.name} | ${c.raw === null || c.raw === undefined ? "-" : c.raw.toFixed(0)} | ${c.ours.toFixed(0)} |`,
    );
}
lines.push("", `total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`\n${lines.join("\n")}`);

/**
 * The transfer time smbclient reports for get/put: "(average N KiloBytes/sec)" or "(average N kb/s)",
 * computed by smbclient as bytes / (1.024 x milliseconds from open to close), so seconds = bytes/1024/N.
 */
function smbclientTransferSeconds(row, stdout) {
  if (!row.bytes || (row.op !== "read" && row.op !== "write")) return undefined;
  const m = /\(average ([\d.]+) (?:KiloBytes\/sec|kb\/s)\)/.exec(String(stdout ?? ""));
  return m ? row.bytes / 1024 / Number(m[1]) : undefined;
}

function smbclientVersion() {
  try {
    return execFileSync("smbclient", ["--version"], { encoding: "utf8" })
      .trim()
      .replace(/^Version /, "");
  } catch {
    return "?";
  }
}

function gitCommit() {
  try {
    const head = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync(
      "git",
      ["-C", root, "status", "--porcelain", "--", "packages", "tools/bench"],
      {
        encoding: "utf8",
      },
    ).trim();
    return { commit: head, dirty: dirty.length > 0 };
  } catch {
    return {};
  }
}

const resultsDir = join(root, ".bench-results");
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      ...gitCommit(),
      node: process.version,
      smbclient: smbclientVersion(),
      cpus: (await import("node:os")).cpus().length,
      loadavg: (await import("node:os")).loadavg(),
      options: opts,
      rows: results.map((r) => ({
        ...r,
        summary: {
          ours: stats(r.ours.map((s) => (r.op === "connect" ? s.connectMs / 1000 : s.wall))),
          smbclient: stats(r.smbclient.map((s) => s.wall)),
          ratio: stats(r.ratios),
        },
      })),
      cryptoCeiling: ceiling,
      table: lines.join("\n"),
    },
    null,
    2,
  )}\n`,
);
console.log(`results: ${file}`);
