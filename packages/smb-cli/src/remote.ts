/**
 * The remote operations the commands build on: streamed reads and writes (files opened by SmbClient,
 * data moved by the engine's pipelined READ/WRITE: memory bounded by window x chunk whatever the file
 * size), share
 * enumeration and change notification through SmbClient, and the session details `smb info` shows
 * (the low-level Session/Tree/Connection of the pooled IPC$ tree).
 */
import type { FileHandle } from "node:fs/promises";
import {
  pipelinedRead,
  pipelinedWriteFrom,
  type Session,
  type ShareInfo,
  type SmbClient,
  type Tree,
  transferSizing,
  type WatchEvent,
} from "smb-client";

/** Bytes per local read and per WRITE of an upload (the client's default request size). */
export const IO_CHUNK = 2 * 1024 * 1024;
/** WRITEs in flight during an upload (16 MiB). */
export const UPLOAD_WINDOW = 8;
/** Local reads kept in flight ahead of the WRITEs. */
const READ_AHEAD = 4;

/**
 * The chunks of a local file, read ahead (READ_AHEAD reads in flight) into a ring of reused buffers.
 * Safe for writeRemote only: pipelinedWriteFrom pulls the next chunk only when fewer than UPLOAD_WINDOW
 * WRITEs are in flight, so a buffer comes round again only after the WRITEs that used it completed
 * (ring = window + read-ahead + 2 buffers).
 */
export async function* localFileChunks(
  fh: FileHandle,
  size: number,
  onChunk?: (n: number) => void,
): AsyncGenerator<Buffer> {
  const ring = Array.from({ length: UPLOAD_WINDOW + READ_AHEAD + 2 }, () =>
    Buffer.allocUnsafeSlow(Math.min(IO_CHUNK, Math.max(1, size))),
  );
  let k = 0;
  let offset = 0;
  const reads: Promise<Buffer>[] = [];
  const issue = () => {
    while (reads.length < READ_AHEAD && offset < size) {
      const n = Math.min(IO_CHUNK, size - offset);
      const buf = ring[k++ % ring.length]!;
      const p = fh.read(buf, 0, n, offset).then((r) => {
        if (r.bytesRead !== n) throw new Error(`the local file changed size while reading it (at ${offset})`);
        return buf.subarray(0, n);
      });
      p.catch(() => {});
      reads.push(p);
      offset += n;
    }
  };
  issue();
  while (reads.length > 0) {
    const chunk = await reads.shift()!;
    issue();
    onChunk?.(chunk.length);
    yield chunk;
  }
}

export interface ReadCallbacks {
  /** Called once the file is open, with its size. */
  onOpen?(size: number): void | Promise<void>;
  /**
   * Each chunk in file order; the transfer waits for the returned promise (backpressure). With
   * `reuseBuffers` the chunk's memory is reused once that promise settles: write it out before.
   */
  onData(chunk: Buffer, offset: number): void | Promise<void>;
  reuseBuffers?: boolean;
}

/**
 * Streams a remote file through `cb`: SmbClient.open, then the engine's pipelined READs (a window of
 * requests in flight, memory bounded by window x chunk). Resolves with the bytes read.
 */
export async function readRemote(
  client: SmbClient,
  path: string,
  cb: ReadCallbacks,
  signal?: AbortSignal,
): Promise<number> {
  const fh = await client.open(path, "r", signal ? { signal } : {});
  try {
    const size = Number(fh.open.info.endOfFile);
    await cb.onOpen?.(size);
    if (size === 0) return 0;
    return await pipelinedRead(fh.open, 0, size, cb.onData, {
      ...fh.transferOptions(signal),
      reuseBuffers: !!cb.reuseBuffers,
    });
  } finally {
    await fh.close().catch(() => {});
  }
}

/**
 * Writes a stream of buffers to a remote file (created or truncated) with the engine's pipelined WRITEs:
 * the source is pulled only while a request slot is free. Resolves with the bytes written.
 */
export async function writeRemote(
  client: SmbClient,
  path: string,
  source: AsyncIterable<Uint8Array>,
  opts: { exclusive?: boolean; signal?: AbortSignal } = {},
): Promise<number> {
  const fh = await client.open(path, opts.exclusive ? "wx" : "w", opts.signal ? { signal: opts.signal } : {});
  try {
    // Requests the size of the source's chunks: each chunk goes out as one WRITE, without copying.
    // At most UPLOAD_WINDOW in flight: localFileChunks' ring reuses a buffer only after that many more.
    const t = { ...fh.transferOptions(opts.signal), chunkSize: IO_CHUNK };
    const window = Math.min(UPLOAD_WINDOW, transferSizing(fh.open, "write", t).window);
    return await pipelinedWriteFrom(fh.open, source, 0, { ...t, window });
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Share enumeration over srvsvc (NetrShareEnum level 1) on the server's IPC$. */
export function listShares(client: SmbClient, server: string, signal?: AbortSignal): Promise<ShareInfo[]> {
  return client.listShares(server, signal ? { signal } : {});
}

/**
 * Change notifications of a directory until `signal` aborts: `onEvent` for each change (action
 * "overflow" with a null filename: too many changes, re-read the directory).
 */
export async function watchRemote(
  client: SmbClient,
  path: string,
  opts: { recursive: boolean; signal: AbortSignal },
  onEvent: (e: WatchEvent) => void | Promise<void>,
): Promise<void> {
  try {
    for await (const e of client.watch(path, { recursive: opts.recursive, signal: opts.signal }))
      await onEvent(e);
  } catch (err) {
    if (opts.signal.aborted) return;
    throw err;
  }
}

/** Runs `fn` with the authenticated session and tree of a server's IPC$ (for `smb info`). */
export function withSession<T>(
  client: SmbClient,
  ipcPath: string,
  fn: (session: Session, tree: Tree) => Promise<T>,
): Promise<T> {
  return client.withTree(ipcPath, (tree) => fn(tree.session, tree));
}
