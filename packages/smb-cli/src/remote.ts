/**
 * The remote operations the commands build on: streamed reads and writes (files opened by SmbClient,
 * data moved by the engine's pipelined READ/WRITE: memory bounded by window x chunk whatever the file
 * size), share
 * enumeration and change notification through SmbClient, and the session details `smb info` shows
 * (the low-level Session/Tree/Connection of the pooled IPC$ tree).
 */
import {
  pipelinedRead,
  pipelinedWriteFrom,
  type Session,
  type ShareInfo,
  type SmbClient,
  type Tree,
  type WatchEvent,
} from "smb-client";

/** Bytes per local read and per WRITE of an upload (the client's default request size). */
export const IO_CHUNK = 2 * 1024 * 1024;

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
      ...client.core.transfer(signal),
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
    return await pipelinedWriteFrom(fh.open, source, 0, {
      ...client.core.transfer(opts.signal),
      chunkSize: IO_CHUNK,
    });
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
  return client.core.run(ipcPath, {}, "connect", (t) => fn(t.tree.session, t.tree));
}
