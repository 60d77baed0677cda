/**
 * SmbFileHandle: fs.promises.FileHandle over an SMB open. read/write at a position (or at the handle's
 * own position when `position` is null), pipelined when larger than one READ/WRITE; stat, truncate,
 * sync, utimes, byte-range locks, streams, close and `await using`. The handle is durable unless the
 * `durable` option says otherwise: after a dropped connection it is reclaimed and the requests whose
 * replies were lost run again (durable.ts).
 */
import {
  FileEndOfFileInformation,
  FileInformationClass,
  InfoType,
  LockFlags,
  NtStatus,
} from "smb-structures";
import type { Open } from "../open.js";
import { pipelinedRead, pipelinedWriteFrom, type TransferOptions, transferSizing } from "../transfer.js";
import type { ClientCore } from "./core.js";
import type { DurableHandle } from "./durable.js";
import { FsStatus, smbFsError, toFsError } from "./errors.js";
import { decodeAllInformation, basicInfoBuffer, type TimeLike } from "./meta.js";
import type { WriteData } from "./read-write.js";
import { ownedBlocks } from "./owned-blocks.js";
import { makeStats, type SmbBigIntStats, type SmbStats } from "./stats.js";
import { type ReadStreamOptions, SmbReadStream, SmbWriteStream, type WriteStreamOptions } from "./streams.js";

let nextFd = 1000;

export interface FileReadResult<T extends NodeJS.ArrayBufferView> {
  bytesRead: number;
  buffer: T;
}
export interface FileWriteResult<T> {
  bytesWritten: number;
  buffer: T;
}

export interface ReadOptions<T extends NodeJS.ArrayBufferView> {
  /** Default: a new 16 KiB Buffer. */
  buffer?: T;
  offset?: number;
  length?: number;
  /** null or undefined: the handle's position (which then advances). */
  position?: number | bigint | null;
  signal?: AbortSignal;
}

export interface LockOptions {
  /** Exclusive (default) or shared lock. */
  exclusive?: boolean;
  /** Wait until granted (default false: fail at once with EAGAIN/EBUSY). */
  wait?: boolean;
  signal?: AbortSignal;
}

export class SmbFileHandle {
  /** A process-unique number standing in for a file descriptor. */
  readonly fd = nextFd++;
  /** The path as given to open(). */
  readonly path: string;
  private position = 0;
  private closing: Promise<void> | undefined;
  /** The underlying SMB open (re-pointed at a new connection when reclaimed). */
  readonly open: Open;

  constructor(
    /** The open and its recovery after a lost connection. */
    readonly handle: DurableHandle,
    path: string,
    private readonly core: ClientCore,
    private readonly append: boolean,
  ) {
    this.open = handle.open;
    this.path = path;
    if (append) this.position = Number(this.open.info.endOfFile);
  }

  /** The server granted a durable handle: it survives a dropped connection. */
  get durable(): boolean {
    return this.handle.durable;
  }

  private fail(err: unknown, syscall: string): never {
    throw toFsError(err, { syscall, path: this.path });
  }

  private check(syscall: string): void {
    if (this.open.closed)
      throw smbFsError(FsStatus.EBADF, { syscall, path: this.path }, { detail: "file handle is closed" });
  }

  /**
   * Options for transfer.ts pipelinedRead/pipelinedWriteFrom on `this.open`: the client's window and
   * request size, and this handle's recovery (a request lost with a dropped connection is re-sent once the
   * durable handle is reclaimed).
   */
  transferOptions(signal?: AbortSignal): TransferOptions {
    return this.handle.transfer(this.core.transfer(signal));
  }

  private transfer(signal?: AbortSignal): TransferOptions {
    return this.transferOptions(signal);
  }

