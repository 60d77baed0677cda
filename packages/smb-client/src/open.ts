/**
 * Open: a handle from CREATE (MS-SMB2 3.2.4.3) and the operations on it. READ and WRITE are single
 * requests up to the negotiated maximum; the high-level API keeps many of them in flight at once.
 */
import {
  CloseFlags,
  CloseRequest,
  CloseResponse,
  Command,
  CreateDisposition,
  type CreateContext,
  CreateOptions as CreateOptionBits,
  CreateRequest,
  CreateResponse,
  type FileId,
  FilePipePrinterAccessMask as FileAccess,
  FlushRequest,
  HeaderFlags,
  ImpersonationLevel,
  NtStatus,
  OplockLevel,
  ReadRequest,
  ReadResponse,
  ShareAccess,
  WriteRequest,
  WriteResponse,
} from "smb-structures";
import type { SmbResponse } from "smb-transport";
import { creditChargeFor } from "smb-transport";
import { log } from "./log.js";
import type { Tree } from "./tree.js";

export interface CreateOptions {
  /** Access mask (default GENERIC_READ-like: READ_DATA|READ_ATTRIBUTES|READ_EA|SYNCHRONIZE). */
  desiredAccess?: number;
  fileAttributes?: number;
  /** Default: read|write|delete, so other opens are not locked out. */
  shareAccess?: number;
  /** Default FILE_OPEN. */
  disposition?: number;
  createOptions?: number;
  oplockLevel?: number;
  impersonationLevel?: number;
  contexts?: CreateContext[];
  /** Sets SMB2_FLAGS_DFS_OPERATIONS (path is a DFS path on a DFS share). */
  dfs?: boolean;
  signal?: AbortSignal;
}

/** Times and sizes CREATE and CLOSE report (FILETIME values as bigint). */
export interface OpenInfo {
  creationTime: bigint;
  lastAccessTime: bigint;
  lastWriteTime: bigint;
  changeTime: bigint;
  allocationSize: bigint;
  endOfFile: bigint;
  fileAttributes: number;
}

export interface IoOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class Open {
  closed = false;
  constructor(
    readonly tree: Tree,
    readonly path: string,
    readonly fileId: FileId,
    /** FILE_SUPERSEDED/OPENED/CREATED/OVERWRITTEN */
    readonly createAction: number,
    public info: OpenInfo,
    readonly oplockLevel: number,
    readonly responseContexts: CreateContext[],
  ) {}

  static createRequest(tree: Tree, path: string, o: CreateOptions) {
    const body = CreateRequest.encode({
      requestedOplockLevel: o.oplockLevel ?? OplockLevel.NONE,
      impersonationLevel: o.impersonationLevel ?? ImpersonationLevel.IMPERSONATION,
      desiredAccess:
        o.desiredAccess ??
        FileAccess.FILE_READ_DATA |
          FileAccess.FILE_READ_ATTRIBUTES |
          FileAccess.FILE_READ_EA |
          FileAccess.SYNCHRONIZE,
      fileAttributes: o.fileAttributes ?? 0,
      shareAccess: o.shareAccess ?? ShareAccess.READ | ShareAccess.WRITE | ShareAccess.DELETE,
      createDisposition: o.disposition ?? CreateDisposition.OPEN,
      createOptions: o.createOptions ?? 0,
      name: path,
      createContexts: o.contexts ?? [],
    });
    return tree.secure({
      command: Command.CREATE,
      body: [body],
      flags: o.dfs ? HeaderFlags.DFS_OPERATIONS : 0,
      signal: o.signal,
    });
  }

  static fromResponse(tree: Tree, path: string, res: SmbResponse): Open {
    const r = CreateResponse.decode(res.body, 0, res.body.length, { base: -64 });
    return new Open(
      tree,
      path,
      r.fileId,
      r.createAction,
      {
        creationTime: r.creationTime,
        lastAccessTime: r.lastAccessTime,
        lastWriteTime: r.lastWriteTime,
        changeTime: r.changeTime,
        allocationSize: r.allocationSize,
        endOfFile: r.endOfFile,
        fileAttributes: r.fileAttributes,
      },
      r.oplockLevel,
      r.createContexts,
    );
  }

