#!/usr/bin/env node
// Start-up cost of `smb` (the built dist/bin/smb.cjs): `node -e 0` (the floor), `smb --version`, and small
// commands against a private Samba (stat of one file, ls of a 10-entry and of a 10,000-entry directory;
// smbclient's ls of the latter for scale).
// Every case runs `runs` times, the CLIs given interleaved (A B A B ...), and reports the median wall
// time and the median CPU time of the client process (perf stat's task-clock, all threads; else user+sys
// from /usr/bin/time, 10 ms resolution): on a shared machine CPU is the steadier figure. Compare two builds by passing both:
//   node packages/smb-cli/bench/startup.mjs [runs=20] [--cli=a/dist/bin/smb.cjs,b/dist/bin/smb.cjs] [--only=version,stat]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSambaInstalled, startSamba } from "../../../tools/samba/server.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const CLIS = (flag("cli") ?? fileURLToPath(new URL("../dist/bin/smb.cjs", import.meta.url))).split(",");
const ONLY = flag("only")?.split(",");
const PERF = spawnSync("perf", ["stat", "-x,", "-e", "task-clock", "--", "true"]).status === 0;
if (!PERF && !existsSync("/usr/bin/time")) throw new Error("perf or /usr/bin/time is needed for CPU times");

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const work = mkdtempSync(join(tmpdir(), "smb-cli-startup-"));
const timeOut = join(work, "time");

/** One run: wall seconds (measured here) and CPU seconds. */
function timed(argv, env) {
  const wrap = PERF
    ? ["perf", ["stat", "-x,", "-e", "task-clock", "-o", timeOut, "--", ...argv]]
    : ["/usr/bin/time", ["-f", "%U %S", "-o", timeOut, ...argv]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(wrap[0], wrap[1], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr}`);
  const text = readFileSync(timeOut, "utf8").trim();
  if (PERF) return { wall, cpu: Number(text.split("\n").pop().split(",")[0]) / 1000 };
  const [u, s] = text.split(/\s+/).slice(-2).map(Number);
  return { wall, cpu: u + s };
}

ensureSambaInstalled();
const server = await startSamba({ signedCompanion: false });
try {
  const sharePath = server.shares.share.path;
  writeFileSync(join(sharePath, "one"), "x");
  for (const [dir, n] of [
    ["ten", 10],
    ["tenk", 10_000],
  ]) {
    mkdirSync(join(sharePath, dir));
    for (let i = 0; i < n; i++) writeFileSync(join(sharePath, dir, `f${String(i).padStart(5, "0")}`), "");
  }
  execFileSync("chown", ["-R", server.username, sharePath]);
  const env = {
    PATH: process.env.PATH,
    SMB_USER: server.username,
    SMB_PASSWORD: server.password,
    SMB_DOMAIN: server.domain,
  };
  const unc = `//${server.host}/share`;
  const auth = join(work, "auth");
  writeFileSync(
    auth,
    `username = ${server.username}\npassword = ${server.password}\ndomain = ${server.domain}\n`,
    {
      mode: 0o600,
    },
  );
  const port = ["--port", String(server.port)];
  const cases = {
    "node -e 0": () => [process.execPath, "-e", "0"],
    version: (cli) => [process.execPath, cli, "--version"],
    stat: (cli) => [process.execPath, cli, ...port, "stat", `${unc}/one`],
    "ls 10": (cli) => [process.execPath, cli, ...port, "ls", `${unc}/ten`],
    "ls 10,000": (cli) => [process.execPath, cli, ...port, "ls", `${unc}/tenk`],
    "ls -l 10,000": (cli) => [process.execPath, cli, ...port, "ls", "-l", `${unc}/tenk`],
    // The same listing by Samba's smbclient, for scale (as bench/compare.mjs runs it).
    "smbclient ls 10,000": () => [
      "smbclient",
      "-s",
      "/dev/null",
      "-A",
      auth,
      "-p",
      String(server.port),
      unc,
      "-c",
      "ls tenk/*",
    ],
  };
  const selected = Object.entries(cases).filter(([name]) => !ONLY || ONLY.some((o) => name.includes(o)));
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; runs=${RUNS}`,
  );
  const results = new Map();
  for (const [name, argvOf] of selected) {
    const single = name === "node -e 0" || name.startsWith("smbclient");
    const clis = single ? [CLIS[0]] : CLIS;
    for (const cli of clis) timed(argvOf(cli), env); // warm the page cache
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 ? [...clis].reverse() : clis;
      for (const cli of order) {
        const key = `${name}\t${single ? "-" : cli}`;
        if (!results.has(key)) results.set(key, { wall: [], cpu: [] });
        const r = timed(argvOf(cli), env);
        results.get(key).wall.push(r.wall);
        results.get(key).cpu.push(r.cpu);
      }
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log("case                 wall median (min)     CPU median (min)   cli");
  for (const [key, r] of results) {
    const [name, cli] = key.split("\t");
    const f = (a) => `${median(a).toFixed(3)} (${Math.min(...a).toFixed(3)})`;
    console.log(`${name.padEnd(20)} ${f(r.wall).padStart(17)} s  ${f(r.cpu).padStart(17)} s   ${cli}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}
