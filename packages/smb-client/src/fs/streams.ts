/**
 * createReadStream / createWriteStream. Reads keep a window of READ requests in flight
 * (transfer.ts pipelinedRead) and stop pulling from the server while the stream's buffer is full;
 * writes are copied into WRITE-sized blocks (the producer may reuse its buffer after the callback) that
 * feed transfer.ts pipelinedWriteFrom, which takes the next block only when a WRITE slot is free, so
 * memory stays bounded (window x chunk + a few blocks + highWaterMark) whatever the file size; the transfer
 * hands each block back once its WRITE is confirmed, to be refilled (no garbage per byte). Streams hold durable
 * handles (unless `durable` is false): a dropped connection is recovered from (durable.ts) and only a
 * handle that cannot be reclaimed fails the stream.
 */
import { Readable, type ReadableOptions, Writable, type WritableOptions } from "node:stream";
import { CreateOptions as CreateOptionBits } from "smb-structures";
import { pipelinedRead, pipelinedWriteFrom, type TransferOptions, transferSizing } from "../transfer.js";
import type { ClientCore } from "./core.js";
import { DurableHandle } from "./durable.js";
import { abortError, invalidArg, toFsError } from "./errors.js";
import { BlockPacker } from "./owned-blocks.js";
import { flagToCreate } from "./read-write.js";
import type { CallOptions } from "./types.js";

const DEFAULT_HWM = 1024 * 1024;

/** What a stream opens: a path through the client, or an already open handle. */
export interface StreamSource {
  core: ClientCore;
  path: string;
  /** An open handle to use instead of opening `path` (not closed unless autoClose). */
  handle?: DurableHandle;
}

export interface ReadStreamOptions extends CallOptions {
  /** First byte (default 0). */
  start?: number;
  /** Last byte, inclusive (default: end of file). */
  end?: number;
  highWaterMark?: number;
  encoding?: BufferEncoding;
  flags?: string;
  /** Close the handle at the end (default true). */
  autoClose?: boolean;
  /** Bytes per READ and READs in flight (default: the client's / transfer.ts defaults). */
  chunkSize?: number;
  window?: number;
}

export interface WriteStreamOptions extends CallOptions {
  /** "w" (default), "wx", "a", "r+" ... */
  flags?: string;
  /** Byte offset to start writing at (default 0, or the end of file with "a"). */
  start?: number;
  highWaterMark?: number;
  encoding?: BufferEncoding;
  /** FLUSH before closing. */
  flush?: boolean;
  autoClose?: boolean;
  chunkSize?: number;
  window?: number;
}

/**
 * Request size of streams when neither the stream nor the client sets one: 1 MiB. WRITEs: measured here
 * 1.5-3x faster than the 2 MiB transfer default for stream-shaped input (pieces of 64 KiB to 2 MiB that
 * pipelinedWriteFrom must glue into requests); READs: 1 MiB receive buffers instead of 4 MiB ones.
 */
const STREAM_CHUNK = 1024 * 1024;
/**
 * Bytes in flight for streams with the default request sizes: 4 MiB (4 x 1 MiB, or more requests when
 * the server's maximum is smaller: 64 KiB on SMB 2.0.2). Write streams, against 16 MiB (the transfer
 * default): the same wall time (1 GiB from a producer of fresh 1 MiB pieces, 4 alternating runs: median
 * 862 vs 897 ms) and 27 MiB less peak RSS (117 vs 144 MiB): every block in flight when V8 scavenges drags
 * the producer's pieces it came from into the old generation.
 */
const STREAM_IN_FLIGHT = 4 * 1024 * 1024;
/** Requests in flight for STREAM_IN_FLIGHT bytes of `chunk`-byte requests (at most `cap`). @internal */
export function streamWindow(chunk: number, max: number, cap: number): number {
  return Math.min(cap, Math.max(2, Math.ceil(STREAM_IN_FLIGHT / Math.min(chunk, max))));
}

/** Full blocks a write stream queues before it holds the producer's callback (WriteQueue). */
const WRITE_QUEUE_DEPTH = 2;

/**
 * The transfer options of a stream: the stream's, else the client's, else STREAM_CHUNK requests with
 * STREAM_IN_FLIGHT bytes in flight. Read streams copy each READ's data into chunks the consumer owns and
 * give the receive buffer back at once (`reuseBuffers`). Handing out the receive buffers themselves made
 * every READ a fresh 1-4 MiB allocation: the ones in flight when V8 scavenges are promoted and wait for
 * a full GC, and a 1 GiB stream peaked at 250-360 MiB RSS; with the copy (and 4 x 1 MiB in flight) the
 * only per-byte garbage is the consumer's chunks.
 */
