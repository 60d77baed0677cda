// 2 GiB through createReadStream -> createWriteStream on loopback: the SHA-256 of what arrives equals the
// source's, and the process's memory stays bounded (streaming, not buffering). SMB_STREAM_TEST_MB changes
// the size (default 2048).
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { createReadStream as createLocalReadStream, openSync, closeSync, writeSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, it } from "vitest";
import { client, SHARE, samba, uniq } from "./fs-helpers.js";

const MB = Number(process.env.SMB_STREAM_TEST_MB ?? 2048);
const SIZE = MB * 1024 * 1024;

/** Pseudo-random bytes, fast: AES-128-CTR keystream in 4 MiB blocks. */
function* keystream(total: number): Generator<Buffer> {
  const c = createCipheriv("aes-128-ctr", randomBytes(16), randomBytes(16));
  const zero = Buffer.alloc(4 * 1024 * 1024);
  for (let done = 0; done < total; ) {
    const n = Math.min(zero.length, total - done);
    yield c.update(zero.subarray(0, n));
    done += n;
  }
}

describe(`streaming ${MB} MiB`, () => {
  const smb = client();
  const name = uniq("stream2g");
  const dir = `//${samba.host}/${SHARE}/${name}`;
  const localDir = samba.external ? undefined : join(samba.shares[SHARE]!.path, name);
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  }, 120_000);

  it("keeps the SHA-256 and bounded memory through createReadStream -> createWriteStream", {
    timeout: 300_000,
  }, async () => {
    await smb.mkdir(dir);
    const srcHash = createHash("sha256");
    let t0 = performance.now();
    if (localDir) {
      // Write the source straight into the share's directory (faster than through SMB).
      const fd = openSync(join(localDir, "src.bin"), "w", 0o666);
      for (const b of keystream(SIZE)) {
        srcHash.update(b);
        writeSync(fd, b);
      }
      closeSync(fd);
    } else {
      async function* gen() {
        for (const b of keystream(SIZE)) {
          srcHash.update(b);
          yield b;
        }
      }
      await smb.writeFile(`${dir}/src.bin`, gen());
    }
    const expected = srcHash.digest("hex");
    const prepMs = performance.now() - t0;

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const midHash = createHash("sha256");
    let seen = 0;
    const tap = new Transform({
      highWaterMark: 1024 * 1024,
      transform(chunk: Buffer, _e, cb) {
        midHash.update(chunk);
        seen += chunk.length;
        cb(null, chunk);
      },
    });
    t0 = performance.now();
    try {
      await pipeline(smb.createReadStream(`${dir}/src.bin`), tap, smb.createWriteStream(`${dir}/dst.bin`));
    } finally {
      clearInterval(sampler);
    }
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(seen).toBe(SIZE);
    expect(midHash.digest("hex")).toBe(expected);

    // What landed on the server.
    const dstHash = createHash("sha256");
    if (localDir)
      await pipeline(createLocalReadStream(join(localDir, "dst.bin"), { highWaterMark: 4 << 20 }), dstHash);
    else await pipeline(smb.createReadStream(`${dir}/dst.bin`), dstHash);
    expect(dstHash.digest("hex")).toBe(expected);
    expect((await smb.stat(`${dir}/dst.bin`)).size).toBe(SIZE);

    const growthMiB = (peak - baseline) / 1024 / 1024;
    console.log(
      `${MB} MiB read->write stream: ${(ms / 1000).toFixed(1)} s (${((MB / ms) * 1000).toFixed(0)} MiB/s), ` +
        `peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB (+${growthMiB.toFixed(0)} MiB over ${(baseline / 1024 / 1024).toFixed(0)}), ` +
        `source prepared in ${(prepMs / 1000).toFixed(1)} s`,
    );
    // Bounded: a few windows of 1 MiB requests and stream buffers, nowhere near the file size.
    expect(growthMiB).toBeLessThan(Math.min(256, MB / 4));
    if (localDir) rmSync(join(localDir, "src.bin"), { force: true });
  });
});
