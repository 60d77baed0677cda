/**
 * Pipelined transfers: many READ/WRITE requests in flight at once on one Open, sized from the
 * negotiated maximums and bounded by a window, so throughput is not one round trip per chunk and
 * memory stays bounded (window x chunk) whatever the file size. Data is delivered in file order.
 */
import { setMaxListeners } from "node:events";
import { Command, NtStatus, ReadRequest, ReadResponse } from "smb-structures";
import { creditChargeFor, Fifo } from "smb-transport";
import { type Open, READ_ACCEPT } from "./open.js";

export interface TransferOptions {
  /**
   * Bytes per request (default min(maxReadSize/maxWriteSize, 4 MiB), or 1 MiB when the requests are
   * encrypted with AES-CCM or signed with AES-CMAC or HMAC-SHA256; see transferSizing).
   */
  chunkSize?: number;
  /**
   * Requests in flight (default: 16 MiB worth of chunks, 2..64 of them, and no more than the
   * connection's credit target allows).
   */
  window?: number;
  signal?: AbortSignal;
  /**
   * pipelinedRead only: the chunk given to `onData` is valid only until `onData` returns (or the
   * promise it returns settles); its memory is then reused for later replies. Copy what you keep.
   * Streaming into a file, a socket or a hash this way allocates nothing per chunk: less CPU, less
   * memory. Default false: every chunk is a buffer of its own.
   */
  reuseBuffers?: boolean;
  /**
   * Runs each READ or WRITE request, and may run it again: the high-level API passes the recovery of
   * its durable handles here, so a request whose reply was lost with a dropped connection is re-sent
   * (`replay` true) once the handle is reclaimed. Without it every request runs once.
   */
  retry?: RequestRetry;
  /**
   * pipelinedWriteFrom only: called with each chunk the source yielded (the same object) once no WRITE
   * needs it any more: every WRITE cut from it was confirmed by the server (after replays, if any) and
   * none of its bytes wait to be cut. Called once per chunk, in no particular order; a source that
   * recycles its buffers may refill the chunk from then on. Never called for a chunk any of whose WRITEs
   * failed, nor for chunks still unsent when the transfer fails: those may still be referenced.
   */
  onChunkDone?: (chunk: Uint8Array) => void;
}

/** Runs `attempt` (first with `replay` false) until it succeeds or the failure is final. */
export type RequestRetry = <T>(attempt: (replay: boolean) => Promise<T>, signal?: AbortSignal) => Promise<T>;

const once: RequestRetry = (attempt) => attempt(false);

/**
 * Defaults measured against Samba on loopback (tools/bench, 1 GiB, 2 cores):
 * - 4 MiB requests make per-message costs (headers, crypto setup, promise turns, syscalls) negligible:
 *   unsigned, AES-GCM and AES-GMAC transfers used the least client CPU at 4 MiB, for the same or better
 *   wall time than 1-2 MiB.
 * - When every byte costs the two ends much more than the network does -- AES-CCM (one serial AES-CBC
 *   pass plus CTR), AES-CMAC, HMAC-SHA256 -- a reply can only be checked once it has fully arrived and a
 *   request only sent once fully sealed, so smaller messages let the server seal request k+1 while the
 *   client checks request k: 1 MiB requests cut the wall time of CCM reads by a third (2.65 -> 1.8 s),
 *   of CMAC reads and HMAC writes by ~10%.
 * - 16 MiB in flight fills the pipe yet bounds memory (pooled receive buffers, ciphertext). Small
 *   maximums (SMB 2.0.2: 64 KiB) get a deeper window: up to 64 WRITEs, but at most 16 READs. Every
 *   request in flight when V8 scavenges is promoted to the old generation with what it references, so a
 *   deep window turns per-request objects into old garbage: SMB 2.0.2 reads (64 KiB) with 16 in flight
 *   instead of 64 took 15% less client CPU, 71 instead of 103 MiB peak RSS and no more wall time
 *   (/tmp A/B, 6 alternating runs each); writes were 9% slower at 16, so they keep 64.
 * - 8 MiB in flight when node:crypto produces an output buffer per byte sealed or checked (encryption,
 *   AES-CMAC signing): those outputs are freed only by the next GC, so peak memory is the window plus
 *   the garbage made between GCs; halving the window cut peak RSS by 15-25 MiB on 1 GiB transfers
 *   (AES-GCM read 116 -> 100 MiB, AES-CMAC read 133 -> 106 MiB) for the same wall time.
 */
