/**
 * The remote operations the commands need beyond SmbClient's fs-style methods: streamed reads and
 * writes with pipelined READ/WRITE (bounded memory: window x chunk), share enumeration, change
 * notification, and the session details `smb info` shows. Each runs through the client's core (pool,
 * credentials, DFS resolution, fs-style errors).
 */
import {
  type FileNotifyInformationValue,
  AccessMask,
  CompletionFilter,
  CreateDisposition,
  CreateOptions,
  FileAccessRights,
} from "smb-structures";
import {
  listSharesOnSession,
  type Open,
  pipelinedRead,
  pipelinedWriteFrom,
  type Session,
  type ShareInfo,
  type SmbClient,
  type Target,
  type Tree,
} from "smb-client";

const READ_ACCESS =
  FileAccessRights.FILE_READ_DATA |
  FileAccessRights.FILE_READ_ATTRIBUTES |
  FileAccessRights.FILE_READ_EA |
  AccessMask.READ_CONTROL |
  AccessMask.SYNCHRONIZE;
const WRITE_ACCESS =
  FileAccessRights.FILE_WRITE_DATA |
  FileAccessRights.FILE_APPEND_DATA |
  FileAccessRights.FILE_WRITE_ATTRIBUTES |
  FileAccessRights.FILE_WRITE_EA |
  FileAccessRights.FILE_READ_ATTRIBUTES |
  AccessMask.SYNCHRONIZE;
const LIST_ACCESS =
  FileAccessRights.FILE_READ_DATA | FileAccessRights.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE;

function run<T>(client: SmbClient, path: string, syscall: string, fn: (t: Target) => Promise<T>): Promise<T> {
  return client.core.run(path, {}, syscall, fn);
}

async function openAt(t: Target, desiredAccess: number, disposition: number, createOptions: number) {
  const { name, dfs } = t.name();
  return t.tree.create(name, { desiredAccess, disposition, createOptions, dfs, signal: t.signal });
}

async function withOpen<T>(open: Open, fn: (o: Open) => Promise<T>): Promise<T> {
  try {
    return await fn(open);
  } finally {
    await open.close().catch(() => {});
  }
}

export interface ReadCallbacks {
  /** Called once the file is open, with its size. */
  onOpen?(size: number): void | Promise<void>;
  /** Each chunk in file order; the transfer waits for the returned promise (backpressure). */
  onData(chunk: Buffer, offset: number): void | Promise<void>;
}

/** Streams a remote file through `cb` with pipelined READs; resolves with the bytes read. */
export function readRemote(client: SmbClient, path: string, cb: ReadCallbacks, signal?: AbortSignal) {
  return run(client, path, "open", async (t) => {
    const open = await openAt(t, READ_ACCESS, CreateDisposition.OPEN, CreateOptions.NON_DIRECTORY_FILE);
    return withOpen(open, async (o) => {
      const size = Number(o.info.endOfFile);
      await cb.onOpen?.(size);
      if (size === 0) return 0;
      return pipelinedRead(o, 0, size, cb.onData, { ...t.transfer(), signal: signal ?? t.signal });
    });
  });
}

/**
 * Writes a stream of buffers to a remote file (created or truncated) with pipelined WRITEs; the source
 * is pulled only while the window has room. Resolves with the bytes written.
 */
export function writeRemote(
  client: SmbClient,
  path: string,
  source: AsyncIterable<Uint8Array>,
  opts: { exclusive?: boolean; signal?: AbortSignal } = {},
) {
  return run(client, path, "open", async (t) => {
    const disposition = opts.exclusive ? CreateDisposition.CREATE : CreateDisposition.OVERWRITE_IF;
    const open = await openAt(t, WRITE_ACCESS, disposition, CreateOptions.NON_DIRECTORY_FILE);
    return withOpen(open, (o) =>
      pipelinedWriteFrom(o, source, 0, { ...t.transfer(), signal: opts.signal ?? t.signal }),
    );
  });
}

/** Share enumeration over srvsvc (NetrShareEnum level 1) on the server's IPC$. */
export function listShares(client: SmbClient, ipcPath: string, signal?: AbortSignal): Promise<ShareInfo[]> {
  return run(client, ipcPath, "listShares", (t) =>
    listSharesOnSession(t.tree.session, { signal: signal ?? t.signal }),
  );
}

export interface WatchEvent {
  action: number;
  name: string;
}

/** All FILE_NOTIFY_CHANGE_* bits a client usually wants (names, attributes, size, times, security). */
export const WATCH_FILTER =
  CompletionFilter.FILE_NAME |
  CompletionFilter.DIR_NAME |
  CompletionFilter.ATTRIBUTES |
  CompletionFilter.SIZE |
  CompletionFilter.LAST_WRITE |
  CompletionFilter.CREATION |
  CompletionFilter.SECURITY;

/**
 * CHANGE_NOTIFY in a loop on a directory; calls `onEvents` with each batch (an empty batch: the server's
 * buffer overflowed, re-read the directory). Resolves when `signal` aborts.
 */
export function watchRemote(
  client: SmbClient,
  path: string,
  opts: { recursive: boolean; signal: AbortSignal },
  onEvents: (events: FileNotifyInformationValue[]) => void | Promise<void>,
  onReady?: () => void,
): Promise<void> {
  return run(client, path, "watch", async (t) => {
    const open = await openAt(t, LIST_ACCESS, CreateDisposition.OPEN, CreateOptions.DIRECTORY_FILE);
    return withOpen(open, async (o) => {
      onReady?.();
      for await (const batch of o.watch({
        filter: WATCH_FILTER,
        recursive: opts.recursive,
        signal: opts.signal,
      })) {
        await onEvents(batch);
      }
    });
  });
}

/** Runs `fn` with the authenticated session and tree of a server's IPC$ (for `smb info`). */
export function withSession<T>(
  client: SmbClient,
  ipcPath: string,
  fn: (session: Session, tree: Tree) => Promise<T>,
): Promise<T> {
  return run(client, ipcPath, "connect", (t) => fn(t.tree.session, t.tree));
}
