#!/usr/bin/env node
/**
 * Captures known-answer vectors from a real Samba: starts the private test smbd (tools/samba), puts a
 * logging TCP proxy in front of it, drives Samba's own smbclient through it, and prints the SMB2
 * QUERY_INFO / QUERY_DIRECTORY / CHANGE_NOTIFY / IOCTL output buffers (and SET_INFO input buffers) it
 * saw, keyed by what was asked for, as JSON. Loopback only. Run as root:
 *   node packages/smb-structures/test/vectors/capture-samba.mjs > /tmp/samba-vectors.json
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { startSamba } from "../../../../tools/samba/server.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startSamba({ signedCompanion: false });
const streams = [];
const proxy = createServer((c) => {
  const s = connect(server.port, "127.0.0.1");
  const rec = { up: [], down: [] };
  streams.push(rec);
  c.on("data", (d) => {
    rec.up.push(d);
    s.write(d);
  });
  s.on("data", (d) => {
    rec.down.push(d);
    c.write(d);
  });
  c.on("close", () => s.destroy());
  s.on("close", () => c.destroy());
  c.on("error", () => {});
  s.on("error", () => {});
});
await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
const port = proxy.address().port;

function smbclient(share, cmds, killAfterMs) {
  return new Promise((resolve) => {
    const p = spawn(
      "smbclient",
      [
        `//127.0.0.1/${share}`,
        "-p",
        String(port),
        "-U",
        `${server.username}%${server.password}`,
        "-m",
        "SMB3_11",
        // the port for connections smbclient opens itself (following DFS referrals ignores -p)
        `--option=smb ports=${port}`,
        "-c",
        cmds,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      out += d;
    });
    const t = killAfterMs ? setTimeout(() => p.kill("SIGTERM"), killAfterMs) : undefined;
    p.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

const share = server.shares.share.path;
const dir = join(share, "listing");
mkdirSync(dir);
for (const n of ["alpha.txt", "Beta Long Name.docx", "gamma"])
  writeFileSync(join(dir, n), `content of ${n}\n`);
mkdirSync(join(dir, "sub"));
writeFileSync(join(share, "hello.txt"), "hello, world\n");
const streamsPath = server.shares.streams.path;
writeFileSync(join(streamsPath, "ea.txt"), "has EAs\n");
const py = (code) =>
  new Promise((r) => spawn("/usr/bin/python3", ["-c", code], { stdio: "inherit" }).on("close", r));
await py(
  `import os; os.setxattr(${JSON.stringify(join(streamsPath, "ea.txt"))}, "user.Color", b"blue"); os.setxattr(${JSON.stringify(join(streamsPath, "ea.txt"))}, "user.TAG2", b"\\x01\\x02\\x03")`,
);
writeFileSync("/tmp/stream-content.txt", "stream data\n");
// smbd acts as the test user: let it modify what root created here.
for (const p of [dir, join(dir, "sub"), share, streamsPath]) chmodSync(p, 0o777);
for (const p of ["alpha.txt", "Beta Long Name.docx", "gamma"]) chmodSync(join(dir, p), 0o666);
chmodSync(join(share, "hello.txt"), 0o666);
chmodSync(join(streamsPath, "ea.txt"), 0o666);

const log = [];
log.push(await smbclient("share", "ls listing\\*; allinfo hello.txt; volume; du; showacls on; ls hello.txt"));
log.push(
  await smbclient(
    "share",
    "rename hello.txt renamed.txt; hardlink renamed.txt link.txt; setmode renamed.txt +r; setmode renamed.txt -r; del link.txt",
  ),
);
log.push(
  await smbclient("streams", "put /tmp/stream-content.txt ea.txt:alt1; allinfo ea.txt; geteas ea.txt"),
);
log.push(await smbclient("dfsroot", "ls link-share\\*"));
log.push(await smbclient("dfsroot", "ls link-multi\\*"));
log.push(await smbclient("dfsroot", "ls sub\\link-deep\\*"));
// smbtorture (Debian samba-testsuite) exercises the FSCTLs smbclient never sends.
function smbtorture(test, ...options) {
  return new Promise((resolve) => {
    const p = spawn(
      "smbtorture",
      [
        "//127.0.0.1/share",
        "-p",
        String(port),
        "-U",
        `${server.username}%${server.password}`,
        ...options,
        test,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      out += d;
    });
    p.on("close", () => resolve(`${test}: ${out.split("\n").slice(-3).join(" ")}`));
  });
}
for (const t of [
  "smb2.ioctl.req_resume_key",
  "smb2.ioctl.copy_chunk_simple",
  "smb2.ioctl.copy_chunk_limits",
  "smb2.ioctl.network_interface_info",
  "smb2.ioctl.sparse_qar",
  "smb2.ioctl.sparse_punch",
]) {
  log.push(await smbtorture(t));
}
log.push(await smbtorture("smb2.ioctl.bug14788.VALIDATE_NEGOTIATE", "--option=clientmaxprotocol=SMB3_02"));
// Change notifications: watch "listing" while files are created and renamed in it.
const watching = smbclient("share", "notify listing", 2500);
await sleep(1000);
writeFileSync(join(dir, "new-file.txt"), "x");
await sleep(200);
const { renameSync } = await import("node:fs");
renameSync(join(dir, "new-file.txt"), join(dir, "renamed-file.txt"));
log.push(await watching);

proxy.close();
await server.stop();

// --- decode the recorded streams: NetBIOS frames, SMB2 (compound) messages ---
const CMD = { 11: "IOCTL", 14: "QUERY_DIRECTORY", 15: "CHANGE_NOTIFY", 16: "QUERY_INFO", 17: "SET_INFO" };
function messages(chunks) {
  const b = Buffer.concat(chunks);
  const out = [];
  for (let p = 0; p + 4 <= b.length; ) {
    const len = b.readUInt32BE(p) & 0xffffff;
    const frame = b.subarray(p + 4, p + 4 + len);
    p += 4 + len;
    if (frame.readUInt32LE(0) !== 0x424d53fe) continue; // transform/compressed: skip
    for (let q = 0; ; ) {
      const next = frame.readUInt32LE(q + 20);
      const end = next ? q + next : frame.length;
      out.push(frame.subarray(q, end));
      if (!next) break;
      q += next;
    }
  }
  return out;
}
const vectors = [];
for (const rec of streams) {
  const reqs = new Map();
  for (const m of messages(rec.up)) {
    const cmd = m.readUInt16LE(12);
    reqs.set(m.readBigUInt64LE(24), m);
    if (CMD[cmd] === "SET_INFO") {
      const body = m.subarray(64);
      const len = body.readUInt32LE(4);
      const off = body.readUInt16LE(8);
      vectors.push({
        what: `SET_INFO request type ${body[2]} class ${body[3]}`,
        hex: m.subarray(off, off + len).toString("hex"),
      });
    }
    if (CMD[cmd] === "IOCTL") {
      const body = m.subarray(64);
      const ctl = body.readUInt32LE(4);
      const off = body.readUInt32LE(24);
      const len = body.readUInt32LE(28);
      vectors.push({
        what: `IOCTL request 0x${ctl.toString(16).padStart(8, "0")}`,
        hex: m.subarray(off, off + len).toString("hex"),
      });
    }
  }
  for (const m of messages(rec.down)) {
    const cmd = m.readUInt16LE(12);
    const status = m.readUInt32LE(8);
    if (!CMD[cmd] || CMD[cmd] === "SET_INFO") continue;
    const req = reqs.get(m.readBigUInt64LE(24));
    const body = m.subarray(64);
    if (status !== 0 && status !== 0x80000005 && status !== 0x10c && status !== 0xc000000d) {
      vectors.push({
        what: `${CMD[cmd]} error`,
        status: `0x${status.toString(16).padStart(8, "0")}`,
        hex: "",
      });
      continue;
    }
    if (status === 0x103) continue; // interim response
    let what;
    let out;
    if (CMD[cmd] === "IOCTL") {
      const ctl = body.readUInt32LE(4);
      what = `IOCTL 0x${ctl.toString(16).padStart(8, "0")}`;
      if (ctl === 0x00060194 && req) {
        // key DFS referrals by the path asked for (REQ_GET_DFS_REFERRAL.RequestFileName)
        const rb = req.subarray(64);
        const input = req.subarray(rb.readUInt32LE(24) + 2, rb.readUInt32LE(24) + rb.readUInt32LE(28) - 2);
        what = `DFS referral ${input.toString("utf16le")}`;
      }
      out = m.subarray(body.readUInt32LE(32), body.readUInt32LE(32) + body.readUInt32LE(36));
    } else {
      const off = body.readUInt16LE(2);
      out = m.subarray(off, off + body.readUInt32LE(4));
      if (CMD[cmd] === "QUERY_INFO" && req) what = `QUERY_INFO type ${req[64 + 2]} class ${req[64 + 3]}`;
      else if (CMD[cmd] === "QUERY_DIRECTORY" && req) what = `QUERY_DIRECTORY class ${req[64 + 2]}`;
      else what = CMD[cmd];
    }
    vectors.push({ what, status: `0x${status.toString(16).padStart(8, "0")}`, hex: out.toString("hex") });
  }
}
// First buffer of each kind; change notifications numbered in order.
const out = {};
let notify = 0;
for (const v of vectors) {
  if (!v.hex) continue;
  let key = v.status && v.status !== "0x00000000" ? `${v.what} ${v.status}` : v.what;
  if (v.what === "CHANGE_NOTIFY") key = `CHANGE_NOTIFY #${++notify}`;
  if (!(key in out)) out[key] = v.hex;
}
if (process.env.CAPTURE_LOG) writeFileSync(process.env.CAPTURE_LOG, log.join("\n"));
console.log(
  JSON.stringify(
    {
      source:
        "Samba 4.17.12 smbd on 127.0.0.1, driven by smbclient/smbtorture 4.17 through a logging proxy: test/vectors/capture-samba.mjs",
      vectors: out,
    },
    null,
    1,
  ),
);
