// Memory evidence for the load and streaming runs (tools/load/run.mjs, stream.mjs): samples RSS and the
// heap after a forced full GC at a fixed interval, prints one table row per sample, and judges "flat" by
// the Theil-Sen slope (MiB/min) of the samples after a warm-up. Optional v8 heap snapshots with a
// per-constructor diff. Not part of CI.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";

const MiB = 1048576;
export const mib = (b) => (b / MiB).toFixed(1);

/**
 * Re-runs this script under `node --expose-gc` unless gc() is already exposed; returns only in the
 * process that has gc(). The parent exits with the child's status.
 */
export function reexecWithGc() {
  if (typeof globalThis.gc === "function") return;
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", ...process.execArgv, process.argv[1], ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
}

/**
 * Slope of y over x, Theil-Sen: the median of the slopes between all pairs of points. One odd sample (a
 * GC or a heap snapshot just before it, malloc trimming) moves a least-squares line; it barely moves this.
 */
export function slope(xs, ys) {
  const slopes = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2;
}

/**
 * Samples memory every `intervalMs`: RSS, then heapUsed/external/arrayBuffers after full GCs (the live
 * heap and buffers, not garbage awaiting collection). `extra()` adds columns (name -> string) to each row.
 */
export class MemorySampler {
  constructor({ intervalMs = 3000, warmupMs = 15000, extra = () => ({}) } = {}) {
    this.intervalMs = intervalMs;
    this.warmupMs = warmupMs;
    this.extra = extra;
    this.samples = [];
    this.t0 = 0;
    this.timer = undefined;
    this.headerPrinted = false;
  }

  start() {
    this.t0 = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
  }

  /** Seconds since start. */
  get elapsed() {
    return (performance.now() - this.t0) / 1000;
  }

