/**
 * Pipelined transfers against Samba: default sizing, reuseBuffers (received buffers recycled between
 * chunks), plain, signed and encrypted shares, data checked byte for byte.
 */
import { createHash, randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { negotiate } from "smb-auth";
import { CreateDisposition } from "smb-structures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import {
  Connection,
  type Open,
  pipelinedRead,
  pipelinedWrite,
  pipelinedWriteFrom,
  type Tree,
  transferSizing,
} from "../src/index.js";

const samba = inject("samba");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("pipelined transfers against Samba", () => {
  let conn: Connection;
  let plain: Tree;
  let encrypted: Tree;
  const data = randomBytes(9 * 1024 * 1024 + 12345);

  beforeAll(async () => {
    conn = await Connection.connect({ host: samba.host, port: samba.port });
    const mech = negotiate({ username: samba.username, password: samba.password, domain: samba.domain });
    const session = await conn.authenticate(mech.create({ targetName: samba.host }));
    plain = await session.connectTree("share");
    encrypted = await session.connectTree("share-encrypted");
  });
  afterAll(async () => {
    await conn?.close();
  });

  async function scratch(tree: Tree): Promise<Open> {
    return tree.create(`xfer-${randomBytes(4).toString("hex")}.bin`, {
      desiredAccess: 0x0012019f | 0x00010000,
      disposition: CreateDisposition.OVERWRITE_IF,
      createOptions: 0x00001000, // DELETE_ON_CLOSE
    });
  }

  for (const which of ["plain", "encrypted"] as const) {
    it(`${which}: writes with the default sizing and reads back with and without reuseBuffers`, async () => {
      const f = await scratch(which === "plain" ? plain : encrypted);
      expect(await pipelinedWrite(f, data, 0)).toBe(data.length);

      // Default: every chunk is a buffer of its own and stays valid.
      const kept: Buffer[] = [];
      expect(await pipelinedRead(f, 0, data.length, (c) => void kept.push(c))).toBe(data.length);
      expect(sha(Buffer.concat(kept))).toBe(sha(data));

      // reuseBuffers: chunks are valid during onData only; their memory comes back for later replies.
      const hash = createHash("sha256");
      const seen = new Set<ArrayBufferLike>();
      let chunks = 0;
      const n = await pipelinedRead(
        f,
        0,
        data.length,
        async (c) => {
          hash.update(c);
          seen.add(c.buffer);
          chunks++;
          await new Promise((r) => setImmediate(r));
        },
        { reuseBuffers: true, chunkSize: 512 * 1024, window: 4 },
      );
      expect(n).toBe(data.length);
      expect(hash.digest("hex")).toBe(sha(data));
      expect(chunks).toBe(Math.ceil(data.length / (512 * 1024)));
      expect(seen.size).toBeLessThan(chunks); // recycled, not one allocation per chunk
      await f.close();
    });
  }

  it("stops at end of file with reuseBuffers and a window larger than the file", async () => {
    const f = await scratch(plain);
    const small = randomBytes(300_000);
    await pipelinedWrite(f, small, 0, { chunkSize: 65536 });
    const got: Buffer[] = [];
    const n = await pipelinedRead(f, 0, 10 * 1024 * 1024, (c) => void got.push(Buffer.from(c)), {
      reuseBuffers: true,
      chunkSize: 128 * 1024,
      window: 16,
    });
    expect(n).toBe(small.length);
    expect(Buffer.concat(got).equals(small)).toBe(true);
    await f.close();
  });

  it("streams an async source cut into requests, with a window wider than the source", async () => {
    const f = await scratch(encrypted);
    async function* parts() {
      for (let o = 0; o < data.length; o += 700_001) yield data.subarray(o, o + 700_001);
    }
    expect(await pipelinedWriteFrom(f, parts(), 0, { chunkSize: 1024 * 1024, window: 64 })).toBe(data.length);
    const back: Buffer[] = [];
    await pipelinedRead(f, 0, data.length, (c) => void back.push(c));
    expect(sha(Buffer.concat(back))).toBe(sha(data));
    await f.close();
  });

  it("puts one listener on the caller's signal per transfer (a window of 32: no leak warning), removed at the end", async () => {
    const f = await scratch(plain);
    const ac = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void warnings.push(w);
    process.on("warning", onWarning);
    const opts = { chunkSize: 128 * 1024, window: 32, signal: ac.signal };
    let most = 0;
    const count = () => (most = Math.max(most, getEventListeners(ac.signal, "abort").length));
    try {
      async function* parts() {
        for (let o = 0; o < data.length; o += 1024 * 1024) {
          count();
          yield data.subarray(o, o + 1024 * 1024);
        }
      }
      expect(await pipelinedWriteFrom(f, parts(), 0, opts)).toBe(data.length);
      expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
      const hash = createHash("sha256");
      await pipelinedRead(
        f,
        0,
        data.length,
        (c) => {
          count();
          hash.update(c);
        },
        opts,
      );
      expect(hash.digest("hex")).toBe(sha(data));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(most).toBe(1);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);

    // Aborting the caller's signal still cancels the transfer's requests.
    const big = randomBytes(16 * 1024 * 1024);
    const p = pipelinedWriteFrom(f, [big], 0, opts);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    await f.close();
  });

  it("sizes transfers: 4 MiB x 4 by default, 4 MiB x 2 on AES-GCM, 64 KiB READs x 16, explicit options win", async () => {
    const f = await scratch(plain);
    expect(transferSizing(f, "read")).toEqual({ chunk: 4 * 1024 * 1024, window: 4 });
    expect(transferSizing(f, "write", { chunkSize: 65536 })).toEqual({ chunk: 65536, window: 64 });
    // READs of SMB 2.0.2's size: at most 16 in flight (a deeper window only promotes per-request garbage).
    expect(transferSizing(f, "read", { chunkSize: 65536 })).toEqual({ chunk: 65536, window: 16 });
    expect(transferSizing(f, "write", { chunkSize: 1 << 30, window: 3 })).toEqual({
      chunk: conn.negotiated.maxWriteSize,
      window: 3,
    });
    await f.close();
    const g = await scratch(encrypted);
    expect(conn.negotiated.cipher).toBe("AES-128-GCM");
    expect(transferSizing(g, "write")).toEqual({ chunk: 4 * 1024 * 1024, window: 2 });
    await g.close();
  });
});

