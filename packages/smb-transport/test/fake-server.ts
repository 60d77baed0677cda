/** An in-memory Transport whose peer is a scripted SMB2 "server" (unit tests of the pump only). */
import { HeaderFlags, Smb2Header, type Smb2HeaderValue } from "smb-structures";
import type { Transport, TransportHandlers } from "../src/index.js";

export interface Received {
  header: Smb2HeaderValue;
  body: Buffer;
  raw: Buffer;
}

export class FakeTransport implements Transport {
  handlers: TransportHandlers | undefined;
  connected = false;
  readonly sent: Received[] = [];
  readonly frames: Buffer[] = [];
  remote = "fake:445";
  onRequest: (r: Received, t: FakeTransport) => void = () => {};

  async connect(h: TransportHandlers): Promise<void> {
    this.handlers = h;
    this.connected = true;
  }
  send(segments: readonly Uint8Array[]): void {
    const frame = Buffer.concat(segments);
    this.frames.push(frame);
    if (frame.readUInt32LE(0) !== 0x424d53fe) return; // encrypted frames: tests inspect `frames`
    let pos = 0;
    for (;;) {
      const header = Smb2Header.decode(frame, pos, pos + 64);
      const end = header.nextCommand ? pos + header.nextCommand : frame.length;
      const r = { header, body: frame.subarray(pos + 64, end), raw: frame.subarray(pos, end) };
      this.sent.push(r);
      this.onRequest(r, this);
      if (!header.nextCommand) break;
      pos = end;
    }
  }
  close(): void {
    if (!this.connected) return;
    this.connected = false;
    this.handlers?.onClose();
  }
  setMaxMessageSize(): void {}
  ref(): void {}
  unref(): void {}

  /** Delivers a reply for request `req`. */
  reply(
    req: Received,
    opts: { status?: number; credits?: number; body?: Buffer; asyncId?: bigint; flags?: number } = {},
  ) {
    this.handlers!.onMessage(replyBytes(req.header, opts));
  }
  drop(err = new Error("reset")): void {
    this.connected = false;
    this.handlers?.onClose(err);
  }
}

export function replyBytes(
  req: Smb2HeaderValue,
  opts: {
    status?: number;
    credits?: number;
    body?: Buffer;
    asyncId?: bigint;
    flags?: number;
    nextCommand?: number;
  },
): Buffer {
  const async = opts.asyncId !== undefined;
  const header = Smb2Header.encode({
    creditCharge: req.creditCharge,
    status: opts.status ?? 0,
    command: req.command,
    credits: opts.credits ?? 1,
    flags: HeaderFlags.SERVER_TO_REDIR | (async ? HeaderFlags.ASYNC_COMMAND : 0) | (opts.flags ?? 0),
    nextCommand: opts.nextCommand ?? 0,
    messageId: req.messageId,
    processId: async ? Number(opts.asyncId! & 0xffffffffn) : 0,
    treeId: async ? Number(opts.asyncId! >> 32n) : req.treeId,
    sessionId: req.sessionId,
    signature: Buffer.alloc(16),
  });
  return Buffer.concat([header, opts.body ?? Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0])]);
}
