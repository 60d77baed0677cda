#!/usr/bin/env node
// End-to-end demo against a private local Samba: start it, run the `smb` command line tool (the built
// packages/smb-cli/dist/bin/smb.cjs) through its main jobs, always stop the server. Credentials go to smb
// through the environment (SMB_USER, SMB_PASSWORD, SMB_DOMAIN), never on its command line.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSambaInstalled, startSamba } from "./samba/server.mjs";

const SMB = fileURLToPath(new URL("../packages/smb-cli/dist/bin/smb.cjs", import.meta.url));
const SIZE = 128 * 1024 * 1024;

/** Runs `smb args...` with stdio inherited (progress bars show on a terminal); throws on failure. */
function smb(server, args, { capture = false } = {}) {
  console.log(`$ smb ${args.join(" ")}`);
  const env = {
    ...process.env,
    SMB_USER: server.username,
    SMB_PASSWORD: server.password,
    SMB_DOMAIN: server.domain,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SMB, ...args], {
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`smb ${args[0]} exited with code ${code}`)),
    );
  });
}

async function sha256(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk);
  return h.digest("hex");
}

/** The demo itself: list the shares, upload, list, download and compare, copy on the server, info. */
async function runDemo(server) {
  const local = await mkdtemp(join(tmpdir(), "smbjs-demo-"));
  const port = ["--port", String(server.port)];
  const base = `//${server.host}/share/smb-demo`;
  try {
    step(`a ${SIZE / 1024 / 1024} MiB file of random bytes to send`);
    const file = join(local, "demo.bin");
    const chunk = 4 * 1024 * 1024;
    const { randomBytes } = await import("node:crypto");
    const parts = [];
    for (let i = 0; i < SIZE / chunk; i++) parts.push(randomBytes(chunk));
    await writeFile(file, parts);
    const want = await sha256(file);
    console.log(`  sha256 ${want}`);

    step(`the shares of ${server.host}:${server.port} (srvsvc over IPC$)`);
    await smb(server, ["shares", ...port, `//${server.host}`]);

    step("upload (pipelined WRITEs; a progress bar on a terminal)");
    await smb(server, ["mkdir", "-p", ...port, base]);
    await smb(server, ["put", ...port, file, `${base}/demo.bin`]);

    step("list");
    await smb(server, ["ls", "-l", ...port, base]);

    step("download it back (pipelined READs) and compare");
    const back = join(local, "back.bin");
    await smb(server, ["get", ...port, `${base}/demo.bin`, back]);
    const got = await sha256(back);
    console.log(`  ${got === want ? "identical" : "DIFFERENT"}`);
    if (got !== want) throw new Error("the file came back different");

    step("copy on the server (server-side copy: the bytes never leave smbd)");
    await smb(server, ["cp", ...port, `${base}/demo.bin`, `${base}/copy.bin`]);
    const copied = join(server.shares.share.path, "smb-demo", "copy.bin");
    const same = existsSync(copied) && (await sha256(copied)) === want;
    console.log(`  the copy on the server's disk is ${same ? "identical" : "DIFFERENT"}`);
    if (!same) throw new Error("the server-side copy differs");
    await smb(server, ["ls", "-l", ...port, base]);

    step("what the connection negotiated");
    await smb(server, ["info", ...port, `//${server.host}`]);

    step("clean up");
    await smb(server, ["rm", "-r", ...port, base]);
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

function step(text) {
  console.log(`\n> ${text}`);
}

if (!existsSync(SMB)) {
  console.error(`${SMB} is missing: build first (pnpm build, or bash tools/demo.sh which does)`);
  process.exit(1);
}
ensureSambaInstalled();
step("start a private Samba on 127.0.0.1");
const t0 = Date.now();
const server = await startSamba({ signedCompanion: false });
console.log(
  `  smbd pid ${server.pid}, port ${server.port}, up in ${Date.now() - t0} ms, files in ${server.dir}`,
);
let failed = false;
try {
  await runDemo(server);
} catch (err) {
  failed = true;
  console.error(`\ndemo failed: ${err.message}`);
} finally {
  step("stop Samba");
  await server.stop();
}
console.log(failed ? "" : "\ndemo finished");
process.exitCode = failed ? 1 : 0;