  /** Reads into `buffer` at `offset` up to `length` bytes from `position` (null: the handle's position). */
  read<T extends NodeJS.ArrayBufferView>(
    buffer: T,
    offset?: number | null,
    length?: number | null,
    position?: number | bigint | null,
  ): Promise<FileReadResult<T>>;
  read<T extends NodeJS.ArrayBufferView = Buffer>(opts?: ReadOptions<T>): Promise<FileReadResult<T>>;
  async read<T extends NodeJS.ArrayBufferView>(
    buffer?: T | ReadOptions<T>,
    offset?: number | null,
    length?: number | null,
    position?: number | bigint | null,
  ): Promise<FileReadResult<T>> {
    this.check("read");
    let signal: AbortSignal | undefined;
    let buf: T;
    if (buffer === undefined || (!ArrayBuffer.isView(buffer) && typeof buffer === "object")) {
      const o = (buffer ?? {}) as {
        buffer?: T;
        offset?: number;
        length?: number;
        position?: number | bigint | null;
        signal?: AbortSignal;
      };
      buf = o.buffer ?? (Buffer.alloc(16384) as unknown as T);
      offset = o.offset;
      length = o.length;
      position = o.position;
      signal = o.signal;
    } else buf = buffer;
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const off = offset ?? 0;
    const len = length ?? view.length - off;
    if (off < 0 || len < 0 || off + len > view.length)
      throw new RangeError("offset/length outside the buffer");
    const usePos = position === null || position === undefined || position === -1;
    const pos = usePos ? this.position : Number(position);
    let got = 0;
    try {
      const max = this.open.connection.negotiated.maxReadSize;
      if (len <= max) {
        const data =
          len === 0
            ? Buffer.alloc(0)
            : await this.handle.retry((replay) => this.open.read(pos, len, { signal, replay }), signal);
        data.copy(view, off);
        got = data.length;
      } else {
        got = await pipelinedRead(
          this.open,
          pos,
          len,
          (chunk, at) => {
            chunk.copy(view, off + (at - pos));
          },
          { ...this.transfer(signal), reuseBuffers: true },
        );
      }
    } catch (err) {
      this.fail(err, "read");
    }
    if (usePos) this.position += got;
    return { bytesRead: got, buffer: buf };
  }

  /** Writes `buffer` (or a string) at `position` (null: the handle's position; append mode: the end). */
  async write<T extends NodeJS.ArrayBufferView | string>(
    data: T,
    offsetOrPosition?: number | null | { offset?: number; length?: number; position?: number | null },
    lengthOrEncoding?: number | BufferEncoding | null,
    position?: number | null,
  ): Promise<FileWriteResult<T>> {
    this.check("write");
    let bytes: Buffer;
    let pos: number | null | undefined;
    if (typeof data === "string") {
      pos = offsetOrPosition as number | null | undefined;
      bytes = Buffer.from(data, (lengthOrEncoding as BufferEncoding | undefined) ?? "utf8");
    } else {
      const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      let off = 0;
      let len: number | undefined;
      if (typeof offsetOrPosition === "object" && offsetOrPosition !== null) {
        off = offsetOrPosition.offset ?? 0;
        len = offsetOrPosition.length;
        pos = offsetOrPosition.position;
      } else {
        off = (offsetOrPosition as number | null | undefined) ?? 0;
        len = (lengthOrEncoding as number | null | undefined) ?? undefined;
        pos = position;
      }
      bytes = view.subarray(off, len === undefined ? undefined : off + len);
    }
    const usePos = pos === null || pos === undefined || pos === -1 || this.append;
    const at = usePos ? this.position : Number(pos);
    let n = 0;
    try {
      const max = this.open.connection.negotiated.maxWriteSize;
      if (bytes.length === 0) n = 0;
      else if (bytes.length <= max)
        n = await this.handle.retry((replay) => this.open.write(bytes, at, { replay }));
      else n = await pipelinedWriteFrom(this.open, [bytes], at, this.transfer());
    } catch (err) {
      this.fail(err, "write");
    }
    if (usePos) this.position = at + n;
    return { bytesWritten: n, buffer: data };
  }

  /** Reads the rest of the file from the handle's position (position 0 for a fresh handle). */
  async readFile(
    opts: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding = {},
  ): Promise<Buffer | string> {
    const o = typeof opts === "string" ? { encoding: opts } : opts;
    const st = (await this.stat()) as SmbStats;
    const size = Math.max(0, st.size - this.position);
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.read(buf, 0, size, null);
    const out = bytesRead < size ? buf.subarray(0, bytesRead) : buf;
    return o.encoding ? out.toString(o.encoding) : out;
  }

