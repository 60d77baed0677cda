/**
 * The message pump: one per connection. A sender that assigns MessageIds within the credit window and
 * writes messages (signed, encrypted, compounded) to the transport; a receiver that decrypts, splits
 * compounds, verifies signatures and hands each reply to the request waiting on its MessageId.
 *
 * Interim STATUS_PENDING replies (MS-SMB2 3.2.5.1.5) record the AsyncId and never resolve the caller.
 * A request that times out or is aborted is cancelled on the wire (SMB2 CANCEL) and stays registered
 * until its final reply arrives, so the stream stays in sync and its credits are counted.
 */
import {
  asyncIdFields,
  asyncIdOf,
  Command,
  commandName,
  HEADER_SIZE,
  HeaderFlags,
  ntStatusName,
  ProtocolId,
  Smb2Header,
  type Smb2HeaderValue,
  TRANSFORM_HEADER_SIZE,
  TransformHeader,
  UNSOLICITED_MESSAGE_ID,
} from "smb-structures";
import { isPooled, recycleBuffer } from "./buffer-pool.js";
import { CreditWindow, creditChargeFor } from "./credit-window.js";
import { type Deadline, DeadlineList } from "./deadlines.js";
import {
  ConnectionClosedError,
  ProtocolError,
  RequestAbortedError,
  RequestTimeoutError,
  SecurityCheckError,
  SmbTransportError,
} from "./errors.js";
import { Fifo } from "./fifo.js";
import { log } from "./log.js";
import type { SessionSecurity } from "./security.js";
import type { Transport } from "./transport.js";

const STATUS_PENDING = 0x00000103;
const noop = (): void => {};
const ZERO_SIGNATURE = Buffer.alloc(16);
const PADDING = Buffer.alloc(8);
/** ECHO request body (MS-SMB2 2.2.28): StructureSize 4, Reserved. */
const ECHO_BODY = Buffer.from([4, 0, 0, 0]);

export interface RequestOptions {
  command: number;
  /** The encoded request body (after the 64-byte header), as segments. */
  body: readonly Uint8Array[];
  sessionId?: bigint;
  treeId?: number;
  /** Extra header flags: DFS_OPERATIONS, REPLAY_OPERATION, priority. */
  flags?: number;
  /** 3.x ChannelSequence (written into the Status field of the request). */
  channelSequence?: number;
  /** Bytes the reply may carry (READ length, QUERY output size): part of the CreditCharge. */
  expectedResponseSize?: number;
  /** Sign with the session's signer. */
  sign?: boolean;
  /** Encrypt with the session's cipher. */
  encrypt?: boolean;
  signal?: AbortSignal;
  /** Overrides the pump's default; 0 waits forever (CHANGE_NOTIFY). */
  timeoutMs?: number;
  /** Called with the AsyncId when the server answers STATUS_PENDING. */
  onInterim?: (asyncId: bigint) => void;
  /**
   * Called with the final reply of a request the caller gave up on (timeout, abort): lets the caller
   * undo what the server did anyway, e.g. close a handle a cancelled CREATE opened.
   */
  onLateReply?: (reply: SmbResponse) => void;
  /** Called with the message exactly as sent, before encryption (preauth integrity hash). */
  onSent?: (message: readonly Uint8Array[]) => void;
}

export interface SmbResponse {
  header: Smb2HeaderValue;
  status: number;
  /** The body after the 64-byte header, a view into the received buffer. */
  body: Buffer;
  /** The whole message (header + body), a view; what the preauth hash and late verification use. */
  message: Buffer;
  /** Arrived inside a transform header. */
  encrypted: boolean;
  /** Signature checked by the pump (false when the session had no signer yet, e.g. SESSION_SETUP). */
  verified: boolean;
  /**
   * Present when `message` is the only message in a pooled receive buffer: hands the memory back for
   * reuse by later replies. Optional (without it the buffer is garbage collected); after calling it,
   * `message`, `body` and every view decoded from them must no longer be read.
   */
  release?: () => void;
}

