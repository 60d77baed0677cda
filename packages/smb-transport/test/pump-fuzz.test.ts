/**
 * Hostile replies to the message pump (issue 11): random frames, random headers with plausible
 * MessageIds, broken compounds and transform headers. The pump must settle every pending request with
 * a reply or a typed error, never throw out of its receive path or leave a promise hanging.
 */
import fc from "fast-check";
import { Command, HeaderFlags, Smb2Header } from "smb-structures";
import { describe, expect, it } from "vitest";
import { MessagePump, SmbTransportError } from "../src/index.js";
import { FakeTransport } from "./fake-server.js";

const header = fc.record({
  creditCharge: fc.integer({ min: 0, max: 0xffff }),
  status: fc.constantFrom(0, 0x103, 0xc0000022, 0x80000005, 0xc000006d),
  command: fc.integer({ min: 0, max: 0x14 }),
  credits: fc.integer({ min: 0, max: 0xffff }),
  flags: fc.constantFrom(1, 3, 5, 9, 0x0b, 0, 0xffffffff),
  nextCommand: fc.constantFrom(0, 8, 64, 72, 80, 13, 0xffff),
  messageId: fc.oneof(fc.bigInt({ min: 0n, max: 4n }), fc.constant(0xffffffffffffffffn)),
  processId: fc.integer({ min: 0, max: 0xffffffff }),
  treeId: fc.integer({ min: 0, max: 0xffffffff }),
  sessionId: fc.constantFrom(0n, 1n, 9n),
});

const frame = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc
    .tuple(header, fc.uint8Array({ maxLength: 200 }))
    .map(([h, body]) => Buffer.concat([Smb2Header.encode({ ...h, signature: Buffer.alloc(16) }), body])),
  fc
    .uint8Array({ minLength: 0, maxLength: 120 })
    .map((b) => Buffer.concat([Buffer.from([0xfd, 0x53, 0x4d, 0x42]), b])),
);

describe("message pump under hostile replies", () => {
  it("settles every request with a reply or a typed error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        const t = new FakeTransport();
        const pump = new MessagePump(t, { timeoutMs: 50 });
        await pump.start();
        pump.credits.grant(10);
        pump.setSessionSecurity(9n, {
          signingRequired: true,
          signer: { signInPlace: () => {}, verify: () => false },
        });
        const requests = [0, 1, 2].map((i) =>
          pump
            .request({
              command: Command.READ,
              body: [Buffer.alloc(49)],
              sessionId: i === 2 ? 9n : 0n,
              sign: i === 2,
            })
            .then(
              () => "reply",
              (e) => (e instanceof SmbTransportError ? "typed" : `UNTYPED ${e}`),
            ),
        );
        for (const f of frames) {
          expect(() => t.handlers!.onMessage(f)).not.toThrow();
        }
        const outcomes = await Promise.all(requests);
        for (const o of outcomes) expect(o).not.toMatch(/UNTYPED/);
        pump.close();
      }),
      { numRuns: 300 },
    );
  });

  it("never lets a reply for one request resolve another", async () => {
    const t = new FakeTransport();
    const pump = new MessagePump(t);
    await pump.start();
    pump.credits.grant(3);
    const a = pump.request({ command: Command.READ, body: [Buffer.alloc(49)] });
    const b = pump.request({ command: Command.WRITE, body: [Buffer.alloc(49)] });
    const reply = Smb2Header.encode({
      creditCharge: 0,
      status: 0,
      command: Command.WRITE,
      credits: 1,
      flags: HeaderFlags.SERVER_TO_REDIR,
      nextCommand: 0,
      messageId: 1n,
      processId: 0,
      treeId: 0,
      sessionId: 0n,
      signature: Buffer.alloc(16),
    });
    t.handlers!.onMessage(Buffer.concat([reply, Buffer.alloc(16)]));
    expect((await b).header.command).toBe(Command.WRITE);
    let settled = false;
    a.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    pump.close();
    await expect(a).rejects.toBeInstanceOf(SmbTransportError);
  });
});