  sample() {
    const rssBefore = process.memoryUsage.rss();
    // Twice: V8 frees the backing stores of dead ArrayBuffers concurrently after a GC and only settles
    // that at the start of the next one; after a single gc() arrayBuffers still counts them.
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    const s = {
      t: this.elapsed,
      rss: Math.max(rssBefore, m.rss),
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
    this.samples.push(s);
    const extra = this.extra();
    if (!this.headerPrinted) {
      this.headerPrinted = true;
      console.log(
        [
          "t(s)".padStart(6),
          "RSS".padStart(7),
          "heap*".padStart(7),
          "heapTot".padStart(7),
          "extern".padStart(7),
          "arrBuf".padStart(7),
          ...Object.keys(extra).map((k) => k.padStart(Math.max(7, k.length))),
        ].join(" "),
      );
    }
    console.log(
      [
        s.t.toFixed(0).padStart(6),
        mib(s.rss).padStart(7),
        mib(s.heapUsed).padStart(7),
        mib(s.heapTotal).padStart(7),
        mib(s.external).padStart(7),
        mib(s.arrayBuffers).padStart(7),
        ...Object.entries(extra).map(([k, v]) => String(v).padStart(Math.max(7, k.length))),
      ].join(" "),
    );
  }

  /**
   * Whether memory stays flat after the warm-up. Windows of a minute or more: Theil-Sen slopes
   * (MiB/min) of post-GC heapUsed and of RSS against maxHeapSlope / maxRssSlope. Shorter windows (a fast
   * stream), where a slope over seconds magnifies noise: growth of the median from the first to the last
   * third of the samples, under 1 MiB for the heap and maxRssGrowth MiB for RSS (medians, because RSS
   * spikes while garbage awaits collection). Needs 4 samples.
   */
  verdict({ maxHeapSlope, maxRssSlope, maxRssGrowth = 16 }) {
    const after = this.samples.filter((s) => s.t * 1000 >= this.warmupMs);
    const peakRss = Math.max(...this.samples.map((s) => s.rss));
    if (after.length < 4) {
      const text = `too few samples after the ${this.warmupMs / 1000} s warm-up: not judged`;
      return { ok: false, judged: false, text, peakRss };
    }
    const mins = after.map((s) => s.t / 60);
    const slopeOf = (k) =>
      slope(
        mins,
        after.map((s) => s[k] / MiB),
      );
    const heap = slopeOf("heapUsed");
    const rss = slopeOf("rss");
    const ab = slopeOf("arrayBuffers");
    const range = (k) => {
      const v = after.map((s) => s[k]);
      return `${mib(Math.min(...v))}..${mib(Math.max(...v))}`;
    };
    const span = after[after.length - 1].t - after[0].t;
    const third = Math.max(1, Math.floor(after.length / 3));
    const median = (a, k) => {
      const v = a.map((s) => s[k]).sort((x, y) => x - y);
      return v[Math.floor(v.length / 2)] / MiB;
    };
    const grew = (k) => median(after.slice(-third), k) - median(after.slice(0, third), k);
    const heapGrowth = grew("heapUsed");
    const rssGrowth = grew("rss");
    const bySlope = span >= 60;
    const ok = bySlope
      ? heap <= maxHeapSlope && rss <= maxRssSlope
      : heapGrowth < 1 && rssGrowth <= maxRssGrowth;
    const signed = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}`;
    const text =
      `after ${this.warmupMs / 1000} s warm-up (${after.length} samples over ${span.toFixed(0)} s): ` +
      `post-GC heapUsed ${heap.toFixed(2)} MiB/min, median first->last third ${signed(heapGrowth)} MiB ` +
      `(${range("heapUsed")} MiB, limit ${bySlope ? `${maxHeapSlope} MiB/min` : "1 MiB"}); ` +
      `RSS ${rss.toFixed(2)} MiB/min, median first->last third ${signed(rssGrowth)} MiB ` +
      `(${range("rss")} MiB, limit ${bySlope ? `${maxRssSlope} MiB/min` : `${maxRssGrowth} MiB`}); ` +
      `arrayBuffers ${range("arrayBuffers")} MiB; peak RSS ${mib(peakRss)} MiB -> ${ok ? "FLAT" : "GROWING"}`;
    return { ok, judged: true, heap, rss, heapGrowth, rssGrowth, arrayBuffers: ab, peakRss, text };
  }
}

/** Writes a heap snapshot (after a GC) under the temp dir and returns its file name. */
export function snapshot(label) {
  globalThis.gc();
  globalThis.gc();
  const file = writeHeapSnapshot(join(tmpdir(), `smbjs-load-${label}-${process.pid}.heapsnapshot`));
  console.log(`heap snapshot ${label}: ${file}`);
  return file;
}

/** Live objects of a snapshot grouped by "type:constructor" -> { count, size } (self sizes). */
export function summarizeSnapshot(file) {
  const snap = JSON.parse(readFileSync(file, "utf8"));
  const meta = snap.snapshot.meta;
  const width = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf("type");
  const nameAt = meta.node_fields.indexOf("name");
  const sizeAt = meta.node_fields.indexOf("self_size");
  const types = meta.node_types[0];
  const { nodes, strings } = snap;
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const named = type === "object" || type === "closure" || type === "native" || type === "hidden";
    const key = named ? `${type}:${String(strings[nodes[i + nameAt]]).slice(0, 60)}` : `(${type})`;
    let g = groups.get(key);
    if (!g) {
      g = { count: 0, size: 0 };
      groups.set(key, g);
    }
    g.count++;
    g.size += nodes[i + sizeAt];
  }
  return groups;
}

/** Prints the groups whose live count and self size grew most from snapshot `a` to `b`. */
export function printSnapshotDiff(a, b, top = 15) {
  const before = summarizeSnapshot(a);
  const after = summarizeSnapshot(b);
  const rows = [];
  for (const [key, g] of after) {
    const p = before.get(key) ?? { count: 0, size: 0 };
    rows.push({ key, count: g.count, dCount: g.count - p.count, size: g.size, dSize: g.size - p.size });
  }
  for (const [key, p] of before) {
    if (!after.has(key)) rows.push({ key, count: 0, dCount: -p.count, size: 0, dSize: -p.size });
  }
  const show = (title, by) => {
    console.log(title);
    console.log(
      `${"count".padStart(9)} ${"Δcount".padStart(9)} ${"KiB".padStart(9)} ${"ΔKiB".padStart(9)}  type:constructor`,
    );
    for (const r of [...rows].sort((x, y) => y[by] - x[by]).slice(0, top)) {
      console.log(
        `${String(r.count).padStart(9)} ${String(r.dCount).padStart(9)} ` +
          `${(r.size / 1024).toFixed(0).padStart(9)} ${(r.dSize / 1024).toFixed(0).padStart(9)}  ${r.key}`,
      );
    }
  };
  show("heap snapshot diff, top growth by live count:", "dCount");
  show("heap snapshot diff, top growth by self size:", "dSize");
}
