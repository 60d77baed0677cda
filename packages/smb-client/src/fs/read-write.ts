/**
 * Whole-file reads and writes. Small files take one round trip (related compound CREATE + READ + CLOSE,
 * CREATE + WRITE + CLOSE); larger ones keep several READ/WRITE requests in flight through transfer.ts,
 * on a durable handle (durable.ts) that survives a dropped connection.
 */
import { constants as bufferConstants } from "node:buffer";
import { CreateDisposition, CreateOptions as CreateOptionBits, FileAccessRights } from "smb-structures";
import { pipelinedRead, pipelinedWriteFrom, transferSizing } from "../transfer.js";
import type { ClientCore, Target } from "./core.js";
import { invalidArg, smbFsError, FsStatus } from "./errors.js";
import { ownedBlocks } from "./owned-blocks.js";
import { DurableHandle } from "./durable.js";
import { Access, compound, Reply, Step } from "./handles.js";
import type { CallOptions } from "./types.js";

/** Largest request compounded with CREATE/CLOSE (bigger ones go through the pipelined path). */
const COMPOUND_IO = 1024 * 1024;

export interface ReadFileOptions extends CallOptions {
  encoding?: BufferEncoding | null;
  /** Only "r" (and "r+", "a+", "w+" ...: any flag opens for reading here). */
  flag?: string;
}

export type WriteData =
  | string
  | NodeJS.ArrayBufferView
  | Iterable<string | NodeJS.ArrayBufferView>
  | AsyncIterable<string | NodeJS.ArrayBufferView>;

export interface WriteFileOptions extends CallOptions {
  encoding?: BufferEncoding | null;
  /** "w" (default: create or truncate), "wx" (create, fail if it exists), "a" (append), "ax", "r+" (no truncation). */
  flag?: string;
  /** Accepted for fs compatibility; SMB has no mode bits. */
  mode?: number | string;
  /** FLUSH before closing (node's `flush`). */
  flush?: boolean;
}

/** CREATE parameters for an fs open flag. */
export function flagToCreate(flag: string | number | undefined): {
  disposition: number;
  desiredAccess: number;
  append: boolean;
  read: boolean;
  write: boolean;
} {
  const f = typeof flag === "number" ? numericFlag(flag) : (flag ?? "r");
  const ex = f.includes("x");
  const plus = f.includes("+");
  switch (f.replace(/[sx+]/g, "")) {
    case "r":
      return {
        disposition: CreateDisposition.OPEN,
        desiredAccess: plus ? Access.READ | Access.WRITE : Access.READ,
        append: false,
        read: true,
        write: plus,
      };
    case "w":
      return {
        disposition: ex ? CreateDisposition.CREATE : CreateDisposition.OVERWRITE_IF,
        desiredAccess: plus ? Access.READ | Access.WRITE : Access.WRITE | Access.ATTRIBUTES,
        append: false,
        read: plus,
        write: true,
      };
    case "a":
      return {
        disposition: ex ? CreateDisposition.CREATE : CreateDisposition.OPEN_IF,
        desiredAccess: plus ? Access.READ | Access.WRITE : Access.WRITE | Access.ATTRIBUTES,
        append: true,
        read: plus,
        write: true,
      };
    default:
      throw invalidArg(`invalid open flag: ${String(flag)}`);
  }
}

function numericFlag(n: number): string {
  // O_RDONLY 0, O_WRONLY 1, O_RDWR 2, O_CREAT 0o100, O_EXCL 0o200, O_TRUNC 0o1000, O_APPEND 0o2000
  const rw = n & 3;
  const append = (n & 0o2000) !== 0;
  const excl = (n & 0o200) !== 0;
  if (append) return `a${excl ? "x" : ""}${rw === 2 ? "+" : ""}`;
  if (n & 0o1000 || n & 0o100) return `w${excl ? "x" : ""}${rw === 2 ? "+" : ""}`;
  return rw === 0 ? "r" : "r+";
}

/** Reads a whole file of `size` bytes from `open`, starting with `first` (already read at offset 0). */
export async function readRest(t: Target, sharePath: string, size: number, first: Buffer): Promise<Buffer> {
  if (size > bufferConstants.MAX_LENGTH) {
    const e = new RangeError(
      `File size (${size}) is greater than the largest Buffer (${bufferConstants.MAX_LENGTH})`,
    );
    (e as RangeError & { code: string }).code = "ERR_FS_FILE_TOO_LARGE";
    throw e;
  }
  const out = Buffer.allocUnsafe(size);
  first.copy(out, 0);
  const h = await DurableHandle.open(t, sharePath, {
    desiredAccess: Access.READ,
    createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
  });
  try {
    const got = await pipelinedRead(
      h.open,
      first.length,
      size - first.length,
      (chunk, off) => {
        chunk.copy(out, off);
      },
      // Each chunk is copied out before onData returns: the receive buffers can be reused.
      h.transfer({ ...t.transfer(), reuseBuffers: true }),
    );
    return got + first.length < size ? out.subarray(0, got + first.length) : out;
  } finally {
    await h.close().catch(() => {});
  }
}

