#!/usr/bin/env node
// One benchmark operation with our client (the built dist), in its own process so that its CPU time and
// peak RSS are ours alone. Spawned by run.mjs; takes one JSON argument and prints one JSON line:
//   { ok, connectMs, opMs, bytes, sha256?, entries?, cpuUserMs, cpuSysMs, maxRssKiB } or { na: reason }.
// Operations: connect, read, write (low-level engine: Connection/Session/Tree/Open and the pipelined
// transfers), list, stat, small (the high-level SmbClient). See README "Benchmarks".
import { createHash } from "node:crypto";
import { open as openLocal } from "node:fs/promises";
import { performance } from "node:perf_hooks";

const cfg = JSON.parse(process.argv[2] ?? "{}");
const dist = (pkg) => new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url).href;
const client = await import(dist("smb-client"));
const { negotiate } = await import(dist("smb-auth"));
const { Connection, pipelinedRead, pipelinedWriteFrom } = client;

// MS-FSCC access bits: read/write data+attributes+EA, SYNCHRONIZE; DELETE for overwrite.
const RW_ACCESS = 0x0012019f | 0x00010000;
const OVERWRITE_IF = 5;

function out(obj) {
  const ru = process.resourceUsage();
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({
      ...obj,
      cpuUserMs: cpu.user / 1000,
      cpuSysMs: cpu.system / 1000,
      maxRssKiB: ru.maxRSS,
    })}\n`,
  );
}

async function login() {
  const conn = await Connection.connect({
    host: cfg.host,
    port: cfg.port,
    ...(cfg.maxDialect && { maxDialect: cfg.maxDialect }),
    ...(cfg.requireSigning && { requireSigning: true }),
  });
  const mech = negotiate({ username: cfg.username, password: cfg.password, domain: cfg.domain }).create({
    targetName: cfg.host,
  });
  const session = await conn.authenticate(mech, { encrypt: !!cfg.encrypt });
  const tree = await session.connectTree(cfg.share);
  return { conn, session, tree };
}

const transferOpts = () => ({
  ...(cfg.chunk && { chunkSize: cfg.chunk }),
  ...(cfg.window && { window: cfg.window }),
});

async function readFile(tree) {
  const f = await tree.create(cfg.file, { desiredAccess: 0x00120089 });
  const size = Number(f.info.endOfFile);
  const hash = cfg.verify ? createHash("sha256") : undefined;
  // The chunks are consumed at once (hashed or dropped, as smbclient writes to /dev/null): let the
  // client reuse their buffers.
  const bytes = await pipelinedRead(
    f,
    0,
    size,
    hash
      ? (chunk) => {
          hash.update(chunk);
        }
      : () => {},
    { ...transferOpts(), reuseBuffers: true },
  );
  await f.close();
  if (bytes !== size) throw new Error(`read ${bytes} of ${size} bytes`);
  return { bytes, sha256: hash?.digest("hex") };
}

/**
 * Streams the local file `cfg.source` into a new remote file. The local file is read in blocks of at
 * least 4 MiB (pipelinedWriteFrom cuts them into WRITEs without copying), READ_AHEAD blocks ahead on
 * libuv's threads so the disk copy overlaps the network, into a ring of reusable blocks (smbclient
 * reuses its buffers too). pipelinedWriteFrom keeps at most `window` WRITEs in flight and pulls the next
 * block only when it has queued the last one, so the blocks still referenced by WRITEs are at most
 * ceil(window * chunk / block) + 1: with READ_AHEAD more and one spare, no block is overwritten early.
 */
const READ_AHEAD = 1;
const FILE_BLOCK = 4 * 1024 * 1024;

async function writeFile(tree) {
  const f = await tree.create(cfg.file, { desiredAccess: RW_ACCESS, disposition: OVERWRITE_IF });
  const src = await openLocal(cfg.source, "r");
  const size = (await src.stat()).size;
  // pipelinedWriteFrom's own sizing (its defaults unless --chunk/--window), to size the ring.
  const { chunk, window } = client.transferSizing(f, "write", transferOpts());
  const block = Math.ceil(Math.max(FILE_BLOCK, chunk) / chunk) * chunk;
  const hash = cfg.verify ? createHash("sha256") : undefined;
  const slots = Math.ceil((window * chunk) / block) + 1 + READ_AHEAD + 1;
  const ring = Array.from({ length: slots }, () => Buffer.allocUnsafe(block));
  async function* source() {
    let pos = 0;
    let slot = 0;
    const ahead = [];
    const fill = () => {
      while (ahead.length < READ_AHEAD && pos < size) {
        const buf = ring[slot];
        slot = (slot + 1) % ring.length;
        const n = Math.min(block, size - pos);
        ahead.push(src.read(buf, 0, n, pos).then(({ bytesRead }) => buf.subarray(0, bytesRead)));
        pos += n;
      }
    };
    fill();
    while (ahead.length > 0) {
      const part = await ahead.shift();
      fill();
      if (part.length === 0) break;
      hash?.update(part);
      yield part;
    }
  }
  let bytes;
  try {
    bytes = await pipelinedWriteFrom(f, source(), 0, { chunkSize: chunk, window });
  } finally {
    await src.close();
  }
  await f.close();
  if (bytes !== size) throw new Error(`wrote ${bytes} of ${size} bytes`);
  return { bytes, sha256: hash?.digest("hex") };
}

/**
 * The rows on many small files go through the high-level API (SmbClient, node:fs/promises-like), as an
 * application would; undefined ("n/a") while it does not exist. Calls run CONCURRENCY at a time (the
 * client's own default for tree operations), smbclient runs them one after the other.
 */
const CONCURRENCY = 8;

function highLevel() {
  if (typeof client.SmbClient !== "function") return undefined;
  return new client.SmbClient({
    username: cfg.username,
    password: cfg.password,
    domain: cfg.domain,
    port: cfg.port,
    ...(cfg.maxDialect && { maxDialect: cfg.maxDialect }),
    ...(cfg.encrypt && { encrypt: true }),
  });
}

const unc = (...parts) => `//${cfg.host}/${cfg.share}/${parts.join("/")}`;

