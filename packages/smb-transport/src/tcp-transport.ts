/**
 * Direct TCP transport (MS-SMB2 2.1), port 445 by default.
 *
 * Receiving: the socket reads straight into memory the FrameReader picks (`onread`), so a large
 * message's payload lands in its final buffer without an intermediate copy, and those buffers come from
 * a per-connection pool (recycled by whoever consumes the message, see `recycleBuffer`).
 * Sending: a message's segments (header, payload views) go out in one corked writev, never copied.
 */
import { type Socket, connect as netConnect } from "node:net";
import { BufferPool } from "./buffer-pool.js";
import { ConnectionClosedError, RequestAbortedError, SmbTransportError } from "./errors.js";
import { FrameReader } from "./frame-reader.js";
import type { Transport, TransportHandlers } from "./transport.js";

/**
 * glibc's malloc serves blocks above its mmap threshold (128 KiB at start) with a fresh mmap, and gives
 * heap memory back to the kernel as soon as more than its trim threshold is free at the top. Streaming
 * churns through large short-lived allocations it cannot avoid (node:crypto allocates every update()
 * output, and V8 frees them in batches at GC), so each batch is mapped, page-faulted 4 KiB at a time,
 * zeroed and unmapped again. When a program frees an mmapped block of up to 32 MiB, glibc raises the
 * mmap threshold to that size and the trim threshold to twice it (its "dynamic threshold"): allocating
 * and dropping one such block at the first connection makes the rest of the process reuse heap memory
 * instead (measured here: ~0.2 s less CPU per GiB of AES-GCM reads, sys time halved). Process-wide but
 * benign (what glibc does by itself once any large buffer is freed); skipped when the environment tunes
 * malloc itself (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_) or sets
 * SMBJS_MALLOC_TUNING=0. No effect on other allocators.
 */
/** Once this many bytes are corked they are flushed at once rather than at the end of the tick (see send). */
const FLUSH_NOW = 1024 * 1024;
/** Leading segments are copied into the frame prefix's buffer while the total stays within this. */
const COALESCE_MAX = 512;

let allocatorPrimed = false;
function primeAllocator(): void {
  if (allocatorPrimed) return;
  allocatorPrimed = true;
  const env = process.env;
  if (
    env.SMBJS_MALLOC_TUNING === "0" ||
    env.MALLOC_MMAP_THRESHOLD_ !== undefined ||
    env.MALLOC_TRIM_THRESHOLD_ !== undefined ||
    env.MALLOC_TOP_PAD_ !== undefined
  ) {
    return;
  }
  // Just under DEFAULT_MMAP_THRESHOLD_MAX (32 MiB on 64-bit); never touched, so it costs no memory.
  Buffer.allocUnsafeSlow(31 * 1024 * 1024);
}

export interface TcpTransportOptions {
  /** Address to connect to (may differ from the server name used for SPNs). */
  host: string;
  port?: number;
  connectTimeoutMs?: number;
  /** TCP keep-alive probe delay; 0 disables. */
  keepAliveMs?: number;
}

export class TcpTransport implements Transport {
  readonly host: string;
  readonly port: number;
  private socket: Socket | undefined;
  private reader: FrameReader | undefined;
  private handlers: TransportHandlers | undefined;
  private closed = false;
  private maxMessage = 16 * 1024 * 1024;
  private readonly connectTimeoutMs: number;
  private readonly keepAliveMs: number;
  /** Receive buffers of large frames, reused once their consumer recycles them. */
  readonly pool = new BufferPool();

  constructor(opts: TcpTransportOptions) {
    this.host = opts.host;
    this.port = opts.port ?? 445;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.keepAliveMs = opts.keepAliveMs ?? 30_000;
  }

  get remote(): string {
    return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.closed;
  }

