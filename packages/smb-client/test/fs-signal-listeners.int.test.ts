// A long-lived AbortSignal (an application's shutdown signal) passed to many calls: every call removes
// its abort listener when it is done, so the signal does not keep finished streams, handles and their
// buffers alive (tools/load/run.mjs --api fs measured 3000 leaked SmbReadStreams in 60 s before), and
// the signal still aborts what is running.
import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, SHARE, scratch } from "./fs-helpers.js";

const listeners = (s: AbortSignal) => getEventListeners(s, "abort").length;

describe("abort listeners on a shared long-lived signal", () => {
  const smb = client();
  const dir = scratch(SHARE, "sig");
  const data = randomBytes(300 * 1024);
  beforeAll(async () => {
    await smb.mkdir(dir);
    await smb.writeFile(`${dir}/f.bin`, data);
  });
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  });

  it("read and write streams (by path and from a FileHandle) leave no listener once finished", async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 5; i++) {
      const chunks: Buffer[] = [];
      for await (const c of smb.createReadStream(`${dir}/f.bin`, { signal, highWaterMark: 65536 }))
        chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      await pipeline(Readable.from([data]), smb.createWriteStream(`${dir}/w${i}.bin`, { signal }));
    }
    await using fh = await smb.open(`${dir}/f.bin`, "r");
    await pipeline(
      fh.createReadStream({ signal, autoClose: false }),
      new Writable({ write: (_c, _e, cb) => cb() }),
    );
    expect(listeners(signal)).toBe(0);
    expect((await smb.readFile(`${dir}/w4.bin`, { signal })).equals(data)).toBe(true);
    expect(listeners(signal)).toBe(0);
  });

  it("a stream destroyed early, and a stream that fails to open, leave no listener", async () => {
    const signal = new AbortController().signal;
    const rs = smb.createReadStream(`${dir}/f.bin`, { signal, highWaterMark: 1024 });
    await new Promise((r) => rs.once("readable", r));
    rs.destroy();
    await new Promise((r) => rs.once("close", r));
    const missing = await (async () => {
      for await (const _ of smb.createReadStream(`${dir}/missing.bin`, { signal })) void _;
    })().catch((e) => e);
    expect(missing.code).toBe("ENOENT");
    expect(listeners(signal)).toBe(0);
  });

  it("watch on a missing directory leaves no listener", async () => {
    const signal = new AbortController().signal;
    const err = await (async () => {
      for await (const _ of smb.watch(`${dir}/no-such-dir`, { signal })) void _;
    })().catch((e) => e);
    expect(err.code).toBe("ENOENT");
    expect(listeners(signal)).toBe(0);
  });

  it("the shared signal still aborts a running stream (and then holds no listener)", async () => {
    const ac = new AbortController();
    const big = randomBytes(8 * 1024 * 1024);
    await smb.writeFile(`${dir}/big.bin`, big, { signal: ac.signal });
    let got = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk, _e, cb) {
        got += chunk.length;
        if (got >= 65536 && !ac.signal.aborted) ac.abort();
        setTimeout(cb, 2);
      },
    });
    const rs = smb.createReadStream(`${dir}/big.bin`, { signal: ac.signal, highWaterMark: 65536 });
    expect(listeners(ac.signal)).toBe(1);
    const err = await pipeline(rs, slow).catch((e) => e);
    expect(err.name).toBe("AbortError");
    expect(got).toBeLessThan(big.length);
    expect(listeners(ac.signal)).toBe(0);
  });
});