  /** Writes `data` from the handle's position (streaming sources pipelined). */
  async writeFile(
    data: WriteData,
    opts: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding = {},
  ): Promise<void> {
    this.check("write");
    const o = typeof opts === "string" ? { encoding: opts } : opts;
    const enc = o.encoding ?? "utf8";
    const toBuf = (v: string | NodeJS.ArrayBufferView) =>
      typeof v === "string" ? Buffer.from(v, enc) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const t = this.transfer(o.signal);
    const source =
      typeof data === "string" || ArrayBuffer.isView(data)
        ? [toBuf(data)]
        : ownedBlocks(
            (async function* () {
              for await (const part of data as AsyncIterable<string | NodeJS.ArrayBufferView>)
                yield toBuf(part);
            })(),
            transferSizing(this.open, "write", t).chunk,
          );
    try {
      const n = await pipelinedWriteFrom(this.open, source, this.position, t);
      this.position += n;
    } catch (err) {
      this.fail(err, "write");
    }
  }

  appendFile(
    data: WriteData,
    opts?: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding,
  ): Promise<void> {
    return this.writeFile(data, opts);
  }

  stat(opts?: { bigint?: false }): Promise<SmbStats>;
  stat(opts: { bigint: true }): Promise<SmbBigIntStats>;
  async stat(opts: { bigint?: boolean } = {}): Promise<SmbStats | SmbBigIntStats> {
    this.check("fstat");
    try {
      const buf = await this.handle.retry((replay) =>
        this.open.queryInfo({
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileAllInformation,
          outputBufferLength: 4096,
          replay,
        }),
      );
      return makeStats(decodeAllInformation(buf), opts.bigint);
    } catch (err) {
      this.fail(err, "fstat");
    }
  }

  async truncate(len: number | bigint = 0): Promise<void> {
    this.check("ftruncate");
    try {
      await this.handle.retry((replay) =>
        this.open.setInfo({
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileEndOfFileInformation,
          buffer: FileEndOfFileInformation.encode({ endOfFile: BigInt(len) }),
          replay,
        }),
      );
    } catch (err) {
      this.fail(err, "ftruncate");
    }
  }

  /** FLUSH: the server writes its caches to stable storage. */
  async sync(): Promise<void> {
    this.check("fsync");
    try {
      await this.handle.retry((replay) => this.open.flush({ replay }));
    } catch (err) {
      this.fail(err, "fsync");
    }
  }

  datasync(): Promise<void> {
    return this.sync();
  }

  async utimes(atime: TimeLike, mtime: TimeLike): Promise<void> {
    this.check("futime");
    try {
      await this.handle.retry((replay) =>
        this.open.setInfo({
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileBasicInformation,
          buffer: basicInfoBuffer({ atime, mtime }),
          replay,
        }),
      );
    } catch (err) {
      this.fail(err, "futime");
    }
  }

  /**
   * A byte-range lock (SMB2 LOCK). Conflicts fail at once with EAGAIN (or EBUSY) unless `wait` is set;
   * a waiting lock can be given up with `signal`.
   */
  async lock(offset: number | bigint, length: number | bigint, opts: LockOptions = {}): Promise<void> {
    this.check("lock");
    const flags =
      (opts.exclusive === false ? LockFlags.SHARED_LOCK : LockFlags.EXCLUSIVE_LOCK) |
      (opts.wait ? 0 : LockFlags.FAIL_IMMEDIATELY);
    try {
      await this.open.lock([{ offset, length, flags }], { signal: opts.signal });
    } catch (err) {
      this.fail(err, "lock");
    }
  }

  async unlock(offset: number | bigint, length: number | bigint): Promise<void> {
    this.check("unlock");
    try {
      await this.open.lock([{ offset, length, flags: LockFlags.UNLOCK }]);
    } catch (err) {
      this.fail(err, "unlock");
    }
  }

  createReadStream(opts: ReadStreamOptions = {}): SmbReadStream {
    return new SmbReadStream(
      { core: this.core, path: this.path, handle: this.handle },
      { autoClose: false, ...opts },
    );
  }

  createWriteStream(opts: WriteStreamOptions = {}): SmbWriteStream {
    return new SmbWriteStream(
      { core: this.core, path: this.path, handle: this.handle },
      { autoClose: false, ...opts },
    );
  }

  /** CLOSE (idempotent). */
  close(): Promise<void> {
    this.closing ??= this.handle.close().then(
      () => undefined,
      (err) => {
        if (err && (err as { status?: number }).status === NtStatus.STATUS_FILE_CLOSED) return;
        this.fail(err, "close");
      },
    );
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