  connect(handlers: TransportHandlers, signal?: AbortSignal): Promise<void> {
    if (this.socket) return Promise.reject(new SmbTransportError("transport already used", "ERR_SMB_STATE"));
    this.handlers = handlers;
    primeAllocator();
    const reader = new FrameReader((m) => this.handlers!.onMessage(m), this.maxMessage, this.pool);
    this.reader = reader;
    return new Promise((resolve, reject) => {
      const socket = netConnect({
        host: this.host,
        port: this.port,
        noDelay: true,
        onread: {
          buffer: () => reader.readBuffer(),
          callback: (n: number, buf: Uint8Array) => {
            if (this.closed) return false;
            try {
              reader.onRead(n, buf as Buffer);
            } catch (err) {
              this.shutdown(err as Error);
              return false;
            }
            return true;
          },
        },
      });
      this.socket = socket;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        this.closed = true;
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          fail(
            new SmbTransportError(
              `connect to ${this.remote} timed out after ${this.connectTimeoutMs} ms`,
              "ERR_SMB_CONNECT_TIMEOUT",
            ),
          ),
        this.connectTimeoutMs,
      );
      const onAbort = () => fail(new RequestAbortedError("connect", { cause: signal?.reason }));
      const onError = (err: NodeJS.ErrnoException) =>
        fail(
          new SmbTransportError(
            `connect to ${this.remote} failed: ${err.message}`,
            err.code ?? "ERR_SMB_CONNECT",
            {
              cause: err,
            },
          ),
        );
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        socket.off("error", onError);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      socket.once("error", onError);
      socket.once("connect", () => {
        if (settled) return;
        settled = true;
        cleanup();
        if (this.keepAliveMs > 0) socket.setKeepAlive(true, this.keepAliveMs);
        this.attach(socket);
        resolve();
      });
    });
  }

  private attach(socket: Socket): void {
    const reader = this.reader!;
    socket.on("error", (err) => this.shutdown(new ConnectionClosedError(err.message, { cause: err })));
    socket.on("close", () => {
      const partial = reader.partialBytes;
      this.shutdown(
        new ConnectionClosedError(
          partial ? `peer closed mid-message (${partial} bytes received)` : "peer closed",
        ),
      );
    });
  }

  private shutdown(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    this.pool.clear();
    this.handlers?.onClose(error);
  }

  send(segments: readonly Uint8Array[]): void {
    const socket = this.socket;
    if (!socket || this.closed) throw new ConnectionClosedError("not connected");
    let length = 0;
    for (const s of segments) length += s.length;
    // Messages sent in the same tick (a window of READs, replies that each trigger the next request)
    // leave in one writev: on loopback a syscall costs tens of microseconds, a 64 KiB READ much less.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.flush);
    }
    // The frame prefix and the small segments before the payload (SMB2 header, request body: ~120
    // bytes for a READ or a 64 KiB WRITE) go out as one buffer: one socket.write, one iovec and one
    // Writable entry per message instead of three (16,384 messages per GiB on SMB 2.0.2).
    let head = 0;
    let headBytes = 4;
    while (head < segments.length && headBytes + segments[head]!.length <= COALESCE_MAX) {
      headBytes += segments[head]!.length;
      head++;
    }
    if (length > 0xffffff) throw new RangeError(`SMB2 frame of ${length} bytes is too large for direct TCP`);
    const first = Buffer.allocUnsafe(headBytes);
    first.writeUInt32BE(length, 0);
    for (let i = 0, at = 4; i < head; i++) {
      first.set(segments[i]!, at);
      at += segments[i]!.length;
    }
    socket.write(first);
    for (let i = head; i < segments.length; i++) socket.write(segments[i]!);
    // Large messages go out at once (with whatever small ones precede them): a burst of big signed or
    // encrypted WRITEs would otherwise wait for the last one to be sealed, leaving the server idle. Up
    // to FLUSH_NOW bytes share one writev (up to sixteen 64 KiB WRITEs of SMB 2.0.2: measured 10% less
    // transfer time per GiB than 256 KiB).
    this.corkedBytes += length;
    if (this.corkedBytes >= FLUSH_NOW) this.flush();
  }

  private corked = false;
  private corkedBytes = 0;
  private readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.corkedBytes = 0;
    this.socket?.uncork();
  };

  close(): void {
    this.shutdown(undefined);
  }

  setMaxMessageSize(bytes: number): void {
    this.maxMessage = bytes;
    if (this.reader) this.reader.maxFrameSize = bytes;
  }

  ref(): void {
    this.socket?.ref();
  }

  unref(): void {
    this.socket?.unref();
  }
}