function transferOpts(
  core: ClientCore,
  handle: DurableHandle,
  o: { chunkSize?: number; window?: number },
  signal: AbortSignal,
  direction: "read" | "write",
): TransferOptions {
  const t = handle.transfer(core.transfer(signal));
  if (o.chunkSize) t.chunkSize = o.chunkSize;
  else if (t.chunkSize === undefined) {
    const neg = handle.open.connection.negotiated;
    t.chunkSize = STREAM_CHUNK;
    t.window ??=
      direction === "read"
        ? streamWindow(STREAM_CHUNK, neg.maxReadSize, 16)
        : streamWindow(STREAM_CHUNK, neg.maxWriteSize, 64);
  }
  if (o.window) t.window = o.window;
  if (direction === "read") t.reuseBuffers = true;
  return t;
}

/**
 * Aborts `ac` (then calls `then`) when `signal` does; returns the cleanup that removes the listener, which
 * _destroy calls: a long-lived signal shared by many streams must not keep every finished one alive.
 */
function follow(signal: AbortSignal | undefined, ac: AbortController, then?: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    ac.abort(signal.reason);
    return () => {};
  }
  const on = () => {
    ac.abort(signal.reason);
    then?.();
  };
  signal.addEventListener("abort", on, { once: true });
  return () => signal.removeEventListener("abort", on);
}

function checkStart<T extends { start?: number }>(opts: T): T {
  if (opts.start !== undefined && (!Number.isSafeInteger(opts.start) || opts.start < 0)) {
    throw invalidArg(`invalid start: ${opts.start}`);
  }
  return opts;
}

function checkRange<T extends { start?: number; end?: number }>(opts: T): T {
  checkStart(opts);
  if (opts.end !== undefined && opts.end < (opts.start ?? 0)) {
    throw invalidArg(`end (${opts.end}) is before start (${opts.start})`);
  }
  return opts;
}

/** Most and fewest bytes per pushed chunk (the copy the consumer owns), whatever the highWaterMark. */
const MAX_PIECE = 1024 * 1024;
const MIN_PIECE = 64 * 1024;

export class SmbReadStream extends Readable {
  /** The path as given. */
  readonly path: string;
  bytesRead = 0;
  /** True until the file is open. */
  pending = true;
  private handle: DurableHandle | undefined;
  private readonly ownsHandle: boolean;
  private readonly ac = new AbortController();
  // A no-op until the constructor links the signal: _destroy also runs when the constructor threw.
  private unfollow: () => void = () => {};
  private wake: (() => void) | undefined;
  private started = false;
  /** The transfer behind the stream, once started: settles when it ends, whatever ended it. @internal */
  transfer: Promise<unknown> | undefined;
  private readonly start: number;
  private readonly end: number;
  /** Bytes per pushed chunk: the highWaterMark, within MIN_PIECE..MAX_PIECE. */
  private readonly piece: number;

  constructor(
    private readonly src: StreamSource,
    private readonly opts: ReadStreamOptions = {},
  ) {
    // Validate before super(): once the stream exists Node schedules _construct, which would connect.
    super({
      highWaterMark: checkRange(opts).highWaterMark ?? DEFAULT_HWM,
      encoding: opts.encoding,
      autoDestroy: true,
      emitClose: true,
    } satisfies ReadableOptions);
    this.path = src.path;
    this.handle = src.handle;
    this.ownsHandle = !src.handle || opts.autoClose !== false;
    this.start = opts.start ?? 0;
    this.end = opts.end ?? Number.POSITIVE_INFINITY;
    this.piece = Math.min(MAX_PIECE, Math.max(MIN_PIECE, this.readableHighWaterMark));
    this.unfollow = follow(opts.signal, this.ac, () => this.destroy(abortError(opts.signal)));
  }

  override _construct(callback: (err?: Error | null) => void): void {
    if (this.handle) {
      this.pending = false;
      callback();
      return;
    }
    const f = flagToCreate(this.opts.flags ?? "r");
    this.src.core
      .run(this.src.path, { ...this.opts, signal: this.ac.signal }, "open", (t) =>
        DurableHandle.open(t, t.path.path, {
          desiredAccess: f.desiredAccess,
          disposition: f.disposition,
          createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
        }),
      )
      .then(
        (handle) => {
          this.handle = handle;
          this.pending = false;
          this.emit("open", 0);
          this.emit("ready");
          callback();
        },
        (err) => callback(err),
      );
  }