const DEFAULT_CHUNK = 4 * 1024 * 1024;
const SLOW_CRYPTO_CHUNK = 1024 * 1024;
const IN_FLIGHT_BYTES = 16 * 1024 * 1024;
const IN_FLIGHT_BYTES_CRYPTO = 8 * 1024 * 1024;
const MIN_WINDOW = 2;
const MAX_WINDOW = 64;
const MAX_READ_WINDOW = 16;

/** The default request size for transfers on `open`: smaller when its requests carry slow crypto. */
function defaultChunk(open: Open): number {
  const tree = open.tree;
  const session = tree.session;
  const neg = open.connection.negotiated;
  if (tree.encryptData || session.encryptData) {
    return neg.cipher === "AES-128-CCM" || neg.cipher === "AES-256-CCM" ? SLOW_CRYPTO_CHUNK : DEFAULT_CHUNK;
  }
  if (session.signingRequired && neg.signingAlgorithm !== "AES-128-GMAC") return SLOW_CRYPTO_CHUNK;
  return DEFAULT_CHUNK;
}

/** True when the requests of `open` are encrypted or AES-CMAC signed (an output buffer per byte). */
function cryptoOutputs(open: Open): boolean {
  const tree = open.tree;
  const session = tree.session;
  if (tree.encryptData || session.encryptData) return true;
  return session.signingRequired && open.connection.negotiated.signingAlgorithm === "AES-128-CMAC";
}

/**
 * The request size and window (requests in flight) pipelinedRead ("read") or pipelinedWriteFrom
 * ("write") use on `open` for these options: for callers that size their own buffers to match (a
 * source that recycles its buffers must hold at least window + 1 chunks).
 */
export function transferSizing(
  open: Open,
  direction: "read" | "write",
  opts: Pick<TransferOptions, "chunkSize" | "window"> = {},
): { chunk: number; window: number } {
  const neg = open.connection.negotiated;
  return direction === "read"
    ? sizing(open, neg.maxReadSize, opts, MAX_READ_WINDOW)
    : sizing(open, neg.maxWriteSize, opts, MAX_WINDOW);
}

/**
 * Requests a wide window (16 or more: small requests, e.g. SMB 2.0.2's 64 KiB) refills in batches of
 * window/8: the batch leaves in one writev and reaches the server in one read, instead of a system call
 * on each side per request, while 7/8 of the window stays in flight.
 */
function refillBatch(window: number): number {
  return window >= 16 ? Math.floor(window / 8) : 1;
}

/** Request size and window for a transfer on `open` whose requests may carry at most `max` bytes. */
function sizing(
  open: Open,
  max: number,
  opts: TransferOptions,
  maxWindow: number,
): { chunk: number; window: number } {
  const chunk = Math.max(1, Math.min(opts.chunkSize ?? defaultChunk(open), max));
  if (opts.window !== undefined) return { chunk, window: Math.max(1, opts.window) };
  const inFlight = cryptoOutputs(open) ? IN_FLIGHT_BYTES_CRYPTO : IN_FLIGHT_BYTES;
  let window = Math.min(maxWindow, Math.max(MIN_WINDOW, Math.floor(inFlight / chunk)));
  // Wider than the credits the pump aims to hold, requests would only wait in its queue.
  const pump = open.connection.pump;
  const charge = pump.multiCredit ? creditChargeFor(chunk) : 1;
  window = Math.min(window, Math.max(1, Math.floor(pump.credits.target / charge)));
  return { chunk, window };
}

