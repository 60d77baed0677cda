#!/usr/bin/env node
// End-to-end demo against a private local Samba: start it, run the demo steps, always stop it.
// The steps use Samba's smbclient for now; runDemo() becomes calls to our own client once smb-client lands.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ensureSambaInstalled, startSamba } from "./samba/server.mjs";

const exec = promisify(execFile);

/** The demo itself: list the shares, then put a file on `share` and get it back. */
async function runDemo(server) {
  const local = await mkdtemp(join(tmpdir(), "smbjs-demo-"));
  try {
    const auth = join(local, "auth");
    await writeFile(
      auth,
      `username = ${server.username}\npassword = ${server.password}\ndomain = ${server.domain}\n`,
      { mode: 0o600 },
    );
    const smbclient = async (args) =>
      (await exec("smbclient", ["-s", "/dev/null", "-A", auth, ...args])).stdout;

    step(`list the shares on ${server.host}:${server.port}`);
    const list = await smbclient(["-L", server.host, "-p", String(server.port), "-g"]);
    for (const line of list.split("\n").filter((l) => l.startsWith("Disk|")))
      console.log(`  ${line.split("|")[1]}`);

    const text = `hello from the smb-js demo, ${new Date().toISOString()}\n`;
    await writeFile(join(local, "hello.txt"), text);
    const share = `//${server.host}/share`;
    const port = ["-p", String(server.port)];
    step(`put hello.txt (${text.length} bytes) on ${share}`);
    await smbclient([share, ...port, "-c", `lcd ${local}; put hello.txt demo-hello.txt`]);
    step(`list ${share}`);
    const entries = (await smbclient([share, ...port, "-c", "ls"])).split("\n");
    for (const line of entries.filter((l) => l.trim() && !l.includes("blocks of size"))) console.log(line);
    step("get it back and compare");
    await smbclient([share, ...port, "-c", `lcd ${local}; get demo-hello.txt back.txt`]);
    const same = (await readFile(join(local, "back.txt"), "utf8")) === text;
    console.log(`  ${same ? "identical" : "DIFFERENT"}`);
    if (!same) throw new Error("the file came back different");
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

function step(text) {
  console.log(`\n> ${text}`);
}

ensureSambaInstalled();
step("start a private Samba on 127.0.0.1");
const t0 = Date.now();
const server = await startSamba({ signedCompanion: false });
console.log(
  `  smbd pid ${server.pid}, port ${server.port}, up in ${Date.now() - t0} ms, files in ${server.dir}`,
);
try {
  await runDemo(server);
} finally {
  step("stop Samba");
  await server.stop();
}
console.log("\ndemo finished");
