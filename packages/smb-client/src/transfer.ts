/**
 * Pipelined transfers: many READ/WRITE requests in flight at once on one Open, sized from the
 * negotiated maximums and bounded by a window, so throughput is not one round trip per chunk and
 * memory stays bounded (window x chunk) whatever the file size. Data is delivered in file order.
 */
import type { Open } from "./open.js";

export interface TransferOptions {
  /** Bytes per request (default min(maxReadSize/maxWriteSize, 1 MiB)). */
  chunkSize?: number;
  /** Requests in flight (default 8). */
  window?: number;
  signal?: AbortSignal;
}

const DEFAULT_CHUNK = 1024 * 1024;
const DEFAULT_WINDOW = 8;

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
  const max = open.connection.negotiated.maxReadSize;
  const chunk = Math.max(1, Math.min(opts.chunkSize ?? DEFAULT_CHUNK, max));
  const window = Math.max(1, opts.window ?? DEFAULT_WINDOW);
  const end = offset + length;
  const inflight: Promise<Buffer>[] = [];
  let next = offset;
  let delivered = 0;
  let eof = false;
  const issue = () => {
    while (!eof && inflight.length < window && next < end) {
      const n = Math.min(chunk, end - next);
      const p = open.read(next, n, { signal: opts.signal });
      p.catch(() => {}); // awaited in order below; avoid unhandled rejections of later ones
      inflight.push(p);
      next += n;
    }
  };
  issue();
  let pos = offset;
  while (inflight.length > 0) {
    const data = await inflight.shift()!;
    if (data.length > 0) {
      await onData(data, pos);
      pos += data.length;
      delivered += data.length;
    }
    const expected = Math.min(chunk, end - (pos - data.length));
    if (data.length < expected) {
      // End of file (or a short read): stop issuing; drain what is in flight without delivering.
      eof = true;
      await Promise.allSettled(inflight.splice(0));
      break;
    }
    issue();
  }
  return delivered;
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
 * window is full). Resolves with the bytes written.
 */
export async function pipelinedWriteFrom(
  open: Open,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  offset: number,
  opts: TransferOptions = {},
): Promise<number> {
  const max = open.connection.negotiated.maxWriteSize;
  const chunk = Math.max(1, Math.min(opts.chunkSize ?? DEFAULT_CHUNK, max));
  const window = Math.max(1, opts.window ?? DEFAULT_WINDOW);
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let pos = offset;
  let written = 0;
  const send = async (buf: Uint8Array, at: number) => {
    let done = 0;
    while (done < buf.length) {
      const n = await open.write(buf.subarray(done), at + done, { signal: opts.signal });
      if (n <= 0) throw new Error(`server wrote ${n} bytes at offset ${at + done}`);
      done += n;
    }
    written += done;
  };
  const enqueue = async (buf: Uint8Array) => {
    while (inflight.size >= window) await Promise.race(inflight);
    if (failure) throw failure;
    const p = send(buf, pos).then(
      () => {
        inflight.delete(p);
      },
      (e) => {
        inflight.delete(p);
        failure ??= e;
      },
    );
    inflight.add(p);
    pos += buf.length;
  };
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  const flushPending = async (all: boolean) => {
    while (pendingLen >= chunk || (all && pendingLen > 0)) {
      const take = Math.min(chunk, pendingLen);
      const out = takeBytes(pending, take);
      pendingLen -= take;
      await enqueue(out);
    }
  };
  for await (const part of source) {
    if (failure) break;
    if (part.length === 0) continue;
    if (pendingLen === 0 && part.length >= chunk) {
      // Large buffer: slice without copying.
      let o = 0;
      for (; o + chunk <= part.length; o += chunk) await enqueue(part.subarray(o, o + chunk));
      if (o < part.length) {
        pending = [part.subarray(o)];
        pendingLen = part.length - o;
      }
      continue;
    }
    pending.push(part);
    pendingLen += part.length;
    await flushPending(false);
  }
  if (!failure) await flushPending(true);
  await Promise.all(inflight);
  if (failure) throw failure;
  return written;
}

/** Removes and returns the first `n` bytes of a list of buffers (copies only when they span buffers). */
function takeBytes(list: Uint8Array[], n: number): Uint8Array {
  const first = list[0]!;
  if (first.length === n) {
    list.shift();
    return first;
  }
  if (first.length > n) {
    list[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  while (o < n) {
    const b = list[0]!;
    const t = Math.min(b.length, n - o);
    out.set(b.subarray(0, t), o);
    o += t;
    if (t === b.length) list.shift();
    else list[0] = b.subarray(t);
  }
  return out;
}
