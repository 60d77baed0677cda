import { Command, HeaderFlags } from "smb-structures";
import { describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  creditChargeFor,
  MessagePump,
  RequestAbortedError,
  RequestTimeoutError,
  SecurityCheckError,
} from "../src/index.js";
import { FakeTransport, type Received, replyBytes } from "./fake-server.js";

const READ = Command.READ;
const body = [Buffer.alloc(49)];

async function started(opts: ConstructorParameters<typeof MessagePump>[1] = {}) {
  const t = new FakeTransport();
  const pump = new MessagePump(t, opts);
  await pump.start();
  return { t, pump };
}

describe("MessagePump", () => {
  it("matches replies by MessageId, out of order", async () => {
    const { t, pump } = await started();
    pump.credits.grant(10);
    const a = pump.request({ command: READ, body });
    const b = pump.request({ command: READ, body });
    expect(t.sent.map((s) => s.header.messageId)).toEqual([0n, 1n]);
    t.reply(t.sent[1]!, { status: 0x22 });
    t.reply(t.sent[0]!, { status: 0 });
    expect((await a).status).toBe(0);
    expect((await b).status).toBe(0x22);
  });

  it("advances MessageId by CreditCharge and waits for credits instead of failing", async () => {
    const { t, pump } = await started();
    pump.multiCredit = true;
    pump.credits.grant(3); // 4 available
    const big = pump.request({ command: READ, body, expectedResponseSize: 4 * 65536 }); // charge 4
    const small = pump.request({ command: READ, body }); // must wait: no credits left
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]!.header.creditCharge).toBe(4);
    expect(creditChargeFor(4 * 65536)).toBe(4);
    t.reply(t.sent[0]!, { credits: 4 });
    await big;
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]!.header.messageId).toBe(4n);
    t.reply(t.sent[1]!, { credits: 1 });
    await small;
  });

  it("keeps waiting after an interim STATUS_PENDING and resolves on the final reply", async () => {
    const { t, pump } = await started();
    let asyncId: bigint | undefined;
    const p = pump.request({ command: READ, body, onInterim: (id) => (asyncId = id) });
    t.reply(t.sent[0]!, { status: 0x103, asyncId: 0x1234_5678_9abcn });
    let done = false;
    p.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    expect(asyncId).toBe(0x1234_5678_9abcn);
    t.reply(t.sent[0]!, { status: 0, asyncId: 0x1234_5678_9abcn });
    expect((await p).status).toBe(0);
  });

  it("on timeout: rejects, sends CANCEL with the AsyncId, consumes the late reply and its credits", async () => {
    const { t, pump } = await started();
    const p = pump.request({ command: Command.CHANGE_NOTIFY, body, timeoutMs: 20 });
    t.reply(t.sent[0]!, { status: 0x103, asyncId: 77n, credits: 0 });
    await expect(p).rejects.toBeInstanceOf(RequestTimeoutError);
    const cancel = t.sent[1]!;
    expect(cancel.header.command).toBe(Command.CANCEL);
    expect(cancel.header.flags & HeaderFlags.ASYNC_COMMAND).toBeTruthy();
    expect(cancel.header.processId).toBe(77);
    expect(pump.inFlight).toBe(1);
    const before = pump.credits.available;
    t.reply(t.sent[0]!, { status: 0xc0000120, asyncId: 77n, credits: 5 });
    expect(pump.inFlight).toBe(0);
    expect(pump.credits.available).toBe(before + 5);
    expect(pump.credits.outstanding).toBe(0);
  });

  it("times out only the unanswered one of many requests, on time, and restarts its clock on an interim", async () => {
    const { t, pump } = await started({ timeoutMs: 40 });
    pump.credits.grant(100);
    const t0 = performance.now();
    const answered = Array.from({ length: 50 }, () => pump.request({ command: READ, body }));
    const late = pump.request({ command: READ, body });
    const interim = pump.request({ command: Command.CHANGE_NOTIFY, body });
    const [lateReq, interimReq] = [t.sent[50]!, t.sent[51]!];
    for (const r of t.sent.slice(0, 50)) t.reply(r);
    await Promise.all(answered);
    await new Promise((r) => setTimeout(r, 25));
    t.reply(interimReq, { status: 0x103, asyncId: 9n, credits: 0 }); // its 40 ms start again here
    const err = await late.then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(39);
    expect(elapsed).toBeLessThan(200);
    expect(t.sent.filter((s) => s.header.command === Command.CANCEL).map((s) => s.header.messageId)).toEqual([
      lateReq.header.messageId,
    ]);
    await expect(interim).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(64);
    expect(pump.inFlight).toBe(2); // both stay registered until their final replies
    t.reply(lateReq);
    t.reply(interimReq, { status: 0xc0000120, asyncId: 9n });
    expect(pump.inFlight).toBe(0);
    expect(pump.credits.outstanding).toBe(0);
  });

  it("does not accumulate abort listeners on a signal shared by many requests", async () => {
    const { EventEmitter } = await import("node:events");
    const getEventListeners = EventEmitter.getEventListeners;
    const { t, pump } = await started();
    pump.credits.grant(100);
    const ac = new AbortController();
    const all = Array.from({ length: 50 }, () => pump.request({ command: READ, body, signal: ac.signal }));
    expect(getEventListeners(ac.signal, "abort").length).toBe(50);
    for (const r of t.sent) t.reply(r);
    await Promise.all(all);
    expect(getEventListeners(ac.signal, "abort").length).toBe(0);
  });

  it("aborts with AbortError through an AbortSignal", async () => {
    const { t, pump } = await started();
    const ac = new AbortController();
    const p = pump.request({ command: READ, body, signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(RequestAbortedError);
    expect(t.sent[1]!.header.command).toBe(Command.CANCEL);
    expect(t.sent[1]!.header.messageId).toBe(0n);
  });

  it("sends compounds 8-byte aligned with NextCommand and RELATED flags, splits compound replies", async () => {
    const { t, pump } = await started();
    pump.credits.grant(5);
    const p = pump.compound(
      [
        { command: Command.CREATE, body: [Buffer.alloc(57)] },
        { command: Command.QUERY_INFO, body: [Buffer.alloc(41)] },
        { command: Command.CLOSE, body: [Buffer.alloc(24)] },
      ],
      true,
    );
    const [c, q, cl] = t.sent as [Received, Received, Received];
    expect(c.header.nextCommand).toBe(128); // 64 + 57 -> 121 -> 128
    expect(q.header.flags & HeaderFlags.RELATED_OPERATIONS).toBeTruthy();
    expect(c.header.flags & HeaderFlags.RELATED_OPERATIONS).toBeFalsy();
    expect(cl.header.nextCommand).toBe(0);
    const r1 = replyBytes(c.header, { nextCommand: 80, body: Buffer.alloc(16) });
    const r2 = replyBytes(q.header, { nextCommand: 80, body: Buffer.alloc(16) });
    const r3 = replyBytes(cl.header, { status: 0xc0000034 });
    t.handlers!.onMessage(Buffer.concat([r1, r2, r3]));
    const res = await p;
    expect(res.map((r) => r.header.command)).toEqual([Command.CREATE, Command.QUERY_INFO, Command.CLOSE]);
    expect(res[2]!.status).toBe(0xc0000034);
  });

  it("drops the connection on a bad NextCommand and fails everything pending", async () => {
    const { t, pump } = await started();
    const p = pump.request({ command: READ, body });
    t.handlers!.onMessage(replyBytes(t.sent[0]!.header, { nextCommand: 13 }));
    await expect(p).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(pump.request({ command: READ, body })).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("fails pending requests at once when the connection drops", async () => {
    const { t, pump } = await started();
    const p = pump.request({ command: READ, body });
    t.drop();
    await expect(p).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("rejects a bad signature and an unsigned reply on a signing session", async () => {
    const { t, pump } = await started();
    pump.credits.grant(5);
    pump.setSessionSecurity(9n, {
      signingRequired: true,
      signer: { signInPlace: () => {}, verify: (segs) => segs[0]![48] === 0xaa },
    });
    const bad = pump.request({ command: READ, body, sessionId: 9n, sign: true });
    t.reply(t.sent[0]!, { flags: HeaderFlags.SIGNED });
    await expect(bad).rejects.toBeInstanceOf(SecurityCheckError);
    const unsigned = pump.request({ command: READ, body, sessionId: 9n, sign: true });
    t.reply(t.sent[1]!, {});
    await expect(unsigned).rejects.toThrow(/unsigned/);
    const good = pump.request({ command: READ, body, sessionId: 9n, sign: true });
    const r = replyBytes(t.sent[2]!.header, { flags: HeaderFlags.SIGNED });
    r[48] = 0xaa;
    t.handlers!.onMessage(r);
    expect((await good).verified).toBe(true);
  });

  it("routes unsolicited oplock breaks to the handler", async () => {
    const seen: number[] = [];
    const { t } = await started({ onUnsolicited: (m) => seen.push(m.header.command) });
    const fake = {
      ...(t.sent[0]?.header ?? {}),
      messageId: 0xffffffffffffffffn,
      command: Command.OPLOCK_BREAK,
    } as never;
    t.handlers!.onMessage(
      replyBytes({ creditCharge: 0, treeId: 0, sessionId: 0n, ...(fake as object) } as never, {}),
    );
    expect(seen).toEqual([Command.OPLOCK_BREAK]);
  });

  it("asks for credits with an ECHO when idle and the window is too small", async () => {
    const { t, pump } = await started();
    pump.multiCredit = true;
    const p = pump.request({ command: READ, body, expectedResponseSize: 8 * 65536 });
    expect(t.sent[0]!.header.command).toBe(Command.ECHO);
    expect(t.sent[0]!.header.credits).toBeGreaterThanOrEqual(8);
    t.reply(t.sent[0]!, { credits: 8, body: Buffer.from([4, 0, 0, 0]) });
    expect(t.sent[1]!.header.command).toBe(READ);
    t.reply(t.sent[1]!, { credits: 8 });
    await p;
  });
});