async function eachLimited(count, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

async function withClient(fn) {
  const c = highLevel();
  if (!c || typeof fn.need !== "string" || typeof c[fn.need] !== "function") {
    await c?.close();
    return undefined;
  }
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** Names of `cfg.dir` (readdir: QUERY_DIRECTORY until STATUS_NO_MORE_FILES). */
const list = Object.assign(async (c) => ({ entries: (await c.readdir(unc(cfg.dir))).length }), {
  need: "readdir",
});

const name = (prefix, i) => `${prefix}${String(i).padStart(5, "0")}`;

/** stat of cfg.count files. */
const stat1000 = Object.assign(
  async (c) => {
    let found = 0;
    await eachLimited(cfg.count, async (i) => {
      const st = await c.stat(unc(cfg.dir, name("f", i)));
      if (st.size === 1) found++;
    });
    return { entries: found };
  },
  { need: "stat" },
);

/** create + write 4 KiB + close of cfg.count new files (writeFile). */
const small = Object.assign(
  async (c) => {
    const data = Buffer.alloc(4096, 0x61);
    let done = 0;
    await eachLimited(cfg.count, async (i) => {
      await c.writeFile(unc(cfg.dir, name("s", i)), data);
      done++;
    });
    return { entries: done };
  },
  { need: "writeFile" },
);

const ONE_CLIENT_OPS = { list, stat: stat1000, small };

try {
  if (ONE_CLIENT_OPS[cfg.op]) {
    // The high-level client connects on first use: the time includes connect + auth + tree connect,
    // as smbclient's does.
    const t0 = performance.now();
    const r = await withClient(ONE_CLIENT_OPS[cfg.op]);
    const opMs = performance.now() - t0;
    if (r === undefined) out({ na: "not implemented yet" });
    else out({ ok: true, connectMs: 0, opMs, ...r });
  } else {
    const t0 = performance.now();
    const { conn, tree } = await login();
    const connectMs = performance.now() - t0;
    const t1 = performance.now();
    let r;
    if (cfg.op === "connect") r = {};
    else if (cfg.op === "read") r = await readFile(tree);
    else if (cfg.op === "write") r = await writeFile(tree);
    else throw new Error(`unknown op ${cfg.op}`);
    const opMs = performance.now() - t1;
    await conn.close();
    out({ ok: true, connectMs, opMs, ...r });
  }
} catch (err) {
  out({ ok: false, error: String(err?.stack ?? err) });
  process.exitCode = 1;
}
