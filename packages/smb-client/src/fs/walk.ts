/**
 * walk: a directory tree as a generator, like Python's os.walk. Yields { path, dirs, files } for each
 * directory, top-down (default: a caller may remove names from `dirs` to prune) or bottom-up
 * (`topdown: false`). Each directory is listed once with its entries' metadata (`entries`).
 * Reparse points (links, junctions) are reported among `files` and not followed.
 */
import type { ClientCore } from "./core.js";
import { scandir } from "./dir.js";
import { joinDisplay, type SmbDirent } from "./dirent.js";
import type { CallOptions } from "./types.js";

export interface WalkEntry {
  /** The directory, as a path the client accepts. */
  path: string;
  /** Names of subdirectories (top-down: edit this array to choose which are visited). */
  dirs: string[];
  /** Names of the other entries. */
  files: string[];
  /** Every entry with its metadata. */
  entries: SmbDirent[];
}

export interface WalkOptions extends CallOptions {
  /** Yield a directory before its subdirectories (default true). */
  topdown?: boolean;
  /** Called with listing errors (the directory is skipped); without it errors end the walk. */
  onError?: (err: unknown, path: string) => void;
  /** Deepest level to descend to (0: only `top`). */
  maxDepth?: number;
}

export async function* walk(
  core: ClientCore,
  top: string,
  opts: WalkOptions = {},
  depth = 0,
): AsyncGenerator<WalkEntry> {
  const entries: SmbDirent[] = [];
  try {
    for await (const e of scandir(core, top, opts)) entries.push(e);
  } catch (err) {
    if (opts.onError) {
      opts.onError(err, top);
      return;
    }
    throw err;
  }
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const files = entries.filter((e) => !e.isDirectory()).map((e) => e.name);
  const here: WalkEntry = { path: top, dirs, files, entries };
  const topdown = opts.topdown !== false;
  if (topdown) yield here;
  if (opts.maxDepth === undefined || depth < opts.maxDepth) {
    for (const d of [...here.dirs]) {
      if (topdown && !here.dirs.includes(d)) continue;
      yield* walk(core, joinDisplay(top, d), opts, depth + 1);
    }
  }
  if (!topdown) yield here;
}
