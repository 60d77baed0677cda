#!/usr/bin/env node
// Load run (issue 11; not part of CI): N concurrent async tasks share ONE connection/session for a
// given time, doing mixed operations, each checking its own data. `--api low` (default): the low-level
// engine (create+write, read back and verify, list, delete-on-close); `--api fs`: one SmbClient
// (writeFile, readFile, stat, readdir, createReadStream, unlink), every call with the same long-lived
// AbortSignal as an application would pass (its listener count must stay bounded); `--api mixed`: half
// of each.
// Memory: every --interval seconds a row with RSS and, after a forced full GC (the script re-runs itself
// under --expose-gc), heapUsed, heapTotal, external, arrayBuffers, plus operation rate and requests in
// flight; at the end the Theil-Sen slope (MiB/min) of post-GC heapUsed and RSS after --warmup seconds and a
// verdict against --max-heap-slope / --max-rss-slope. --heap-snapshots writes v8 heap snapshots at the
// end of the warm-up and after the run (before closing) and prints the constructors that grew most.
// Exit status 1 on data mismatches, errors, growth, or per-request state left after the run.
// Needs the packages built (pnpm build).
// Usage: node tools/load/run.mjs [--tasks 100] [--seconds 60] [--api low|fs|mixed] [--interval 3]
//        [--warmup max(30, seconds/3)] [--max-heap-slope 0.5] [--max-rss-slope 3]
//        [--max-rss-growth 16 (runs under 90 s)] [--heap-snapshots]
import { createHash, randomBytes } from "node:crypto";
import { getEventListeners, setMaxListeners } from "node:events";
import { parseArgs } from "node:util";
import { MemorySampler, mib, printSnapshotDiff, reexecWithGc, snapshot } from "./memory.mjs";

reexecWithGc();

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    api: { type: "string", default: "low" },
    interval: { type: "string", default: "3" },
    warmup: { type: "string" },
    "max-heap-slope": { type: "string", default: "0.5" },
    "max-rss-slope": { type: "string", default: "3" },
    "max-rss-growth": { type: "string", default: "16" },
    "heap-snapshots": { type: "boolean", default: false },
  },
});
if (!["low", "fs", "mixed"].includes(values.api)) throw new Error(`--api ${values.api}: low, fs or mixed`);
const { negotiate } = await import("../../packages/smb-auth/dist/index.js");
const { Connection, SmbClient } = await import("../../packages/smb-client/dist/index.js");
const { CreateDisposition } = await import("../../packages/smb-structures/dist/index.js");
const { startSamba } = await import("../samba/server.mjs");

const tasks = Number(values.tasks);
const seconds = Number(values.seconds);
// RSS levels off within 30-100 s (malloc arenas growing to the working set): by default the first third
// of the run, at least 30 s, is warm-up.
const warmupMs = (values.warmup ? Number(values.warmup) : Math.max(30, seconds / 3)) * 1000;
const deadline = Date.now() + seconds * 1000;
const server = await startSamba({ signedCompanion: false });
const RW = 0x0012019f | 0x00010000;
const stats = { ops: 0, bytes: 0, mismatches: 0, errors: 0, maxInFlight: 0, leaks: [] };
const snapshots = [];
let conn;
let smb;
let sampler;
let verdict;
let lastOps = 0;
/** The application's signal every high-level call gets (never aborted). */
const appSignal = new AbortController().signal;
setMaxListeners(0, appSignal); // every running call listens: more than 10 is expected, not a leak
let lastT = 0;

/** Internal tables of each connection; the per-request ones must be back to 0 once the tasks are done. */
function internals() {
  const conns = [conn, ...(smb?.core.pool.liveConnections ?? [])].filter(Boolean);
  return conns.map((c) => ({
    pending: c.pump.inFlight,
    queued: c.pump.queue?.length,
    sessionKeys: c.pump.sessions?.size,
    breaksByFileId: c.breaks.byFileId?.size,
    breaksByLease: c.breaks.byLeaseKey?.size,
    breakHandlers: c.breakHandlers?.size,
    closeListeners: c.closeListeners?.size,
    poolFreeMiB: Number(mib(c.pump.transport.pool?.pooledBytes ?? 0)),
  }));
}

function inFlight() {
  let n = conn?.pump.inFlight ?? 0;
  for (const c of smb?.core.pool.liveConnections ?? []) n += c.pump.inFlight;
  return n;
}

function lowLevelTask(tree) {
  return async (id) => {
    let n = 0;
    while (Date.now() < deadline) {
      const name = `load\\t${id}-${n++ % 4}.bin`;
      const size = 1 + Math.floor(Math.random() * 256 * 1024);
      const data = randomBytes(size);
      try {
        const f = await tree.create(name, { desiredAccess: RW, disposition: CreateDisposition.OVERWRITE_IF });
        for (let o = 0; o < size; o += 65536) await f.write(data.subarray(o, o + 65536), o);
        const parts = [];
        for (let o = 0; o < size; o += 65536) parts.push(f.read(o, Math.min(65536, size - o)));
        const back = Buffer.concat(await Promise.all(parts));
        if (!back.equals(data)) stats.mismatches++;
        await f.close();
        if (n % 5 === 0) {
          const d = await tree.create("load", { createOptions: 1 });
          for await (const _ of d.listDirectory({ pattern: `t${id}-*` })) void _;
          await d.close();
        }
        if (n % 7 === 0) {
          const del = await tree.create(name, { desiredAccess: RW, createOptions: 0x1000 });
          await del.close();
        }
        stats.ops++;
        stats.bytes += 2 * size;
      } catch (e) {
        stats.errors++;
        if (stats.errors < 5) console.error(`task ${id}: ${e.message}`);
      }
    }
  };
}