  static async create(tree: Tree, path: string, o: CreateOptions = {}): Promise<Open> {
    const req = Open.createRequest(tree, path, o);
    const res = await tree.connection.send({ ...req, path });
    const open = Open.fromResponse(tree, path, res);
    log("open %s -> %s", path, open.fileId.volatile.toString(16));
    return open;
  }

  get connection() {
    return this.tree.connection;
  }

  get isDirectory(): boolean {
    return (this.info.fileAttributes & 0x10) !== 0;
  }

  /**
   * One READ of up to maxReadSize bytes at `offset`. Returns a view into the received message (no copy);
   * an empty buffer at end of file.
   */
  async read(offset: bigint | number, length: number, opts: IoOptions = {}): Promise<Buffer> {
    const max = this.connection.negotiated.maxReadSize;
    if (length > max) throw new RangeError(`READ of ${length} bytes exceeds the server's maximum of ${max}`);
    const body = ReadRequest.encode({
      padding: 0x50,
      flags: 0,
      length,
      offset: BigInt(offset),
      fileId: this.fileId,
      minimumCount: 0,
      channel: 0,
      remainingBytes: 0,
    });
    const res = await this.tree.send({
      command: Command.READ,
      body: [body],
      expectedResponseSize: length,
      accept: [NtStatus.STATUS_END_OF_FILE],
      path: this.path,
      ...opts,
    });
    if (res.status === NtStatus.STATUS_END_OF_FILE) return Buffer.alloc(0);
    return ReadResponse.decode(res.body, 0, res.body.length, { base: -64 }).data;
  }

  /** One WRITE of `data` (at most maxWriteSize) at `offset`; resolves with the count written. */
  async write(data: Uint8Array, offset: bigint | number, opts: IoOptions = {}): Promise<number> {
    const max = this.connection.negotiated.maxWriteSize;
    if (data.length > max)
      throw new RangeError(`WRITE of ${data.length} bytes exceeds the server's maximum of ${max}`);
    const parts = WriteRequest.encodeParts({
      offset: BigInt(offset),
      fileId: this.fileId,
      channel: 0,
      remainingBytes: 0,
      flags: 0,
      data: Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length),
    });
    const res = await this.tree.send({ command: Command.WRITE, body: parts, path: this.path, ...opts });
    return WriteResponse.decode(res.body, 0, res.body.length, { base: -64 }).count;
  }

  async flush(opts: IoOptions = {}): Promise<void> {
    await this.tree.send({
      command: Command.FLUSH,
      body: [FlushRequest.encode({ fileId: this.fileId })],
      path: this.path,
      ...opts,
    });
  }

  /** CLOSE; with `postQuery` the server returns the final attributes and times. */
  async close(opts: { postQuery?: boolean; signal?: AbortSignal } = {}): Promise<OpenInfo | undefined> {
    if (this.closed) return undefined;
    this.closed = true;
    if (this.connection.closed) return undefined;
    const res = await this.tree.send({
      command: Command.CLOSE,
      body: [
        CloseRequest.encode({ flags: opts.postQuery ? CloseFlags.POSTQUERY_ATTRIB : 0, fileId: this.fileId }),
      ],
      path: this.path,
      accept: [NtStatus.STATUS_FILE_CLOSED],
      signal: opts.signal,
    });
    if (!opts.postQuery || res.status !== NtStatus.STATUS_SUCCESS) return undefined;
    const r = CloseResponse.decode(res.body, 0, res.body.length, { base: -64 });
    this.info = {
      creationTime: r.creationTime,
      lastAccessTime: r.lastAccessTime,
      lastWriteTime: r.lastWriteTime,
      changeTime: r.changeTime,
      allocationSize: r.allocationSize,
      endOfFile: r.endOfFile,
      fileAttributes: r.fileAttributes,
    };
    return this.info;
  }

  /** Credit charge of a READ/WRITE of `bytes` (for window sizing by callers). */
  static chargeFor(bytes: number): number {
    return creditChargeFor(bytes);
  }
}

export { CreateDisposition, CreateOptionBits };