describe.skipIf(samba.external)("transfer sizing with slow per-byte crypto", () => {
  const servers: SambaServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  for (const [what, global, encrypt] of [
    ["AES-128-CCM encryption", { "server smb3 encryption algorithms": "AES-128-CCM" }, true],
    [
      "AES-128-CMAC signing",
      { "server signing": "mandatory", "server smb3 signing algorithms": "AES-128-CMAC" },
      false,
    ],
  ] as const) {
    it(`uses 1 MiB x 8 under ${what}, and moves the data intact`, async () => {
      const s = await startSamba({ global, signedCompanion: false });
      servers.push(s);
      const c = await Connection.connect({ host: s.host, port: s.port });
      try {
        const mech = negotiate({ username: s.username, password: s.password }).create({ targetName: s.host });
        const session = await c.authenticate(mech, { encrypt });
        const tree = await session.connectTree("share");
        const f = await tree.create("sizing.bin", {
          desiredAccess: 0x0012019f | 0x00010000,
          disposition: CreateDisposition.OVERWRITE_IF,
          createOptions: 0x00001000,
        });
        expect(transferSizing(f, "read")).toEqual({ chunk: 1024 * 1024, window: 8 });
        const data = randomBytes(5 * 1024 * 1024 + 7);
        await pipelinedWrite(f, data, 0);
        const hash = createHash("sha256");
        await pipelinedRead(f, 0, data.length, (ch) => void hash.update(ch), { reuseBuffers: true });
        expect(hash.digest("hex")).toBe(sha(data));
        await f.close();
      } finally {
        await c.close();
      }
    });
  }
});