/**
 * The signal the requests of one transfer share: the caller's signal gets one listener per transfer
 * (removed by `done`), not one per request in flight -- a window of more than 10 would set off Node's
 * "possible EventTarget memory leak" warning on every large transfer.
 */
function transferSignal(signal: AbortSignal | undefined): { signal?: AbortSignal; done: () => void } {
  if (!signal) return { done: () => {} };
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // ours: one listener per request of the window
  if (signal.aborted) {
    ac.abort(signal.reason);
    return { signal: ac.signal, done: () => {} };
  }
  const on = () => ac.abort(signal.reason);
  signal.addEventListener("abort", on, { once: true });
  return { signal: ac.signal, done: () => signal.removeEventListener("abort", on) };
}

/**
 * Reads [offset, offset+length) (or to end of file when length is undefined and `size` is known) and
 * calls `onData` with each chunk in order. A short read ends the transfer at end of file. Resolves with
 * the bytes delivered.
 */
export async function pipelinedRead(
  open: Open,
  offset: number,
  length: number,
  onData: (chunk: Buffer, offset: number) => void | Promise<void>,
  opts: TransferOptions = {},
): Promise<number> {
  const shared = transferSignal(opts.signal);
  try {
    return await readWindow(open, offset, length, onData, { ...opts, signal: shared.signal });
  } finally {
    shared.done();
  }
}

/** pipelinedRead's loop: keeps a window of READs in flight and delivers them in order. */
async function readWindow(
  open: Open,
  offset: number,
  length: number,
  onData: (chunk: Buffer, offset: number) => void | Promise<void>,
  opts: TransferOptions,
): Promise<number> {
  const { chunk, window } = sizing(open, open.connection.negotiated.maxReadSize, opts, MAX_READ_WINDOW);
  const refill = refillBatch(window);
  const end = offset + length;
  const reuse = !!opts.reuseBuffers;
  const retry = opts.retry ?? once;
  const signal = opts.signal;
  // Issued and not yet delivered, in file order. A Fifo, not an array with shift(): see Fifo.
  const inflight = new Fifo<Promise<Chunk>>();
  // Replies come back out of order (Samba completes READs on a thread pool: 6% of 64 KiB READs, a
  // quarter of 4 MiB ones, measured here), so the window counts requests the server has not answered
  // yet, refilled as any of them is answered; those answered ahead of the oldest wait for it, up to
  // `ahead` requests issued and not yet delivered. SMB 3.1.1, 4 MiB x 4, 12 alternating runs: 458 ms
  // per GiB against 516 when refilling only as the oldest is delivered; 2x the window instead of 1.5x
  // kept more per-request objects alive across GCs on 64 KiB READs (97 instead of 71 MiB peak RSS).
  const ahead = window + Math.ceil(window / 2);
  let atServer = 0;
  let undelivered = 0;
  let next = offset;
  let delivered = 0;
  let eof = false;
  const answered = () => {
    atServer--;
    if (window - atServer >= refill) issue();
  };
  const issue = () => {
    while (!eof && atServer < window && undelivered < ahead && next < end) {
      const n = Math.min(chunk, end - next);
      const at = next;
      const p = retry(
        (replay) =>
          reuse
            ? readLeased(open, at, n, signal, replay)
            : open.read(at, n, { signal, replay }).then((data): Chunk => ({ data })),
        signal,
      );
      // Also keeps a rejection of a later request from being unhandled: all are awaited in order below.
      p.then(answered, answered);
      atServer++;
      undelivered++;
      inflight.push(p);
      next += n;
    }
  };
  issue();
  let pos = offset;
  try {
    while (inflight.length > 0) {
      const { data, release } = await inflight.shift()!;
      try {
        if (data.length > 0) {
          await onData(data, pos);
          pos += data.length;
          delivered += data.length;
        }
      } finally {
        release?.();
      }
      undelivered--;
      const expected = Math.min(chunk, end - (pos - data.length));
      if (data.length < expected) {
        // End of file (or a short read): stop issuing; drain what is in flight without delivering.
        eof = true;
        for (const r of await Promise.allSettled(inflight.takeAll())) {
          if (r.status === "fulfilled") r.value.release?.();
        }
        break;
      }
      if (window - atServer >= refill) issue();
    }
  } finally {
    // Done, or failed (a READ, onData, an abort): replies still to come issue nothing more, and the
    // receive buffers of those never delivered go back to the pool once they arrive.
    eof = true;
    for (const p of inflight.takeAll())
      p.then(
        (c) => c.release?.(),
        () => {},
      );
  }
  return delivered;
}