function fsTask(base) {
  return async (id) => {
    let n = 0;
    while (Date.now() < deadline) {
      const file = `f${id}-${n++ % 4}.bin`;
      const path = `${base}/${file}`;
      const size = 1 + Math.floor(Math.random() * 256 * 1024);
      const data = randomBytes(size);
      try {
        const opts = { signal: appSignal };
        await smb.writeFile(path, data, opts);
        const back = await smb.readFile(path, opts);
        if (!back.equals(data)) stats.mismatches++;
        if (n % 3 === 0 && (await smb.stat(path, opts)).size !== size) stats.mismatches++;
        if (n % 5 === 0 && !(await smb.readdir(base, opts)).includes(file)) stats.mismatches++;
        if (n % 6 === 0) {
          const hash = createHash("sha256");
          const rs = smb.createReadStream(path, { ...opts, highWaterMark: 65536 });
          for await (const chunk of rs) hash.update(chunk);
          if (hash.digest("hex") !== createHash("sha256").update(data).digest("hex")) stats.mismatches++;
        }
        if (n % 7 === 0) await smb.unlink(path, opts);
        stats.ops++;
        stats.bytes += 2 * size;
      } catch (e) {
        stats.errors++;
        if (stats.errors < 5) console.error(`task ${id}: ${e.message}`);
      }
    }
  };
}

try {
  const lowTasks = values.api === "low" ? tasks : values.api === "mixed" ? Math.ceil(tasks / 2) : 0;
  const runners = [];
  if (lowTasks > 0) {
    conn = await Connection.connect({ host: server.host, port: server.port });
    const session = await conn.authenticate(
      negotiate({ username: server.username, password: server.password }).create({ targetName: server.host }),
    );
    const tree = await session.connectTree("share");
    const dir = await tree.create("load", {
      desiredAccess: RW,
      disposition: CreateDisposition.OPEN_IF,
      createOptions: 1,
    });
    await dir.close();
    const run = lowLevelTask(tree);
    for (let i = 0; i < lowTasks; i++) runners.push(() => run(i));
  }
  if (lowTasks < tasks) {
    smb = new SmbClient({ username: server.username, password: server.password, port: server.port });
    const base = `//${server.host}/share/loadfs`;
    await smb.mkdir(base, { recursive: true });
    const run = fsTask(base);
    for (let i = lowTasks; i < tasks; i++) runners.push(() => run(i));
  }
  sampler = new MemorySampler({
    intervalMs: Number(values.interval) * 1000,
    warmupMs,
    extra: () => {
      const now = sampler ? sampler.elapsed : 0;
      const rate = now > lastT ? (stats.ops - lastOps) / (now - lastT) : 0;
      lastOps = stats.ops;
      lastT = now;
      return {
        ops: stats.ops,
        "ops/s": rate.toFixed(0),
        inFlight: inFlight(),
        errors: stats.errors,
        ...(smb && { signalListeners: getEventListeners(appSignal, "abort").length }),
      };
    },
  });
  sampler.start();
  const inFlightTimer = setInterval(() => {
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight());
  }, 250);
  const snapTimer =
    values["heap-snapshots"] &&
    setTimeout(() => snapshots.push(snapshot("warmup")), Math.min(warmupMs * 0.8, seconds * 500));
  await Promise.all(runners.map((r) => r()));
  clearTimeout(snapTimer);
  clearInterval(inFlightTimer);
  sampler.stop();
  verdict = sampler.verdict({
    maxHeapSlope: Number(values["max-heap-slope"]),
    maxRssSlope: Number(values["max-rss-slope"]),
    maxRssGrowth: Number(values["max-rss-growth"]),
  });
  const state = internals();
  console.log(`internal state after the run: ${JSON.stringify(state)}`);
  for (const c of state) if (c.pending || c.queued) stats.leaks.push("requests still pending or queued");
  // Request timers and sockets: what is still scheduled once every task is done (sampler timers aside).
  const active = {};
  for (const r of process.getActiveResourcesInfo()) active[r] = (active[r] ?? 0) + 1;
  console.log(`active resources: ${JSON.stringify(active)}`);
  if ((active.Timeout ?? 0) > 10) stats.leaks.push(`${active.Timeout} timers still scheduled`);
  if (smb) {
    const listeners = getEventListeners(appSignal, "abort").length;
    console.log(
      `SmbClient pool: ${JSON.stringify(smb.poolSize)}; abort listeners on the shared signal: ${listeners}`,
    );
    if (listeners > 0) stats.leaks.push(`${listeners} abort listeners left on the shared signal`);
  }
  if (values["heap-snapshots"]) snapshots.push(snapshot("end"));
} finally {
  await conn?.close();
  await smb?.close();
  await server.stop();
}
console.log(
  `load: ${tasks} tasks (${values.api}), ${seconds} s: ${stats.ops} operations, ${mib(stats.bytes)} MiB moved, ` +
    `${stats.mismatches} data mismatches, ${stats.errors} errors, max ${stats.maxInFlight} requests in flight ` +
    `(sampled); CPU user ${(process.cpuUsage().user / 1e6).toFixed(1)} s, ` +
    `sys ${(process.cpuUsage().system / 1e6).toFixed(1)} s`,
);
console.log(`memory: ${verdict.text}`);
for (const l of stats.leaks) console.log(`LEAK: ${l}`);
if (snapshots.length === 2) printSnapshotDiff(snapshots[0], snapshots[1]);
process.exitCode = stats.mismatches || stats.errors || stats.leaks.length || !verdict.ok ? 1 : 0;
