/**
 * watch: change notification (SMB2 CHANGE_NOTIFY) as an async iterator, like fs.promises.watch. Each
 * event: { eventType: "rename" | "change", filename, action }. `recursive` watches the whole subtree
 * (filenames are then relative paths with "/"). Between two CHANGE_NOTIFY replies the server buffers
 * changes on the open handle; when its buffer overflows an event with filename null and action
 * "overflow" says the directory must be re-read. The iterator ends with an AbortError when `signal`
 * aborts (as node's does), or quietly when the loop is left; either way the handle is closed.
 */
import { CompletionFilter, FileAction } from "smb-structures";
import type { ClientCore } from "./core.js";
import { abortError, toFsError } from "./errors.js";
import { Access, DIRECTORY, openAt } from "./handles.js";
import type { CallOptions } from "./types.js";

export type WatchAction =
  | "added"
  | "removed"
  | "modified"
  | "renamed-from"
  | "renamed-to"
  | "stream-added"
  | "stream-removed"
  | "stream-modified"
  | "overflow"
  | "unknown";

export interface WatchEvent {
  eventType: "rename" | "change";
  /** Name relative to the watched directory ("/"-separated), null on overflow. */
  filename: string | null;
  action: WatchAction;
}

export interface WatchOptions extends CallOptions {
  recursive?: boolean;
  /** FILE_NOTIFY_CHANGE_* bits (default: names, attributes, size, last write, creation, security, streams). */
  filter?: number;
  /** Output buffer of each CHANGE_NOTIFY (default 64 KiB). */
  bufferSize?: number;
}

const ACTIONS: Record<number, [WatchAction, "rename" | "change"]> = {
  [FileAction.ADDED]: ["added", "rename"],
  [FileAction.REMOVED]: ["removed", "rename"],
  [FileAction.MODIFIED]: ["modified", "change"],
  [FileAction.RENAMED_OLD_NAME]: ["renamed-from", "rename"],
  [FileAction.RENAMED_NEW_NAME]: ["renamed-to", "rename"],
  [FileAction.ADDED_STREAM]: ["stream-added", "change"],
  [FileAction.REMOVED_STREAM]: ["stream-removed", "change"],
  [FileAction.MODIFIED_STREAM]: ["stream-modified", "change"],
};

export const DEFAULT_WATCH_FILTER =
  CompletionFilter.FILE_NAME |
  CompletionFilter.DIR_NAME |
  CompletionFilter.ATTRIBUTES |
  CompletionFilter.SIZE |
  CompletionFilter.LAST_WRITE |
  CompletionFilter.CREATION |
  CompletionFilter.SECURITY |
  CompletionFilter.STREAM_NAME |
  CompletionFilter.STREAM_SIZE |
  CompletionFilter.STREAM_WRITE;

export async function* watch(
  core: ClientCore,
  path: string,
  opts: WatchOptions = {},
): AsyncGenerator<WatchEvent> {
  const ac = new AbortController();
  const user = opts.signal;
  const onAbort = () => ac.abort(user?.reason);
  if (user?.aborted) throw abortError(user);
  // The open follows `user` itself; the listener comes after it, so a failed open leaves none behind.
  const open = await core.run(path, opts, "watch", (t) =>
    openAt(t, t.path.path, { desiredAccess: Access.LIST, createOptions: DIRECTORY }),
  );
  try {
    user?.addEventListener("abort", onAbort, { once: true });
    if (user?.aborted) ac.abort(user.reason);
    for (;;) {
      let changes: Awaited<ReturnType<typeof open.changeNotify>>;
      try {
        changes = await open.changeNotify({
          filter: opts.filter ?? DEFAULT_WATCH_FILTER,
          recursive: !!opts.recursive,
          outputBufferLength: opts.bufferSize,
          signal: ac.signal,
        });
      } catch (err) {
        if (user?.aborted) throw abortError(user);
        if (ac.signal.aborted) return;
        throw toFsError(err, { syscall: "watch", path });
      }
      if (changes.length === 0) {
        yield { eventType: "rename", filename: null, action: "overflow" };
        continue;
      }
      for (const c of changes) {
        const [action, eventType] = ACTIONS[c.action] ?? (["unknown", "change"] as const);
        yield { eventType, filename: c.fileName.replace(/\\/g, "/"), action };
      }
    }
  } finally {
    user?.removeEventListener("abort", onAbort);
    if (!ac.signal.aborted) ac.abort();
    await open.close().catch(() => {});
  }
}
