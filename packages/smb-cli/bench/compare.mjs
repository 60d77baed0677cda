#!/usr/bin/env node
// `smb` (the built dist/bin/smb.cjs) against Samba's smbclient on a private Samba: 1 GiB get and put, and
// ls of a 10,000-entry directory. Runs alternate (A/B, then B/A), each after `sync`; prints every run
// and the medians. Usage: node packages/smb-cli/bench/compare.mjs [runs=5]   (root; after pnpm build)
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSambaInstalled, startSamba } from "../../../tools/samba/server.mjs";

const RUNS = Number(process.argv[2] ?? 5);
const SMB = fileURLToPath(new URL("../dist/bin/smb.cjs", import.meta.url));
const GiB = 1024 ** 3;

function timed(cmd, args, env) {
  execFileSync("sync");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return s;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

ensureSambaInstalled();
const server = await startSamba({ signedCompanion: false });
const work = mkdtempSync(join(tmpdir(), "smb-cli-bench-"));
try {
  const big = join(work, "big");
  const fd = openSync(big, "w");
  const chunk = randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < GiB / chunk.length; i++) writeSync(fd, chunk);
  closeSync(fd);
  const sharePath = server.shares.share.path;
  execFileSync("cp", [big, join(sharePath, "big")]);
  mkdirSync(join(sharePath, "tenk"));
  for (let i = 0; i < 10_000; i++)
    writeFileSync(join(sharePath, "tenk", `f${String(i).padStart(5, "0")}`), "");
  execFileSync("chown", ["-R", server.username, sharePath]);
  const auth = join(work, "auth");
  writeFileSync(
    auth,
    `username = ${server.username}\npassword = ${server.password}\ndomain = ${server.domain}\n`,
    {
      mode: 0o600,
    },
  );
  const env = {
    PATH: process.env.PATH,
    SMB_USER: server.username,
    SMB_PASSWORD: server.password,
    SMB_DOMAIN: server.domain,
  };
  const port = String(server.port);
  const unc = `//${server.host}/share`;
  const smb = (...a) => [process.execPath, [SMB, "--port", port, ...a]];
  const sc = (c) => ["smbclient", ["-s", "/dev/null", "-A", auth, "-p", port, unc, "-c", c]];
  const cases = {
    "get 1 GiB": [smb("get", `${unc}/big`, join(work, "o1")), sc(`lcd ${work}; get big o2`)],
    "put 1 GiB": [smb("put", big, `${unc}/up1`), sc(`lcd ${work}; put big up2`)],
    "ls 10,000 entries": [smb("ls", `${unc}/tenk`), sc("ls tenk/*")],
  };
  const results = {};
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  for (let i = 0; i < RUNS; i++) {
    for (const [name, [a, b]] of Object.entries(cases)) {
      const order = i % 2 ? [b, a] : [a, b];
      results[name] ??= { smb: [], smbclient: [] };
      const r = results[name];
      for (const [cmd, args] of order)
        r[cmd === "smbclient" ? "smbclient" : "smb"].push(timed(cmd, args, env));
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log("operation            smb (median)  smbclient (median)   runs (s): smb | smbclient");
  for (const [name, r] of Object.entries(results)) {
    const f = (a) => a.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `${name.padEnd(20)} ${median(r.smb).toFixed(3).padStart(10)} s  ${median(r.smbclient).toFixed(3).padStart(14)} s    ${f(r.smb)} | ${f(r.smbclient)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}