interface Chunk {
  data: Buffer;
  /** Gives the reply's receive buffer back for reuse (reuseBuffers). */
  release?: () => void;
}

const EMPTY = Buffer.alloc(0);

/** One READ, as Open.read, but returning the reply's release hook along with the data view. */
async function readLeased(
  open: Open,
  offset: number,
  length: number,
  signal: AbortSignal | undefined,
  replay: boolean,
): Promise<Chunk> {
  const body = ReadRequest.encode({
    padding: 0x50,
    flags: 0,
    length,
    offset: BigInt(offset),
    fileId: open.fileId,
    minimumCount: 0,
    channel: 0,
    remainingBytes: 0,
  });
  const h = open.header(replay); // no object spread on this path (see Session.sendOn)
  const res = await open.tree.send({
    command: Command.READ,
    body: [body],
    expectedResponseSize: length,
    accept: READ_ACCEPT,
    path: open.path,
    signal,
    channelSequence: h.channelSequence,
    flags: h.flags,
  });
  if (res.status === NtStatus.STATUS_END_OF_FILE) {
    res.release?.();
    return { data: EMPTY };
  }
  return {
    data: ReadResponse.decode(res.body, 0, res.body.length, { base: -64 }).data,
    release: res.release,
  };
}

/**
 * Writes `data` at `offset` with a window of WRITE requests. For streaming sources use
 * `pipelinedWriteFrom`.
 */
export async function pipelinedWrite(
  open: Open,
  data: Uint8Array,
  offset: number,
  opts: TransferOptions = {},
) {
  async function* one() {
    yield data;
  }
  return pipelinedWriteFrom(open, one(), offset, opts);
}

/**
 * Writes an async stream of buffers sequentially from `offset`, cutting them into requests of at most
 * the chunk size, with up to `window` WRITEs in flight (backpressure: the source is not pulled while the
 * window is full). Resolves with the bytes written; settles (also on failure) only once no WRITE is in
 * flight.
 */
export async function pipelinedWriteFrom(
  open: Open,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  offset: number,
  opts: TransferOptions = {},
): Promise<number> {
  const shared = transferSignal(opts.signal);
  try {
    return await writeWindow(open, source, offset, { ...opts, signal: shared.signal });
  } finally {
    shared.done();
  }
}

/**
 * A source chunk's holds: one per WRITE that sends a view of it, plus one while any of its bytes wait
 * in `pending`. At zero (and no failed WRITE) it goes to onChunkDone.
 */
interface SourceChunk {
  chunk: Uint8Array;
  holds: number;
  failed: boolean;
}

/** A piece of a source chunk waiting to be cut into WRITEs. */
interface Piece {
  bytes: Uint8Array;
  src: SourceChunk;
}

