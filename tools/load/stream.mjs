#!/usr/bin/env node
// Streaming memory run (issue 10; not part of CI): one large file through the high-level API against a
// private Samba whose share lives in RAM (/dev/shm, else the temp dir):
//   write: a generated source (1 MiB pieces, fresh buffers) -> smb.createWriteStream, hashed on the way;
//   read:  smb.createReadStream -> a hashing sink; the two SHA-256 digests must agree.
// Each phase prints a memory row every --interval seconds (RSS; heapUsed/external/arrayBuffers after a
// forced GC; the script re-runs itself under --expose-gc) and a verdict: RSS and post-GC heap slopes
// (MiB/min) after --warmup seconds (for a phase under a minute: growth of the RSS peak from the first to
// the last third, --max-rss-growth), and peak RSS (sampled, and the kernel's maxRSS) against --max-peak.
// The file and the share dir are deleted at the end. Needs the packages built (pnpm build).
// Usage: node tools/load/stream.mjs [--size 4096 (MiB)] [--dir /dev/shm] [--interval 0.5] [--warmup 2]
//        [--max-peak 100] [--max-heap-slope 0.5] [--max-rss-slope 3] [--max-rss-growth 16]
//        [--passes 1 (read the file this many times)] [--phases write,read]
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { MemorySampler, mib, reexecWithGc } from "./memory.mjs";

reexecWithGc();

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "4096" },
    dir: { type: "string" },
    interval: { type: "string", default: "0.5" },
    warmup: { type: "string", default: "2" },
    "max-peak": { type: "string", default: "100" },
    "max-heap-slope": { type: "string", default: "0.5" },
    "max-rss-slope": { type: "string", default: "3" },
    "max-rss-growth": { type: "string", default: "16" },
    passes: { type: "string", default: "1" },
    phases: { type: "string", default: "write,read" },
  },
});
const { SmbClient } = await import("../../packages/smb-client/dist/index.js");
const { startSamba } = await import("../samba/server.mjs");

const MiB = 1048576;
const PIECE = MiB;
const phases = values.phases.split(",");
const passes = Number(values.passes);

/** Where the share lives: RAM when it has room for the file (plus 512 MiB), else the temp dir. */
function pickDir(wanted) {
  const free = (d) => {
    const s = statfsSync(d);
    return s.bavail * s.bsize;
  };
  const candidates = values.dir ? [values.dir] : ["/dev/shm", tmpdir()];
  for (let size = wanted; size >= Math.min(wanted, 1024); size /= 2) {
    for (const d of candidates) {
      try {
        if (free(d) >= (size + 512) * MiB) return { dir: d, size };
      } catch {
        // not there: try the next one
      }
    }
  }
  throw new Error(`no room for a ${wanted} MiB file in ${candidates.join(" or ")}`);
}

const { dir: parent, size: sizeMiB } = pickDir(Number(values.size));
if (sizeMiB !== Number(values.size)) console.log(`only room for ${sizeMiB} MiB: streaming that instead`);
const total = sizeMiB * MiB;
const shareDir = mkdtempSync(join(parent, "smbjs-stream-"));
const server = await startSamba({ signedCompanion: false, shares: { stream: { path: shareDir } } });
const smb = new SmbClient({ username: server.username, password: server.password, port: server.port });
const path = `//${server.host}/stream/big.bin`;
console.log(`streaming ${sizeMiB} MiB through ${path} (share in ${shareDir})`);

/** 1 MiB pieces, each a fresh buffer: a random block with the piece's offset stamped in. */
function* generate(hash, count) {
  const block = randomBytes(PIECE);
  for (let off = 0; off < total; off += PIECE) {
    const piece = Buffer.allocUnsafe(Math.min(PIECE, total - off));
    block.copy(piece, 0, 0, piece.length);
    piece.writeDoubleLE(off, 0);
    hash.update(piece);
    count(piece.length);
    yield piece;
  }
}

async function phase(name, work) {
  console.log(`-- ${name}`);
  const sampler = new MemorySampler({
    intervalMs: Number(values.interval) * 1000,
    warmupMs: Number(values.warmup) * 1000,
    extra: () => ({ MiB: (moved / MiB).toFixed(0) }),
  });
  let moved = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  sampler.start();
  const digest = await work((n) => {
    moved += n;
  });
  sampler.stop();
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const v = sampler.verdict({
    maxHeapSlope: Number(values["max-heap-slope"]),
    maxRssSlope: Number(values["max-rss-slope"]),
    maxRssGrowth: Number(values["max-rss-growth"]),
  });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const peakOk = maxRss <= Number(values["max-peak"]) * MiB;
  console.log(
    `${name}: ${(moved / MiB).toFixed(0)} MiB in ${secs.toFixed(1)} s (${(moved / MiB / secs).toFixed(0)} MiB/s), ` +
      `CPU user ${(cpu.user / 1e6).toFixed(1)} s sys ${(cpu.system / 1e6).toFixed(1)} s; ` +
      `kernel maxRSS so far ${mib(maxRss)} MiB (limit ${values["max-peak"]}) -> ${peakOk ? "OK" : "OVER"}`,
  );
  console.log(`${name} memory: ${v.text}`);
  if (v.judged) judged++;
  return { digest, flat: v.ok || !v.judged, peakOk };
}

let flat = true;
let judged = 0;
let peakOk = true;
let intact = true;
let written;
try {
  if (phases.includes("write")) {
    const r = await phase("write", async (count) => {
      const hash = createHash("sha256");
      const src = Readable.from(generate(hash, count), { objectMode: false, highWaterMark: PIECE });
      await pipeline(src, smb.createWriteStream(path));
      return hash.digest("hex");
    });
    written = r.digest;
    flat &&= r.flat;
    peakOk &&= r.peakOk;
  }
  if (phases.includes("read")) {
    if (!written) throw new Error("the read phase needs the write phase (it reads what was written)");
    const r = await phase("read", async (count) => {
      const hash = createHash("sha256");
      const sink = new Writable({
        write(chunk, _enc, cb) {
          hash.update(chunk);
          count(chunk.length);
          cb();
        },
      });
      await pipeline(smb.createReadStream(path), sink);
      const digest = hash.digest("hex");
      // More passes: a longer phase (memory over time), each pass checked.
      for (let i = 1; i < passes; i++) {
        const again = createHash("sha256");
        await pipeline(smb.createReadStream(path), async (src) => {
          for await (const chunk of src) {
            again.update(chunk);
            count(chunk.length);
          }
        });
        if (again.digest("hex") !== digest) throw new Error(`read pass ${i + 1} differs`);
      }
      return digest;
    });
    const same = r.digest === written;
    console.log(`read back: SHA-256 ${same ? "matches" : "DIFFERS"} (${r.digest.slice(0, 16)}...)`);
    flat &&= r.flat;
    peakOk &&= r.peakOk;
    intact = same;
  }
} finally {
  await smb.unlink(path).catch(() => {});
  await smb.close();
  await server.stop();
  rmSync(shareDir, { recursive: true, force: true });
}
console.log(
  `stream: data ${intact ? "intact" : "CORRUPTED"}, memory ${judged === 0 ? "not judged (too short)" : flat ? "FLAT" : "GROWING"}, ` +
    `peak RSS ${peakOk ? "under" : "OVER"} ${values["max-peak"]} MiB`,
);
process.exitCode = intact && flat && peakOk ? 0 : 1;
