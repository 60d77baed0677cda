/**
 * Throughput of the high-level API against the local Samba (loopback). Skipped unless SMB_BENCH=1:
 *   SMB_BENCH=1 pnpm exec vitest run packages/smb-client/test/fs-bench.int.test.ts
 * Prints MiB/s for readFile/writeFile of a 1 GiB file (SMB_BENCH_MB to change the size), streams, the
 * server-side copyFile, and the time to list a 10,000-entry directory.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SmbClient } from "../src/index.js";

const samba = inject("samba");
const enabled = process.env.SMB_BENCH === "1" && !samba.external;
const MB = Number(process.env.SMB_BENCH_MB ?? 1024);
const runs = Number(process.env.SMB_BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe.skipIf(!enabled)("fs throughput (SMB_BENCH=1)", () => {
  const auth = { username: samba.username, password: samba.password, domain: samba.domain, port: samba.port };
  const smb = new SmbClient(auth);
  const dir = `bench-${randomBytes(3).toString("hex")}`;
  afterAll(async () => {
    await smb.rm(`//${samba.host}/share/${dir}`, { recursive: true, force: true }).catch(() => {});
    await smb.rm(`//${samba.host}/share-encrypted/${dir}`, { recursive: true, force: true }).catch(() => {});
    await smb.close();
  });

  for (const share of ["share", "share-encrypted"]) {
    it(`readFile / writeFile ${MB} MiB on ${share}`, { timeout: 600_000 }, async () => {
      const base = `//${samba.host}/${share}/${dir}`;
      await smb.mkdir(base, { recursive: true });
      const data = randomBytes(MB * 1024 * 1024);
      const w: number[] = [];
      const r: number[] = [];
      const s: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now();
        await smb.writeFile(`${base}/big.bin`, data);
        w.push(performance.now() - t0);
        t0 = performance.now();
        const back = await smb.readFile(`${base}/big.bin`);
        r.push(performance.now() - t0);
        expect(back.length).toBe(data.length);
        t0 = performance.now();
        await pipeline(smb.createReadStream(`${base}/big.bin`), smb.createWriteStream(`${base}/copy.bin`));
        s.push(performance.now() - t0);
      }
      const t0 = performance.now();
      await smb.copyFile(`${base}/big.bin`, `${base}/copy2.bin`);
      const cpMs = performance.now() - t0;
      const mibs = (ms: number) => ((MB / ms) * 1000).toFixed(0);
      console.log(
        `${share}: writeFile ${median(w).toFixed(0)} ms (${mibs(median(w))} MiB/s), readFile ${median(r).toFixed(0)} ms (${mibs(median(r))} MiB/s), stream copy ${median(s).toFixed(0)} ms (${mibs(median(s))} MiB/s), server-side copyFile ${cpMs.toFixed(0)} ms`,
      );
    });
  }

  it("lists a 10,000-entry directory", { timeout: 600_000 }, async () => {
    const local = join(samba.shares.share!.path, `${dir}-10k`);
    mkdirSync(local);
    for (let i = 0; i < 10_000; i++) writeFileSync(join(local, `file-${i}.txt`), "");
    try {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const names = await smb.readdir(`//${samba.host}/share/${dir}-10k`);
        times.push(performance.now() - t0);
        expect(names.length).toBe(10_000);
      }
      console.log(
        `readdir of 10,000 entries: median ${median(times).toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(0)).join(", ")})`,
      );
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});