/** pipelinedWriteFrom's loop: cuts the source into WRITEs, a window of them in flight. */
async function writeWindow(
  open: Open,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  offset: number,
  opts: TransferOptions,
): Promise<number> {
  const { chunk, window } = sizing(open, open.connection.negotiated.maxWriteSize, opts, MAX_WINDOW);
  const refill = refillBatch(window);
  // In-flight WRITEs are counted; a full window waits for the next completion (one promise, not a
  // Promise.race over the whole window for every chunk: O(window) reactions each, 1M on SMB 2.0.2).
  let inflight = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    inflight--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  let failure: unknown;
  let pos = offset;
  let written = 0;
  const retry = opts.retry ?? once;
  const signal = opts.signal;
  const onDone = opts.onChunkDone;
  const release = (src: SourceChunk) => {
    if (--src.holds === 0 && !src.failed) onDone?.(src.chunk);
  };
  const send = async (buf: Uint8Array, at: number) => {
    let done = 0;
    while (done < buf.length) {
      const from = done;
      const n = await retry(
        (replay) => open.write(buf.subarray(from), at + from, { signal, replay }),
        signal,
      );
      if (n <= 0) throw new Error(`server wrote ${n} bytes at offset ${at + done}`);
      done += n;
    }
    written += done;
  };
  const slot = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  /** Sends `buf` (a view of `src`'s chunk, or a copy when `src` is undefined) once a slot is free. */
  const enqueue = async (buf: Uint8Array, src: SourceChunk | undefined) => {
    if (inflight >= window) while (inflight > window - refill) await slot();
    if (failure) throw failure;
    inflight++;
    if (src) src.holds++;
    send(buf, pos).then(
      () => {
        settled();
        if (src) release(src);
      },
      (e) => {
        failure ??= e;
        if (src) src.failed = true;
        settled();
      },
    );
    pos += buf.length;
  };
  // A Fifo, not an array with shift(): see Fifo.
  const pending = new Fifo<Piece>();
  let pendingLen = 0;
  const flushPending = async (all: boolean) => {
    while (pendingLen >= chunk || (all && pendingLen > 0)) {
      const take = Math.min(chunk, pendingLen);
      pendingLen -= take;
      const first = pending.peek()!;
      if (first.bytes.length >= take) {
        // Within one piece: a view, no copy.
        const out = first.bytes.subarray(0, take);
        const last = first.bytes.length === take;
        if (last) pending.shift();
        else first.bytes = first.bytes.subarray(take);
        await enqueue(out, first.src); // takes its own hold first
        if (last) release(first.src);
      } else {
        await enqueue(takeCopy(pending, take, release), undefined);
      }
    }
  };
  try {
    for await (const part of source) {
      if (failure) break;
      const src: SourceChunk = { chunk: part, holds: 1, failed: false };
      if (part.length === 0) {
        release(src);
        continue;
      }
      if (pendingLen === 0 && part.length >= chunk) {
        // Large buffer: slice without copying.
        let o = 0;
        for (; o + chunk <= part.length; o += chunk) await enqueue(part.subarray(o, o + chunk), src);
        if (o < part.length) {
          pending.push({ bytes: part.subarray(o), src });
          pendingLen = part.length - o;
        } else release(src);
        continue;
      }
      pending.push({ bytes: part, src });
      pendingLen += part.length;
      await flushPending(false);
    }
    if (!failure) await flushPending(true);
  } finally {
    // Settles only once no WRITE is in flight, failed or not: the caller may close the handle, and
    // onChunkDone is never called after the transfer settled.
    while (inflight > 0) await slot();
  }
  if (failure) throw failure;
  return written;
}

/**
 * Removes the first `n` bytes of `list` (they span several pieces) into a new buffer; a piece whose
 * last byte was copied is released (the copy holds none of its memory).
 */
function takeCopy(list: Fifo<Piece>, n: number, release: (src: SourceChunk) => void): Uint8Array {
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  while (o < n) {
    const p = list.peek()!;
    const t = Math.min(p.bytes.length, n - o);
    out.set(t === p.bytes.length ? p.bytes : p.bytes.subarray(0, t), o);
    o += t;
    if (t === p.bytes.length) {
      list.shift();
      release(p.src);
    } else p.bytes = p.bytes.subarray(t);
  }
  return out;
}
