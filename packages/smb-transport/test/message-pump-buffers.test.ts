/** The pump's handling of pooled receive buffers: release hooks, in-place decryption. */
import { Command, TransformHeader } from "smb-structures";
import { describe, expect, it } from "vitest";
import { BufferPool, isPooled } from "../src/buffer-pool.js";
import { type MessageCipher, MessagePump } from "../src/index.js";
import { FakeTransport, replyBytes } from "./fake-server.js";

const READ = Command.READ;
const body = [Buffer.alloc(49)];
const SESSION = 0x11n;

async function started() {
  const t = new FakeTransport();
  const pump = new MessagePump(t);
  await pump.start();
  pump.credits.grant(10);
  return { t, pump };
}

/** Copies `bytes` into a pooled buffer (as the TCP transport's frame reader hands large frames out). */
function pooled(pool: BufferPool, bytes: Buffer): Buffer {
  const b = pool.acquire(bytes.length);
  bytes.copy(b);
  return b;
}

/** A toy "cipher": XOR with 0x5a, no tag; records where it was asked to write. */
class XorCipher implements MessageCipher {
  outputs: (Buffer | undefined)[] = [];
  constructor(private readonly inPlace = true) {}
  encrypt(plain: readonly Uint8Array[]): Buffer[] {
    return [Buffer.concat(plain)];
  }
  decrypt(message: Uint8Array, output?: Buffer): Buffer {
    this.outputs.push(output);
    const ct = Buffer.from(message.buffer, message.byteOffset + 52, message.length - 52);
    const out = this.inPlace && output ? output : Buffer.alloc(ct.length);
    for (let i = 0; i < ct.length; i++) out[i] = ct[i]! ^ 0x5a;
    return out;
  }
}

function transformed(plain: Buffer): Buffer {
  const header = TransformHeader.encode({
    signature: Buffer.alloc(16),
    nonce: Buffer.alloc(16),
    originalMessageSize: plain.length,
    flags: 1,
    sessionId: SESSION,
  });
  return Buffer.concat([header, Buffer.from(plain.map((b) => b ^ 0x5a))]);
}

describe("MessagePump receive buffers", () => {
  it("gives a reply alone in a pooled buffer a release hook that recycles it", async () => {
    const { t, pump } = await started();
    const pool = new BufferPool();
    const p = pump.request({ command: READ, body });
    const reply = replyBytes(t.sent[0]!.header, { body: Buffer.alloc(100_000, 7) });
    t.handlers!.onMessage(pooled(pool, reply));
    const r = await p;
    expect(r.body.subarray(0, 3).equals(Buffer.from([7, 7, 7]))).toBe(true);
    expect(r.release).toBeTypeOf("function");
    r.release!();
    expect(pool.pooledBytes).toBeGreaterThan(0);
    // The memory goes to the next large reply; a second release of the first one must not free it.
    const reused = pool.acquire(reply.length);
    r.release!();
    expect(pool.pooledBytes).toBe(0);
    expect(isPooled(reused)).toBe(true);

    // A plain (unpooled) buffer: nothing to release.
    const q = pump.request({ command: READ, body });
    t.reply(t.sent[1]!, { body: Buffer.alloc(100_000) });
    expect((await q).release).toBeUndefined();
  });

  it("gives no release hook to replies that share a compound buffer", async () => {
    const { t, pump } = await started();
    const pool = new BufferPool();
    const p = pump.compound(
      [
        { command: READ, body },
        { command: READ, body },
      ],
      false,
    );
    const first = replyBytes(t.sent[0]!.header, { body: Buffer.alloc(70_000), nextCommand: 64 + 70_000 });
    const second = replyBytes(t.sent[1]!.header, { body: Buffer.alloc(16) });
    t.handlers!.onMessage(pooled(pool, Buffer.concat([first, second])));
    const [a, b] = await p;
    expect(a!.release).toBeUndefined();
    expect(b!.release).toBeUndefined();
  });

  it("decrypts in place: the cipher gets the frame's own ciphertext bytes as output", async () => {
    const { t, pump } = await started();
    const cipher = new XorCipher();
    pump.setSessionSecurity(SESSION, { cipher, signingRequired: false });
    const pool = new BufferPool();
    const p = pump.request({ command: READ, body, sessionId: SESSION, encrypt: true });
    const plain = replyBytes(t.sent.length ? t.sent[0]!.header : fakeHeader(0n), {
      body: Buffer.alloc(200_000, 3),
    });
    const frame = pooled(pool, transformed(plain));
    t.handlers!.onMessage(frame);
    const r = await p;
    const out = cipher.outputs[0]!;
    expect(out.buffer).toBe(frame.buffer);
    expect(out.byteOffset).toBe(frame.byteOffset + 52);
    expect(out.length).toBe(plain.length);
    expect(r.encrypted).toBe(true);
    expect(r.message.equals(plain)).toBe(true);
    expect(r.message.buffer).toBe(frame.buffer);
    expect(isPooled(r.message)).toBe(true);
    r.release!();
    expect(pool.pooledBytes).toBe(frame.buffer.byteLength);
  });

  it("recycles the ciphertext frame at once when the cipher returns a buffer of its own", async () => {
    const { t, pump } = await started();
    const cipher = new XorCipher(false);
    pump.setSessionSecurity(SESSION, { cipher, signingRequired: false });
    const pool = new BufferPool();
    const p = pump.request({ command: READ, body, sessionId: SESSION, encrypt: true });
    const plain = replyBytes(fakeHeader(0n), { body: Buffer.alloc(200_000, 4) });
    t.handlers!.onMessage(pooled(pool, transformed(plain)));
    const r = await p;
    expect(r.message.equals(plain)).toBe(true);
    expect(pool.pooledBytes).toBeGreaterThan(0); // the frame went back before dispatch
    expect(r.release).toBeUndefined();
  });

  it("passes no output buffer when OriginalMessageSize disagrees with the ciphertext", async () => {
    const { t, pump } = await started();
    const cipher = new XorCipher();
    cipher.decrypt = function (_message, output) {
      this.outputs.push(output);
      throw new Error("bad size");
    };
    pump.setSessionSecurity(SESSION, { cipher, signingRequired: false });
    const p = pump.request({ command: READ, body, sessionId: SESSION, encrypt: true });
    const frame = transformed(replyBytes(fakeHeader(0n), {}));
    frame.writeUInt32LE(0xfffffff0, 36); // OriginalMessageSize: 4 GiB
    t.handlers!.onMessage(frame);
    await expect(p).rejects.toThrow(); // the connection is dropped
    expect(cipher.outputs).toEqual([undefined]);
  });
});

/** Header of the first request of a fresh pump (MessageId 0), for building replies by hand. */
function fakeHeader(messageId: bigint) {
  return {
    protocolId: 0,
    structureSize: 64,
    creditCharge: 0,
    status: 0,
    command: READ,
    credits: 1,
    flags: 0,
    nextCommand: 0,
    messageId,
    processId: 0,
    treeId: 0,
    sessionId: SESSION,
    signature: Buffer.alloc(16),
  } as unknown as Parameters<typeof replyBytes>[0];
}