  override _read(): void {
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w();
    }
    if (this.started) return;
    this.started = true;
    const handle = this.handle!;
    const open = handle.open;
    const size = Number(open.info.endOfFile);
    const last = Math.min(this.end + 1, size);
    const length = Math.max(0, last - this.start);
    this.transfer = pipelinedRead(
      open,
      this.start,
      length,
      async (data) => {
        if (this.destroyed) throw abortError(this.ac.signal);
        this.bytesRead += data.length;
        // The consumer owns what is pushed, for as long as it likes: a copy, so that the reply's receive
        // buffer goes back to the pool (see transferOpts). A piece at a time, each waiting for room
        // in the stream's buffer: the buffer never holds more than highWaterMark plus one piece.
        for (let o = 0; o < data.length; o += this.piece) {
          if (this.destroyed) throw abortError(this.ac.signal);
          const n = Math.min(this.piece, data.length - o);
          const copy = Buffer.allocUnsafeSlow(n);
          data.copy(copy, 0, o, o + n);
          // Not after destroy() (from a 'data' handler inside push()): _destroy has run, nothing would wake
          // us; the next piece, or the next READ, throws.
          if (!this.push(copy) && !this.destroyed) await new Promise<void>((r) => (this.wake = r));
        }
      },
      transferOpts(this.src.core, handle, this.opts, this.ac.signal, "read"),
    ).then(
      () => {
        if (!this.destroyed) this.push(null);
      },
      (err) => {
        if (!this.destroyed) this.destroy(toFsError(err, { syscall: "read", path: this.path }) as Error);
      },
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.unfollow();
    if (!this.ac.signal.aborted) this.ac.abort(err ?? undefined);
    const w = this.wake;
    this.wake = undefined;
    w?.();
    const h = this.handle;
    if (h && this.ownsHandle && !h.open.closed) {
      h.close().then(
        () => callback(err),
        () => callback(err),
      );
    } else callback(err);
  }

  /** Closes the stream (fs.ReadStream#close). */
  close(callback?: (err?: Error | null) => void): void {
    if (callback) this.once("close", () => callback());
    this.destroy();
  }
}

/**
 * Between Writable callbacks and pipelinedWriteFrom's pull loop. Node's Writable contract lets the
 * producer reuse its buffer once the write callback ran, but a WRITE (and its replay after a durable
 * reclaim) needs the bytes until the server confirmed them: so chunks are copied into WRITE-sized blocks
 * that only the transfer holds. The callback runs at once while at most `maxQueued` full blocks wait to
 * be pulled, and otherwise when the transfer pulls one (backpressure: memory stays bounded by
 * window x chunk + (maxQueued + 1) blocks). Blocks the transfer is done with come back through
 * `recycle` (its onChunkDone) and are refilled instead of allocating new ones: without that, every byte
 * written is garbage until V8's next GC, and peak RSS grows with the write rate.
 */
export class WriteQueue implements AsyncIterable<Uint8Array> {
  private blocks: Buffer[] = [];
  private readonly packer: BlockPacker;
  private ended = false;
  private waiter: (() => void) | undefined;
  private held: (() => void) | undefined;
  /** Blocks given back by `recycle`, refilled before any new one is allocated. */
  private readonly free: Buffer[] = [];
  /** The most blocks ever alive at once: `window` in flight, `maxQueued` + 1 queued, one filling. */
  private readonly maxFree: number;
  /** Blocks allocated so far (a measure of the garbage made). */
  allocated = 0;

  constructor(
    private readonly blockSize: number,
    private readonly maxQueued = 2,
    window = 0,
  ) {
    this.maxFree = window + maxQueued + 1;
    this.packer = new BlockPacker(blockSize, () => this.take());
  }

  /** Blocks waiting in the free list. */
  get freeBlocks(): number {
    return this.free.length;
  }

  /**
   * pipelinedWriteFrom's onChunkDone: `block` (one this queue yielded) is no longer referenced by the
   * transfer, so it can be refilled. A partial last block is not kept, nor more than the bound.
   */
  readonly recycle = (block: Uint8Array): void => {
    if (this.ended || block.length !== this.blockSize || this.free.length >= this.maxFree) return;
    if (!Buffer.isBuffer(block) || this.free.includes(block)) return;
    this.free.push(block);
  };

