/**
 * TcpTransport over a real loopback socket (no SMB server: a plain TCP peer speaking the direct TCP
 * framing): onread into reader-chosen memory, pooled large frames, batched sends.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isPooled, recycleBuffer } from "../src/buffer-pool.js";
import { FrameReader, frameHeader, ProtocolError, TcpTransport } from "../src/index.js";

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A peer on 127.0.0.1; `onPeer` gets its side of the first connection. */
async function peer(onPeer: (s: Socket) => void): Promise<number> {
  server = createServer(onPeer);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}

describe("TcpTransport on loopback", () => {
  it("receives small and large frames intact and in order; large ones in pooled buffers", async () => {
    const payloads = [
      ...Array.from({ length: 50 }, (_, i) => randomBytes(i * 37)),
      randomBytes(1024 * 1024 + 80),
      randomBytes(65536 + 84),
      randomBytes(3 * 1024 * 1024),
      randomBytes(10),
    ];
    const port = await peer((s) => {
      for (const p of payloads) s.write(Buffer.concat([frameHeader(p.length), p]));
    });
    const t = new TcpTransport({ host: "127.0.0.1", port });
    const got: Buffer[] = [];
    const done = new Promise<void>((resolve) => {
      void t.connect({
        onMessage: (m) => {
          got.push(Buffer.from(m));
          if (m.length >= 1024 * 1024) {
            expect(isPooled(m)).toBe(true);
            recycleBuffer(m);
          }
          if (got.length === payloads.length) resolve();
        },
        onClose: () => {},
      });
    });
    await done;
    t.close();
    expect(got.map((g) => g.length)).toEqual(payloads.map((p) => p.length));
    for (let i = 0; i < payloads.length; i++) expect(got[i]!.equals(payloads[i]!)).toBe(true);
  });

  it("sends messages of one tick together and large ones at once, all intact and in order", async () => {
    const received: Buffer[] = [];
    let all!: () => void;
    const finished = new Promise<void>((r) => {
      all = r;
    });
    const small = Array.from({ length: 40 }, (_, i) => randomBytes(60 + i));
    const large = randomBytes(2 * 1024 * 1024);
    const expected = [...small.slice(0, 20), large, ...small.slice(20)];
    const port = await peer((s) => {
      const reader = new FrameReader((f) => {
        received.push(Buffer.from(f));
        if (received.length === expected.length) all();
      });
      s.on("data", (d: Buffer) => reader.push(d));
    });
    const t = new TcpTransport({ host: "127.0.0.1", port });
    await t.connect({ onMessage: () => {}, onClose: () => {} });
    for (const m of small.slice(0, 20)) t.send([m.subarray(0, 10), m.subarray(10)]);
    t.send([large.subarray(0, 64), large.subarray(64)]);
    for (const m of small.slice(20)) t.send([m]);
    await finished;
    t.close();
    expect(received.map((r) => r.length)).toEqual(expected.map((e) => e.length));
    for (let i = 0; i < expected.length; i++) expect(received[i]!.equals(expected[i]!)).toBe(true);
  });

  it("closes with a ProtocolError on a bad stream header", async () => {
    const port = await peer((s) => {
      s.write(Buffer.from([0x85, 0, 0, 4, 1, 2, 3, 4]));
    });
    const t = new TcpTransport({ host: "127.0.0.1", port });
    const closed = new Promise<Error | undefined>((resolve) => {
      void t.connect({ onMessage: () => {}, onClose: (e) => resolve(e) });
    });
    expect(await closed).toBeInstanceOf(ProtocolError);
    expect(t.connected).toBe(false);
  });
});
