#!/usr/bin/env node
/**
 * Micro-benchmark of smb-structures (the built dist, as consumers load it):
 *   cd packages/smb-structures && npx tsup && cd ../.. && node tools/bench/structures.mjs
 * Measures SMB2 header encode+decode, a 10,000-entry FileIdBothDirectoryInformation decode, a
 * FILE_NOTIFY_INFORMATION chain, a security descriptor, NTSTATUS look-ups, and the READ/WRITE request and
 * response bodies when the package has them. Prints one line per case; `--json` prints JSON instead.
 */
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../../packages/smb-structures/dist/index.js", import.meta.url));
const S = await import(dist);
const json = process.argv.includes("--json");

/** Runs fn for ~ms milliseconds after a warm-up; returns operations per second and ns per op. */
function rate(name, fn, ms = 400) {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let t = t0;
  while (t - t0 < limit) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    t = process.hrtime.bigint();
  }
  const ns = Number(t - t0) / n;
  return { name, opsPerSec: Math.round(1e9 / ns), nsPerOp: Math.round(ns) };
}
/** Median wall time of `runs` calls of fn. */
function time(name, fn, runs = 15) {
  fn();
  fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ts.sort((a, b) => a - b);
  return { name, medianMs: Number(ts[Math.floor(runs / 2)].toFixed(3)), minMs: Number(ts[0].toFixed(3)) };
}

const results = [];

// SMB2 header (MS-SMB2 2.2.1.2)
const header = {
  creditCharge: 1,
  status: 0,
  command: 8,
  credits: 64,
  flags: 1,
  nextCommand: 0,
  messageId: 12345n,
  processId: 0xfeff,
  treeId: 1,
  sessionId: 0x1122334455667788n,
  signature: Buffer.alloc(16),
};
const hbuf = S.Smb2Header.encode(header);
results.push(rate("SMB2 header encode", () => S.Smb2Header.encode(header)));
results.push(rate("SMB2 header decode", () => S.Smb2Header.decode(hbuf)));
results.push(rate("SMB2 header encode+decode", () => S.Smb2Header.decode(S.Smb2Header.encode(header))));

// 10,000-entry directory listing
const entries = Array.from({ length: 10_000 }, (_, i) => ({
  fileIndex: 0,
  creationTime: 133000000000000000n + BigInt(i),
  lastAccessTime: 133000000000000000n,
  lastWriteTime: 133000000000000000n,
  changeTime: 133000000000000000n,
  endOfFile: BigInt(i * 100),
  allocationSize: 4096n,
  fileAttributes: 0x20,
  eaSize: 0,
  shortName: "",
  fileId: BigInt(i),
  fileName: `file-${String(i).padStart(6, "0")}.dat`,
}));
const dirBuf = S.encodeVar(S.FileIdBothDirectoryInformation, entries);
const dir = time("FileIdBothDirectoryInformation decode, 10,000 entries", () =>
  S.decodeVar(S.FileIdBothDirectoryInformation, dirBuf),
);
dir.bytes = dirBuf.length;
dir.entriesPerSec = Math.round(10_000 / (dir.medianMs / 1000));
results.push(dir);
results.push(
  time("FileIdBothDirectoryInformation encode, 10,000 entries", () =>
    S.encodeVar(S.FileIdBothDirectoryInformation, entries),
  ),
);

// FILE_NOTIFY_INFORMATION, security descriptor, NTSTATUS
const notify = S.encodeVar(S.FileNotifyInformation, [
  { action: 4, fileName: "old-name.txt" },
  { action: 5, fileName: "new-name.txt" },
]);
results.push(
  rate("FILE_NOTIFY_INFORMATION (2 entries) decode", () => S.decodeVar(S.FileNotifyInformation, notify)),
);
const sd = S.encodeSecurityDescriptor({
  owner: "S-1-5-21-1004336348-1177238915-682003330-1000",
  group: "S-1-5-21-1004336348-1177238915-682003330-513",
  dacl: {
    aclRevision: 2,
    aces: ["SY", "BA", "WD"].map((sid) => ({ flags: 3, body: { type: 0, value: { mask: 0x1f01ff, sid } } })),
  },
});
results.push(rate("SECURITY_DESCRIPTOR (3 ACEs) decode", () => S.SecurityDescriptor.decode(sd)));
results.push(rate("ntStatusName", () => S.ntStatusName(0xc0000022)));

// READ / WRITE bodies (MS-SMB2 2.2.19-2.2.22), when the SMB2 messages exist in this build
const fileId = { persistent: 1n, volatile: 2n };
if (S.ReadRequest) {
  const req = { length: 1 << 20, offset: 0n, fileId };
  const b = S.ReadRequest.encode(req);
  results.push(rate("READ request encode", () => S.ReadRequest.encode(req)));
  results.push(rate("READ request decode", () => S.ReadRequest.decode(b)));
}
if (S.ReadResponse) {
  const rsp = S.ReadResponse.encode({ data: Buffer.alloc(1 << 20) });
  results.push(rate("READ response (1 MiB, view) decode", () => S.ReadResponse.decode(rsp)));
}
if (S.WriteRequest) {
  const w = { offset: 0n, fileId, data: Buffer.alloc(1 << 20) };
  results.push(rate("WRITE request (1 MiB) encodeParts (zero-copy)", () => S.WriteRequest.encodeParts(w)));
  const wb = S.WriteRequest.encode(w);
  results.push(rate("WRITE request (1 MiB, view) decode", () => S.WriteRequest.decode(wb)));
}
if (S.WriteResponse) {
  const b = S.WriteResponse.encode({ count: 1 << 20 });
  results.push(rate("WRITE response decode", () => S.WriteResponse.decode(b)));
}

if (json) {
  console.log(JSON.stringify({ node: process.version, results }, null, 1));
} else {
  console.log(`smb-structures micro-benchmark (node ${process.version})`);
  for (const r of results) {
    if ("opsPerSec" in r)
      console.log(`${r.name.padEnd(52)} ${r.opsPerSec.toLocaleString("en").padStart(12)} ops/s`);
    else
      console.log(
        `${r.name.padEnd(52)} ${String(r.medianMs).padStart(9)} ms median${r.entriesPerSec ? ` (${r.entriesPerSec.toLocaleString("en")} entries/s, ${r.bytes} bytes)` : ""}`,
      );
  }
}