export async function readFile(
  core: ClientCore,
  path: string,
  opts: ReadFileOptions | BufferEncoding = {},
): Promise<Buffer | string> {
  const o: ReadFileOptions = typeof opts === "string" ? { encoding: opts } : opts;
  const buf = await core.run(path, o, "open", async (t) => {
    const chunk = Math.min(t.tree.connection.negotiated.maxReadSize, COMPOUND_IO);
    const r = await compound(
      t,
      t.path.path,
      { desiredAccess: Access.READ, createOptions: CreateOptionBits.NON_DIRECTORY_FILE },
      [Step.read(t, 0, chunk)],
    );
    const first = Reply.read(r.replies[0]!);
    const size = Number(r.info.endOfFile);
    if (size <= first.length) return first;
    return readRest(t, t.path.path, size, first);
  });
  return o.encoding ? buf.toString(o.encoding) : buf;
}

function toBuffer(v: string | NodeJS.ArrayBufferView, encoding: BufferEncoding | null | undefined): Buffer {
  if (typeof v === "string") return Buffer.from(v, encoding ?? "utf8");
  if (Buffer.isBuffer(v)) return v;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function isBufferLike(v: unknown): v is string | NodeJS.ArrayBufferView {
  return typeof v === "string" || ArrayBuffer.isView(v);
}

async function* asBuffers(
  data: Iterable<string | NodeJS.ArrayBufferView> | AsyncIterable<string | NodeJS.ArrayBufferView>,
  encoding: BufferEncoding | null | undefined,
): AsyncGenerator<Buffer> {
  for await (const part of data as AsyncIterable<string | NodeJS.ArrayBufferView>)
    yield toBuffer(part, encoding);
}

/** Writes `data` through an open handle from `offset` (pipelined); returns the bytes written. */
async function writeStreaming(
  t: Target,
  sharePath: string,
  data: WriteData,
  o: WriteFileOptions,
  f: ReturnType<typeof flagToCreate>,
  at?: number,
) {
  const h = await DurableHandle.open(t, sharePath, {
    desiredAccess: f.desiredAccess,
    disposition: f.disposition,
    createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
  });
  try {
    const offset = at ?? (f.append ? Number(h.open.info.endOfFile) : 0);
    const opts = h.transfer(t.transfer());
    const source = isBufferLike(data)
      ? [toBuffer(data, o.encoding)]
      : ownedBlocks(asBuffers(data, o.encoding), transferSizing(h.open, "write", opts).chunk);
    const n = await pipelinedWriteFrom(h.open, source, offset, opts);
    if (o.flush) await h.retry((replay) => h.open.flush({ signal: t.signal, replay }), t.signal);
    return n;
  } finally {
    await h.close().catch(() => {});
  }
}

export async function writeFile(
  core: ClientCore,
  path: string,
  data: WriteData,
  opts: WriteFileOptions | BufferEncoding = {},
): Promise<void> {
  const o: WriteFileOptions = typeof opts === "string" ? { encoding: opts } : opts;
  const f = flagToCreate(o.flag ?? "w");
  if (!f.write) throw invalidArg(`writeFile with flag "${o.flag}" cannot write`);
  if (
    !isBufferLike(data) &&
    (typeof data !== "object" || data === null || !(Symbol.iterator in data || Symbol.asyncIterator in data))
  ) {
    throw invalidArg(
      'The "data" argument must be a string, Buffer, TypedArray, DataView or (async) iterable',
    );
  }
  await core.run(
    path,
    o,
    "open",
    async (t) => {
      const max = Math.min(t.tree.connection.negotiated.maxWriteSize, COMPOUND_IO);
      if (isBufferLike(data) && !f.append && !o.flush) {
        const buf = toBuffer(data, o.encoding);
        if (buf.length <= max) {
          const steps = buf.length > 0 ? [Step.write(t, buf, 0)] : [];
          const r = await compound(
            t,
            t.path.path,
            {
              desiredAccess: f.desiredAccess,
              disposition: f.disposition,
              createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
            },
            steps,
          );
          if (buf.length > 0) {
            const n = Reply.write(r.replies[0]!);
            if (n !== buf.length) {
              // A short write: finish the rest on a handle.
              await writeStreaming(t, t.path.path, buf.subarray(n), o, flagToCreate("r+"), n);
            }
          }
          return;
        }
      }
      await writeStreaming(t, t.path.path, data, o, f);
    },
    { idempotent: !f.append && isBufferLike(data) },
  );
}

export async function appendFile(
  core: ClientCore,
  path: string,
  data: WriteData,
  opts: WriteFileOptions | BufferEncoding = {},
): Promise<void> {
  const o: WriteFileOptions = typeof opts === "string" ? { encoding: opts } : opts;
  await writeFile(core, path, data, { ...o, flag: o.flag ?? "a" });
}

/** Rejects paths naming a share root where a file is needed. */
export function needFile(t: Target, syscall: string): void {
  if (t.path.path === "") throw smbFsError(FsStatus.EISDIR, { syscall, path: t.display });
}

export const WRITE_DATA = FileAccessRights.FILE_WRITE_DATA;
