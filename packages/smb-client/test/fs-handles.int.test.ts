// FileHandle (read/write at positions, stat, truncate, sync, utimes, locks, close, await using) and
// createReadStream/createWriteStream (start/end, highWaterMark, backpressure, abort mid-transfer).
import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { SmbError } from "../src/index.js";
import { client, scratchClient, SHARES } from "./fs-helpers.js";

describe.each(SHARES)("file handles on %s", (share) => {
  const { smb, dir } = scratchClient(share, "fh");

  it("reads and writes at positions and at the handle's position", async () => {
    await using fh = await smb.open(`${dir}/pos.txt`, "w+");
    expect((await fh.write("hello ")).bytesWritten).toBe(6);
    await fh.write(Buffer.from("world"));
    await fh.write(Buffer.from("HELLO"), 0, 5, 0);
    const r = await fh.read(Buffer.alloc(20), 0, 20, 0);
    expect(r.buffer.subarray(0, r.bytesRead).toString()).toBe("HELLO world");
    const r2 = await fh.read({ buffer: Buffer.alloc(3), position: 6 });
    expect(r2.buffer.toString()).toBe("wor");
    expect((await fh.stat()).size).toBe(11);
    const atEnd = await fh.read(Buffer.alloc(4), 0, 4, 100);
    expect(atEnd.bytesRead).toBe(0);
  });

  it("reads and writes more than one READ/WRITE through the handle", async () => {
    const data = randomBytes(20 * 1024 * 1024 + 5);
    await using fh = await smb.open(`${dir}/big.bin`, "w+");
    await fh.writeFile(data);
    const out = Buffer.alloc(data.length);
    const { bytesRead } = await fh.read(out, 0, out.length, 0);
    expect(bytesRead).toBe(data.length);
    expect(out.equals(data)).toBe(true);
    await using r = await smb.open(`${dir}/big.bin`);
    expect(((await r.readFile()) as Buffer).equals(data)).toBe(true);
  });

  it("truncate, sync, utimes, stat through the handle; append mode; close twice; EBADF after close", async () => {
    const fh = await smb.open(`${dir}/ops.txt`, "w+");
    await fh.write("0123456789");
    await fh.truncate(3);
    await fh.sync();
    await fh.datasync();
    const when = new Date("2010-01-01T00:00:00Z");
    await fh.utimes(when, when);
    const st = await fh.stat();
    expect(st.size).toBe(3);
    expect(st.mtime.getTime()).toBe(when.getTime());
    const big = await fh.stat({ bigint: true });
    expect(big.size).toBe(3n);
    await fh.close();
    await fh.close();
    const e = await fh.read(Buffer.alloc(1), 0, 1, 0).catch((err) => err);
    expect(e.code).toBe("EBADF");
    const a = await smb.open(`${dir}/ops.txt`, "a");
    await a.write("xy");
    await a.write("z", 0); // append mode ignores the position, as on POSIX
    await a.close();
    expect(await smb.readFile(`${dir}/ops.txt`, "utf8")).toBe("012xyz");
    const wx = await smb.open(`${dir}/ops.txt`, "wx").catch((err) => err);
    expect(wx.code).toBe("EEXIST");
    const rd = await smb.open(`${dir}/missing.txt`, "r").catch((err) => err);
    expect([rd.code, rd.syscall]).toEqual(["ENOENT", "open"]);
    const ro = await smb.open(`${dir}/ops.txt`, "r");
    const we = await ro.write("no").catch((err) => err);
    expect(we.code).toBe("EACCES");
    await ro.close();
  });

  it("byte-range locks conflict across clients and are released", async () => {
    await smb.writeFile(`${dir}/lock.bin`, Buffer.alloc(100));
    const other = client();
    const a = await smb.open(`${dir}/lock.bin`, "r+");
    const b = await other.open(`${dir}/lock.bin`, "r+");
    try {
      await a.lock(0, 50);
      const e = await b.lock(10, 5).catch((err) => err);
      expect(e).toBeInstanceOf(SmbError);
      expect(["EAGAIN", "EBUSY"]).toContain(e.code);
      await b.lock(60, 10);
      await a.unlock(0, 50);
      await b.lock(10, 5);
      await b.unlock(10, 5);
      // Shared locks coexist.
      await a.lock(0, 10, { exclusive: false });
      await b.lock(0, 10, { exclusive: false });
    } finally {
      await a.close();
      await b.close();
      await other.close();
    }
  });

  it("createReadStream: whole file, start/end ranges, encoding, empty file, ENOENT", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await smb.writeFile(`${dir}/rs.bin`, data);
    const chunks: Buffer[] = [];
    for await (const c of smb.createReadStream(`${dir}/rs.bin`)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const part: Buffer[] = [];
    for await (const c of smb.createReadStream(`${dir}/rs.bin`, {
      start: 100,
      end: 2_000_099,
      highWaterMark: 64 * 1024,
    }))
      part.push(c as Buffer);
    expect(Buffer.concat(part).equals(data.subarray(100, 2_000_100))).toBe(true);
    // Chunks are copies of at most highWaterMark bytes, the consumer's to keep: the READ receive
    // buffers they came from were recycled for the next READs meanwhile (the concats check that no
    // chunk was overwritten).
    expect(Math.max(...part.map((c) => c.length))).toBe(64 * 1024);
    // A tiny highWaterMark still gets 64 KiB pieces (not a buffer and a push per byte).
    const tiny: Buffer[] = [];
    for await (const c of smb.createReadStream(`${dir}/rs.bin`, { highWaterMark: 16 }))
      tiny.push(c as Buffer);
    expect(Buffer.concat(tiny).equals(data)).toBe(true);
    expect(Math.max(...tiny.map((c) => c.length))).toBe(64 * 1024);
    expect(tiny.length).toBeLessThan(60);
    // destroy() from a 'data' handler, in the middle of a READ's pieces: the stream closes and its
    // transfer ends too (it would otherwise wait for room forever, holding the READ's buffer).
    const ac = new AbortController();
    const rs = smb.createReadStream(`${dir}/rs.bin`, { highWaterMark: 64 * 1024, signal: ac.signal });
    let pieces = 0;
    rs.on("data", () => {
      if (++pieces === 2) rs.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      rs.on("close", resolve);
      rs.on("error", reject);
    });
    expect(pieces).toBe(2);
    const hung = new Promise((r) => setTimeout(() => r("hung"), 2000));
    expect(await Promise.race([rs.transfer, hung])).not.toBe("hung");
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
    expect((await smb.readFile(`${dir}/rs.bin`)).equals(data)).toBe(true);
    await smb.writeFile(`${dir}/rs.txt`, "héllo");
    let s = "";
    for await (const c of smb.createReadStream(`${dir}/rs.txt`, "utf8")) s += c;
    expect(s).toBe("héllo");
    await smb.writeFile(`${dir}/rs-empty`, "");
    let n = 0;
    for await (const _ of smb.createReadStream(`${dir}/rs-empty`)) n++;
    expect(n).toBe(0);
    const err = await (async () => {
      for await (const _ of smb.createReadStream(`${dir}/nope`)) {
      }
    })().catch((e) => e);
    expect(err.code).toBe("ENOENT");
  });

  it("createWriteStream: backpressure, bytesWritten, flags a, start", async () => {
    const ws = smb.createWriteStream(`${dir}/ws.bin`, { highWaterMark: 256 * 1024 });
    const block = randomBytes(512 * 1024);
    let sawBackpressure = false;
    for (let i = 0; i < 40; i++) {
      if (!ws.write(block)) {
        sawBackpressure = true;
        await new Promise((r) => ws.once("drain", r));
      }
    }
    await new Promise<void>((resolve, reject) =>
      ws.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    expect(sawBackpressure).toBe(true);
    expect(ws.bytesWritten).toBe(40 * block.length);
    expect((await smb.stat(`${dir}/ws.bin`)).size).toBe(40 * block.length);
    await pipeline(Readable.from(["abc"]), smb.createWriteStream(`${dir}/ws.txt`));
    await pipeline(Readable.from(["def"]), smb.createWriteStream(`${dir}/ws.txt`, { flags: "a" }));
    await pipeline(Readable.from(["XY"]), smb.createWriteStream(`${dir}/ws.txt`, { flags: "r+", start: 1 }));
    expect(await smb.readFile(`${dir}/ws.txt`, "utf8")).toBe("aXYdef");
  });

  it("pipes a file through createReadStream -> createWriteStream, and through a FileHandle's streams", async () => {
    const data = randomBytes(9 * 1024 * 1024 + 3);
    await smb.writeFile(`${dir}/p1.bin`, data);
    await pipeline(smb.createReadStream(`${dir}/p1.bin`), smb.createWriteStream(`${dir}/p2.bin`));
    expect((await smb.readFile(`${dir}/p2.bin`)).equals(data)).toBe(true);
    await using src = await smb.open(`${dir}/p1.bin`);
    await using dst = await smb.open(`${dir}/p3.bin`, "w");
    await pipeline(src.createReadStream(), dst.createWriteStream());
    expect((await smb.readFile(`${dir}/p3.bin`)).equals(data)).toBe(true);
  });

  it("aborts a read stream, a write stream and readFile mid-transfer; the client stays usable", async () => {
    const data = randomBytes(48 * 1024 * 1024);
    await smb.writeFile(`${dir}/abort.bin`, data);
    const ac = new AbortController();
    let got = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk, _e, cb) {
        got += chunk.length;
        if (got > 4 * 1024 * 1024) ac.abort();
        setTimeout(cb, 5);
      },
    });
    const e1 = await pipeline(smb.createReadStream(`${dir}/abort.bin`, { signal: ac.signal }), slow).catch(
      (e) => e,
    );
    expect(e1.name).toBe("AbortError");
    expect(got).toBeLessThan(data.length);

    const ac2 = new AbortController();
    async function* forever() {
      for (let i = 0; ; i++) {
        if (i === 20) ac2.abort();
        yield randomBytes(1024 * 1024);
      }
    }
    const e2 = await pipeline(
      Readable.from(forever()),
      smb.createWriteStream(`${dir}/abort-w.bin`, { signal: ac2.signal }),
    ).catch((e) => e);
    expect(e2.name).toBe("AbortError");

    const ac3 = new AbortController();
    const p = smb.readFile(`${dir}/abort.bin`, { signal: ac3.signal });
    setTimeout(() => ac3.abort(), 5);
    const e3 = await p.catch((e) => e);
    if (e3 instanceof Buffer) expect(e3.length).toBe(data.length);
    else expect(e3.name).toBe("AbortError");

    const e4 = await smb.stat(dir, { signal: AbortSignal.abort() }).catch((e) => e);
    expect(e4.name).toBe("AbortError");

    expect((await smb.readFile(`${dir}/abort.bin`)).equals(data)).toBe(true);
    expect(smb.poolSize.connections).toBe(1);
    // No handle was left open by the aborted calls: an exclusive open succeeds (after late replies).
    await new Promise((r) => setTimeout(r, 300));
    const excl = await smb.open(`${dir}/abort.bin`, "r", { shareAccess: "" });
    await excl.close();
  });
});