export interface MessagePumpOptions {
  /** Default per-request timeout (ms). */
  timeoutMs?: number;
  /** Credits the pump tries to hold. */
  creditTarget?: number;
  /** Send ECHO after this long without traffic (ms); 0 disables. */
  echoIntervalMs?: number;
  /** Unsolicited messages: oplock/lease break notifications (MessageId 0xFFFFFFFFFFFFFFFF). */
  onUnsolicited?: (msg: SmbResponse) => void;
  /** Called once when the connection is gone. */
  onClose?: (error: Error) => void;
  /** Keep the process alive while idle (default false: an idle connection is unref'd). */
  keepProcessAlive?: boolean;
}

/** A sent request awaiting its final reply. */
interface Pending {
  messageId: bigint;
  command: number;
  charge: number;
  sessionId: bigint;
  signed: boolean;
  encrypted: boolean;
  asyncId?: bigint;
  deadline?: Deadline;
  timeoutMs: number;
  /** The caller's request; undefined once the caller has given up (timeout/abort): the reply is consumed silently. */
  out?: Outgoing;
  /** Position of this request in `out` (compounds). */
  index: number;
  /** Our own ECHO (credit refill / keep-alive), which has no caller. */
  echo: boolean;
  opts: RequestOptions;
}

/**
 * One call of request() or compound(): queued until the credit window allows, then sent and settled
 * by its replies. Its promise's resolve/reject are kept here, not in closures per request.
 */
interface Outgoing {
  items: RequestOptions[];
  related: boolean;
  /** request(): resolve with the one reply, not an array. */
  single: boolean;
  /** CreditCharge of each request (fixed when queued), and their sum as the window counts it. */
  charges: number[];
  total: number;
  resolve: (r: SmbResponse | SmbResponse[]) => void;
  reject: (e: Error) => void;
  /** Settled (resolved or rejected): later outcomes are ignored. */
  done: boolean;
  cancelled: boolean;
  /** Compounds: replies by position, and how many are still missing. */
  results: SmbResponse[] | undefined;
  remaining: number;
  /** Set once sent: the registered requests. */
  entries: Pending[] | undefined;
  onAbort: (() => void) | undefined;
}

export class MessagePump {
  readonly credits: CreditWindow;
  /** CreditCharge is meaningful (SMB 2.1+ with large MTU); set after NEGOTIATE. */
  multiCredit = false;
  private readonly pending = new Map<bigint, Pending>();
  /** Request timeouts, behind one timer. */
  private readonly deadlines = new DeadlineList();
  private readonly queue = new Fifo<Outgoing>();
  private readonly sessions = new Map<bigint, SessionSecurity>();
  private closedError: Error | undefined;
  private readonly timeoutMs: number;
  private echoTimer: NodeJS.Timeout | undefined;
  private lastTraffic = Date.now();
  private echoInFlight = false;

