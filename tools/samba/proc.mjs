// Port and process helpers for the Samba harness (generic ones are in tools/lab/process.mjs).
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { sleep } from "../lab/process.mjs";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/** Polls until 127.0.0.1:port accepts TCP; rejects after timeoutMs. */
export async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** PIDs of Samba processes (smbd, samba-dcerpcd, rpcd_*) whose command line mentions `text`. */
export function sambaPidsUsing(text) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (/smbd|samba|rpcd_/.test(argv[0]) && argv.some((a) => a.includes(text))) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}
