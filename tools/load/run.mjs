#!/usr/bin/env node
// Load run (issue 11; not part of CI): N concurrent async tasks share ONE connection/session for a
// given time, doing mixed operations (create+write, read back and verify, list, stat-by-compound,
// delete), each checking its own data. Reports operations, errors, credit window and memory samples.
// Needs the packages built (pnpm build). Usage: node tools/load/run.mjs [--tasks 100] [--seconds 60]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { negotiate } from "../../packages/smb-auth/dist/index.js";
import { Connection } from "../../packages/smb-client/dist/index.js";
import { CreateDisposition } from "../../packages/smb-structures/dist/index.js";
import { startSamba } from "../samba/server.mjs";

const { values } = parseArgs({
  options: { tasks: { type: "string", default: "100" }, seconds: { type: "string", default: "60" } },
});
const tasks = Number(values.tasks);
const deadline = Date.now() + Number(values.seconds) * 1000;
const server = await startSamba({ signedCompanion: false });
const RW = 0x0012019f | 0x00010000;
const stats = { ops: 0, bytes: 0, mismatches: 0, errors: 0, maxInFlight: 0 };
const rss = [];
let conn;
try {
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
  const sampler = setInterval(() => {
    rss.push(process.memoryUsage().rss);
    stats.maxInFlight = Math.max(stats.maxInFlight, conn.pump.inFlight);
  }, 500);

  async function task(id) {
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
  }
  await Promise.all(Array.from({ length: tasks }, (_, i) => task(i)));
  clearInterval(sampler);
} finally {
  await conn?.close();
  await server.stop();
}
const mib = (b) => (b / 1048576).toFixed(1);
const first = rss.slice(0, Math.max(1, Math.floor(rss.length / 4)));
const last = rss.slice(-Math.max(1, Math.floor(rss.length / 4)));
const avg = (a) => a.reduce((x, y) => x + y, 0) / a.length;
console.log(
  `load: ${tasks} tasks, ${values.seconds} s: ${stats.ops} operations, ${mib(stats.bytes)} MiB moved, ` +
    `${stats.mismatches} data mismatches, ${stats.errors} errors, max ${stats.maxInFlight} requests in flight; ` +
    `RSS first quarter ${mib(avg(first))} MiB, last quarter ${mib(avg(last))} MiB, peak ${mib(Math.max(...rss))} MiB`,
);
process.exitCode = stats.mismatches || stats.errors ? 1 : 0;