  constructor(
    readonly transport: Transport,
    private readonly options: MessagePumpOptions = {},
  ) {
    this.credits = new CreditWindow(options.creditTarget ?? 512);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Connects the transport and starts receiving. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.transport.connect(
      {
        onMessage: (m) => this.receive(m),
        onClose: (e) => this.fail(e ?? new ConnectionClosedError("closed locally")),
      },
      signal,
    );
    const every = this.options.echoIntervalMs ?? 0;
    if (every > 0) {
      this.echoTimer = setInterval(() => this.keepAlive(every), Math.max(1000, every / 2));
      this.echoTimer.unref();
    }
    this.updateRef();
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** Registers (or replaces) the keys of a session; replies for it are then verified/decrypted. */
  setSessionSecurity(sessionId: bigint, security: SessionSecurity): void {
    this.sessions.set(sessionId, security);
  }

  removeSession(sessionId: bigint): void {
    this.sessions.delete(sessionId);
  }

  /** Requests in flight (sent, awaiting a final reply), including abandoned ones. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one request and resolves with its final reply (any status). */
  request(opts: RequestOptions): Promise<SmbResponse> {
    return this.send([opts], false, true) as Promise<SmbResponse>;
  }

  /**
   * Sends requests as one compound (MS-SMB2 3.2.4.1.4): each message 8-byte aligned, chained by
   * NextCommand, `related` marking all but the first as related operations. Resolves with the final
   * replies in request order.
   */
  compound(items: RequestOptions[], related: boolean): Promise<SmbResponse[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.send(items, related, false) as Promise<SmbResponse[]>;
  }

  /** Closes the transport; pending requests fail with ConnectionClosedError. */
  close(): void {
    this.transport.close();
    this.fail(new ConnectionClosedError("closed locally"));
  }

  private send(
    items: RequestOptions[],
    related: boolean,
    single: boolean,
  ): Promise<SmbResponse | SmbResponse[]> {
    if (this.closedError) return Promise.reject(this.closedError);
    const signal = items[0]!.signal;
    if (signal?.aborted) {
      return Promise.reject(
        new RequestAbortedError(commandName(items[0]!.command), { cause: signal.reason }),
      );
    }
    const charges = new Array<number>(items.length);
    let total = 0;
    for (let i = 0; i < items.length; i++) {
      const c = this.chargeOf(items[i]!);
      charges[i] = c;
      total += Math.max(1, c);
    }
    const out: Outgoing = {
      items,
      related,
      single,
      charges,
      total,
      resolve: noop,
      reject: noop,
      done: false,
      cancelled: false,
      results: undefined,
      remaining: items.length,
      entries: undefined,
      onAbort: undefined,
    };
    const promise = new Promise<SmbResponse | SmbResponse[]>((resolve, reject) => {
      out.resolve = resolve;
      out.reject = reject;
    });
    if (signal) {
      // One abort listener per request, removed when it settles (a long-lived signal shared by many
      // requests must not accumulate listeners). Queued: drop it; sent: cancel it on the wire.
      out.onAbort = () => {
        if (this.queue.remove(out)) {
          out.cancelled = true;
        } else if (out.entries) {
          for (const p of out.entries) this.abandon(p, true);
        }
        this.rejectOut(
          out,
          new RequestAbortedError(commandName(items[0]!.command), { cause: signal.reason }),
        );
      };
      signal.addEventListener("abort", out.onAbort, { once: true });
    }
    this.queue.push(out);
    this.drain();
    return promise;
  }

  private resolveOut(out: Outgoing, r: SmbResponse | SmbResponse[]): void {
    if (out.done) return;
    out.done = true;
    if (out.onAbort) out.items[0]!.signal!.removeEventListener("abort", out.onAbort);
    out.resolve(r);
  }

  private rejectOut(out: Outgoing, e: Error): void {
    if (out.done) return;
    out.done = true;
    if (out.onAbort) out.items[0]!.signal!.removeEventListener("abort", out.onAbort);
    out.reject(e);
  }

  /**
   * The outcome of request `p` for its caller: a reply completes a single request (or its slot of a
   * compound); an error fails the whole call and abandons the compound's other requests.
   */
  private settle(p: Pending, r: SmbResponse | Error, out = p.out): void {
    if (!out || out.done) return;
    if (r instanceof Error) {
      for (const other of out.entries!) if (other !== p) this.abandon(other, false);
      this.rejectOut(out, r);
      return;
    }
    if (out.single) {
      this.resolveOut(out, r);
      return;
    }
    out.results![p.index] = r;
    if (--out.remaining === 0) this.resolveOut(out, out.results!);
  }

  private chargeOf(o: RequestOptions): number {
    if (!this.multiCredit) return 1;
    let bytes = 0;
    for (const s of o.body) bytes += s.length;
    return creditChargeFor(Math.max(bytes, o.expectedResponseSize ?? 0));
  }

  /** Sends queued requests in order while the credit window allows. */
  private drain(): void {
    while (this.queue.length > 0 && !this.closedError) {
      const next = this.queue.peek()!;
      if (!this.credits.canSend(next.total)) {
        this.askForCredits(next.total);
        return;
      }
      this.queue.shift();
      try {
        this.transmit(next);
      } catch (err) {
        this.rejectOut(next, err as Error);
      }
    }
  }

  /**
   * Nothing in flight will bring credits back, yet the head of the queue needs more than we hold:
   * an ECHO asking for the difference refills the window (servers grant what is asked up to their max).
   */
  private askForCredits(needed: number): void {
    if (this.credits.outstanding > 0 || this.echoInFlight || this.credits.available < 1) {
      if (this.credits.outstanding === 0 && this.credits.available < 1 && !this.echoInFlight) {
        this.fail(new ProtocolError("server granted no credits: cannot send"));
      }
      return;
    }
    this.sendEcho(needed - this.credits.available + 1);
  }

  private sendEcho(creditRequest: number): void {
    this.echoInFlight = true;
    const messageId = this.credits.take(1);
    const header = this.header({ command: Command.ECHO, body: [] }, messageId, 1, creditRequest, 0, 0);
    this.pending.set(messageId, {
      messageId,
      command: Command.ECHO,
      charge: 1,
      sessionId: 0n,
      signed: false,
      encrypted: false,
      timeoutMs: 0,
      index: 0,
      echo: true,
      opts: { command: Command.ECHO, body: [] },
    });
    log("-> ECHO mid=%s credits-asked=%d", messageId, creditRequest);
    this.transport.send([header, ECHO_BODY]);
    this.touch();
  }

  private keepAlive(every: number): void {
    if (this.closedError || this.echoInFlight || Date.now() - this.lastTraffic < every) return;
    if (this.credits.available < 1) return;
    this.sendEcho(1);
  }

  private header(
    o: RequestOptions,
    messageId: bigint,
    charge: number,
    creditRequest: number,
    flags: number,
    nextCommand: number,
  ): Buffer {
    return Smb2Header.encode({
      creditCharge: this.multiCredit ? charge : 0,
      status: o.channelSequence ?? 0,
      command: o.command,
      credits: creditRequest,
      flags: flags | (o.flags ?? 0) | (o.sign ? HeaderFlags.SIGNED : 0),
      nextCommand,
      messageId,
      processId: 0xfeff,
      treeId: o.treeId ?? 0,
      sessionId: o.sessionId ?? 0n,
      signature: ZERO_SIGNATURE,
    });
  }

  private transmit(out: Outgoing): void {
    const { items } = out;
    const frame: Uint8Array[] = [];
    const entries: Pending[] = [];
    let encryptSession: bigint | undefined;
    for (let i = 0; i < items.length; i++) {
      const o = items[i]!;
      const last = i === items.length - 1;
      let bodyLen = 0;
      for (const s of o.body) bodyLen += s.length;
      const size = HEADER_SIZE + bodyLen;
      const pad = last ? 0 : (8 - (size % 8)) % 8;
      const charge = out.charges[i]!;
      const messageId = this.credits.take(charge);
      const flags = i > 0 && out.related ? HeaderFlags.RELATED_OPERATIONS : 0;
      const header = this.header(
        o,
        messageId,
        charge,
        this.credits.request(charge),
        flags,
        last ? 0 : size + pad,
      );
      const start = frame.length;
      frame.push(header);
      for (const s of o.body) frame.push(s);
      if (pad) frame.push(PADDING.subarray(0, pad));
      // This message's segments (a copy only when signing or onSent needs them on their own).
      const segments = start === 0 && last ? frame : frame.slice(start);
      const sessionId = o.sessionId ?? 0n;
      const security = this.sessions.get(sessionId);
      if (o.sign && !o.encrypt) {
        if (!security?.signer)
          throw new SecurityCheckError(`no signing key for session 0x${sessionId.toString(16)}`);
        security.signer.signInPlace(segments);
      }
      if (o.encrypt) {
        if (!security?.cipher)
          throw new SecurityCheckError(`no encryption key for session 0x${sessionId.toString(16)}`);
        if (encryptSession !== undefined && encryptSession !== sessionId) {
          throw new SmbTransportError("a compound can only be encrypted for one session", "ERR_SMB_STATE");
        }
        encryptSession = sessionId;
      }
      o.onSent?.(segments);
      entries.push({
        messageId,
        command: o.command,
        charge,
        sessionId,
        signed: !!o.sign,
        encrypted: !!o.encrypt,
        deadline: undefined,
        timeoutMs: o.timeoutMs ?? this.timeoutMs,
        out,
        index: i,
        echo: false,
        opts: o,
      });
      if (log.enabled)
        log(
          "-> %s mid=%s charge=%d sid=0x%s tid=%d%s",
          commandName(o.command),
          messageId,
          charge,
          sessionId.toString(16),
          o.treeId ?? 0,
          o.encrypt ? " encrypted" : o.sign ? " signed" : "",
        );
    }
    if (encryptSession !== undefined && items.some((o) => !o.encrypt)) {
      throw new SmbTransportError("a compound is encrypted whole or not at all", "ERR_SMB_STATE");
    }

    if (!out.single) out.results = new Array<SmbResponse>(items.length);
    for (const p of entries) {
      this.pending.set(p.messageId, p);
      this.arm(p);
    }
    out.entries = entries;
    const wire =
      encryptSession !== undefined
        ? this.sessions.get(encryptSession)!.cipher!.encrypt(frame, encryptSession)
        : frame;
    this.transport.send(wire);
    this.touch();
    this.updateRef();
  }

  /** Starts (or restarts, after an interim reply) the request's deadline. */
  private arm(p: Pending): void {
    if (p.timeoutMs <= 0 || !p.out) {
      this.disarm(p);
      return;
    }
    if (p.deadline) this.deadlines.restart(p.deadline, p.timeoutMs);
    else p.deadline = this.deadlines.add(p.timeoutMs, () => this.expire(p));
  }

  private disarm(p: Pending): void {
    if (p.deadline) this.deadlines.remove(p.deadline);
    p.deadline = undefined;
  }

  /** The request's deadline passed: CANCEL it and fail its caller with RequestTimeoutError. */
  private expire(p: Pending): void {
    p.deadline = undefined;
    const out = p.out;
    this.abandon(p, true);
    this.settle(p, new RequestTimeoutError(commandName(p.command), p.timeoutMs), out);
  }

  /** The caller no longer waits: keep the entry to consume the late reply, optionally CANCEL it. */
  private abandon(p: Pending, cancel: boolean): void {
    if (!p.out) return;
    p.out = undefined;
    this.disarm(p);
    if (cancel && this.pending.has(p.messageId) && !this.closedError) this.sendCancel(p);
  }

  /** MS-SMB2 3.2.4.24: CANCEL carries the target's MessageId (or AsyncId), consumes no credit. */
  private sendCancel(p: Pending): void {
    const async = p.asyncId !== undefined;
    const header = Smb2Header.encode({
      creditCharge: 0,
      status: 0,
      command: Command.CANCEL,
      credits: 0,
      flags: (async ? HeaderFlags.ASYNC_COMMAND : 0) | (p.signed && !p.encrypted ? HeaderFlags.SIGNED : 0),
      nextCommand: 0,
      messageId: p.messageId,
      ...(async ? asyncIdFields(p.asyncId!) : { processId: 0xfeff, treeId: p.opts.treeId ?? 0 }),
      sessionId: p.sessionId,
      signature: ZERO_SIGNATURE,
    });
    const body = Buffer.from([4, 0, 0, 0]); // MS-SMB2 2.2.30: StructureSize 4, Reserved
    const segments = [header, body];
    const security = this.sessions.get(p.sessionId);
    try {
      if (p.encrypted && security?.cipher) {
        this.transport.send(security.cipher.encrypt(segments, p.sessionId));
      } else {
        if (p.signed) security?.signer?.signInPlace(segments);
        this.transport.send(segments);
      }
      log("-> CANCEL mid=%s%s", p.messageId, async ? ` async=${p.asyncId}` : "");
    } catch (err) {
      log("CANCEL not sent: %s", (err as Error).message);
    }
  }

  private receive(message: Buffer): void {
    this.touch();
    try {
      if (message.length < 4) throw new ProtocolError(`message of ${message.length} bytes`);
      const proto = message.readUInt32LE(0);
      if (proto === ProtocolId.TRANSFORM) {
        const th = TransformHeader.decode(message);
        const security = this.sessions.get(th.sessionId);
        if (!security?.cipher) {
          throw new SecurityCheckError(
            `encrypted message for unknown session 0x${th.sessionId.toString(16)}`,
          );
        }
        let plain: Buffer;
        // The frame is ours: the cipher may decrypt in place, the plaintext overwriting the ciphertext
        // (no second buffer). Only for a consistent size (the cipher rejects the others).
        const size = th.originalMessageSize;
        const out =
          size === message.length - TRANSFORM_HEADER_SIZE
            ? message.subarray(TRANSFORM_HEADER_SIZE)
            : undefined;
        try {
          plain = security.cipher.decrypt(message, out);
        } catch (err) {
          throw new SecurityCheckError(`decryption failed: ${(err as Error).message}`, "ERR_SMB_DECRYPT");
        }
        // A plaintext in a buffer of the cipher's own leaves the frame unused: recycle it now.
        if (plain.buffer !== message.buffer) recycleBuffer(message);
        this.dispatchCompound(plain, true, th.sessionId);
      } else if (proto === ProtocolId.SMB2) {
        this.dispatchCompound(message, false, undefined);
      } else if (proto === ProtocolId.COMPRESSION) {
        throw new ProtocolError("compressed message received but compression was not negotiated");
      } else {
        throw new ProtocolError(`unknown protocol id 0x${proto.toString(16)}`);
      }
    } catch (err) {
      // A frame we cannot attribute to a request breaks the stream's integrity: drop the connection.
      this.transport.close();
      this.fail(
        err instanceof SmbTransportError ? err : new ProtocolError((err as Error).message, { cause: err }),
      );
      return;
    }
    this.drain();
    this.updateRef();
  }

  private dispatchCompound(buf: Buffer, encrypted: boolean, transformSession: bigint | undefined): void {
    let pos = 0;
    for (;;) {
      if (buf.length - pos < HEADER_SIZE) throw new ProtocolError("truncated SMB2 header");
      const header = Smb2Header.decode(buf, pos, pos + HEADER_SIZE);
      const next = header.nextCommand;
      if (next !== 0 && (next % 8 !== 0 || next < HEADER_SIZE || pos + next > buf.length)) {
        throw new ProtocolError(`bad NextCommand ${next} in compound reply`);
      }
      const end = next === 0 ? buf.length : pos + next;
      const single = pos === 0 && next === 0;
      this.dispatch(header, buf.subarray(pos, end), encrypted, transformSession, single && isPooled(buf));
      if (next === 0) return;
      pos = end;
    }
  }

  private dispatch(
    header: Smb2HeaderValue,
    message: Buffer,
    encrypted: boolean,
    transformSession: bigint | undefined,
    releasable: boolean,
  ): void {
    this.credits.grant(header.credits);
    const status = header.status;
    const r: SmbResponse = {
      header,
      status,
      body: message.subarray(HEADER_SIZE),
      message,
      encrypted,
      verified: false,
    };
    if (releasable) {
      // Once only: a second call after the memory went to a later reply would free that reply's buffer.
      let released = false;
      r.release = () => {
        if (released) return;
        released = true;
        recycleBuffer(message);
      };
    }
    if (header.messageId === UNSOLICITED_MESSAGE_ID) {
      log("<- %s unsolicited", commandName(header.command));
      if (header.command === Command.OPLOCK_BREAK) this.options.onUnsolicited?.(r);
      return;
    }
    const p = this.pending.get(header.messageId);
    if (!p) {
      log("<- %s mid=%s for no request: ignored", commandName(header.command), header.messageId);
      return;
    }
    const interim = status === STATUS_PENDING && (header.flags & HeaderFlags.ASYNC_COMMAND) !== 0;
    const problem = this.check(p, r, interim, transformSession);
    if (log.enabled)
      log(
        "<- %s mid=%s status=%s credits=+%d%s%s",
        commandName(header.command),
        header.messageId,
        ntStatusName(status),
        header.credits,
        interim ? " interim" : "",
        problem ? ` REJECTED: ${problem.message}` : "",
      );
    if (interim && !problem) {
      p.asyncId = asyncIdOf(header);
      p.opts.onInterim?.(p.asyncId);
      this.arm(p);
      return;
    }
    this.pending.delete(header.messageId);
    this.credits.settle(p.charge);
    this.disarm(p);
    if (p.echo) this.echoInFlight = false;
    else if (p.out) this.settle(p, problem ?? r);
    else if (!problem) p.opts.onLateReply?.(r);
  }

  /** MS-SMB2 3.2.5.1.3: signature rules; plus: a reply to an encrypted request must be encrypted. */
  private check(p: Pending, r: SmbResponse, interim: boolean, transformSession?: bigint): Error | undefined {
    const h = r.header;
    if (r.encrypted) {
      if (transformSession !== h.sessionId && h.sessionId !== 0n) {
        return new SecurityCheckError("transform header and SMB2 header name different sessions");
      }
      r.verified = true;
      return undefined;
    }
    if (p.encrypted && !interim)
      return new SecurityCheckError(`clear-text reply to an encrypted ${commandName(p.command)}`);
    const security = this.sessions.get(h.sessionId);
    if (h.flags & HeaderFlags.SIGNED) {
      if (!security?.signer) return undefined; // e.g. final SESSION_SETUP: the session verifies it
      if (!security.signer.verify([r.message])) {
        return new SecurityCheckError(
          `bad signature on ${commandName(h.command)} reply`,
          "ERR_SMB_BAD_SIGNATURE",
        );
      }
      r.verified = true;
      return undefined;
    }
    if (interim) return undefined;
    if ((p.signed || security?.signingRequired) && security?.signer) {
      return new SecurityCheckError(
        `unsigned ${commandName(h.command)} reply on a signing session`,
        "ERR_SMB_UNSIGNED",
      );
    }
    return undefined;
  }

  private fail(error: Error): void {
    if (this.closedError) return;
    this.closedError =
      error instanceof ConnectionClosedError
        ? error
        : new ConnectionClosedError(error.message, { cause: error });
    if (this.echoTimer) clearInterval(this.echoTimer);
    log("connection failed: %s", error.message);
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.deadlines.clear();
    for (const p of pending) {
      p.deadline = undefined;
      if (p.echo) this.echoInFlight = false;
      else this.settle(p, this.closedError);
    }
    const queued = this.queue.takeAll();
    for (const q of queued) this.rejectOut(q, this.closedError);
    this.options.onClose?.(this.closedError);
  }

  private touch(): void {
    this.lastTraffic = Date.now();
  }

  private updateRef(): void {
    if (this.options.keepProcessAlive || this.pending.size > 0 || this.queue.length > 0) this.transport.ref();
    else this.transport.unref();
  }
}