  private take(): Buffer {
    const b = this.free.pop();
    if (b) return b;
    this.allocated++;
    return Buffer.allocUnsafe(this.blockSize);
  }

  /** Copies `chunk`; `done` runs when the producer may write more (and reuse `chunk`). */
  push(chunk: Uint8Array, done: () => void): void {
    this.packer.add(chunk, this.queueBlock);
    this.kick();
    if (this.blocks.length <= this.maxQueued) done();
    else this.held = done;
  }

  private readonly queueBlock = (block: Buffer): void => {
    this.blocks.push(block);
  };

  /** No more chunks: the partly filled block goes out as the last one. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const last = this.packer.finish();
    if (last) this.blocks.push(last);
    this.free.length = 0;
    this.kick();
  }

  private kick(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const block = this.blocks.shift();
      if (block) {
        if (this.held && this.blocks.length <= this.maxQueued) {
          const d = this.held;
          this.held = undefined;
          d();
        }
        yield block;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => {
        this.waiter = r;
      });
    }
  }
}

export class SmbWriteStream extends Writable {
  readonly path: string;
  bytesWritten = 0;
  pending = true;
  private handle: DurableHandle | undefined;
  private readonly ownsHandle: boolean;
  private readonly ac = new AbortController();
  // A no-op until the constructor links the signal: _destroy also runs when the constructor threw.
  private unfollow: () => void = () => {};
  private queue: WriteQueue | undefined;
  private pump: Promise<number> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly src: StreamSource,
    private readonly opts: WriteStreamOptions = {},
  ) {
    super({
      highWaterMark: checkStart(opts).highWaterMark ?? DEFAULT_HWM,
      decodeStrings: true,
      defaultEncoding: opts.encoding ?? "utf8",
      autoDestroy: true,
      emitClose: true,
    } satisfies WritableOptions);
    this.path = src.path;
    this.handle = src.handle;
    this.ownsHandle = !src.handle || opts.autoClose !== false;
    this.unfollow = follow(opts.signal, this.ac, () => this.destroy(abortError(opts.signal)));
  }

  override _construct(callback: (err?: Error | null) => void): void {
    const f = flagToCreate(this.opts.flags ?? "w");
    const ready = (handle: DurableHandle) => {
      this.handle = handle;
      this.pending = false;
      const at = this.opts.start ?? (f.append ? Number(handle.open.info.endOfFile) : 0);
      const t = transferOpts(this.src.core, handle, this.opts, this.ac.signal, "write");
      const { chunk, window } = transferSizing(handle.open, "write", t);
      this.queue = new WriteQueue(chunk, WRITE_QUEUE_DEPTH, window);
      this.pump = pipelinedWriteFrom(handle.open, this.queue, at, { ...t, onChunkDone: this.queue.recycle });
      this.pump.catch((err) => {
        this.failure = toFsError(err, { syscall: "write", path: this.path }) as Error;
        if (!this.destroyed && !this.writableFinished) this.destroy(this.failure);
      });
    };
    if (this.handle) {
      ready(this.handle);
      callback();
      return;
    }
    this.src.core
      .run(this.src.path, { ...this.opts, signal: this.ac.signal }, "open", (t) =>
        DurableHandle.open(t, t.path.path, {
          desiredAccess: f.desiredAccess,
          disposition: f.disposition,
          createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
        }),
      )
      .then(
        (handle) => {
          ready(handle);
          this.emit("open", 0);
          this.emit("ready");
          callback();
        },
        (err) => callback(err),
      );
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.failure) {
      callback(this.failure);
      return;
    }
    this.queue!.push(chunk, () => {
      this.bytesWritten += chunk.length;
      callback();
    });
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.queue!.end();
    this.pump!.then(async () => {
      const h = this.handle!;
      if (this.opts.flush) {
        const signal = this.ac.signal;
        await h.retry((replay) => h.open.flush({ signal, replay }), signal);
      }
      if (this.ownsHandle) await h.close();
    }).then(
      () => callback(),
      (err) => callback(toFsError(err, { syscall: "write", path: this.path }) as Error),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.unfollow();
    this.queue?.end();
    if (err && !this.ac.signal.aborted) this.ac.abort(err);
    const h = this.handle;
    const closeIt = async () => {
      if (this.pump) await this.pump.catch(() => {});
      if (h && this.ownsHandle && !h.open.closed) await h.close().catch(() => {});
    };
    closeIt().then(() => callback(err));
  }

  close(callback?: (err?: Error | null) => void): void {
    if (callback) this.once("close", () => callback());
    this.end();
  }
}
