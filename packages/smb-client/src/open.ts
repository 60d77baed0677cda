/**
 * Open: a handle from CREATE (MS-SMB2 3.2.4.3) and the operations on it. READ and WRITE are single
 * requests up to the negotiated maximum; the high-level API keeps many of them in flight at once.
 */
import {
  ChangeNotifyFlags,
  ChangeNotifyRequest,
  ChangeNotifyResponse,
  CloseFlags,
  CloseRequest,
  CloseResponse,
  Command,
  CreateContexts,
  CreateDisposition,
  DurableHandleFlags,
  LeaseState,
  NULL_GUID,
  randomGuid,
  type CreateContext,
  CreateOptions as CreateOptionBits,
  CreateRequest,
  CreateResponse,
  type FileId,
  FilePipePrinterAccessMask as FileAccess,
  directoryInformationChains,
  FileInformationClass,
  FileNotifyInformation,
  type FileNotifyInformationValue,
  FlushRequest,
  FsctlCode,
  IoctlFlags,
  IoctlRequest,
  IoctlResponse,
  type LockElement,
  LockFlags,
  LockRequest,
  QueryDirectoryFlags,
  QueryDirectoryRequest,
  QueryDirectoryResponse,
  QueryInfoRequest,
  QueryInfoResponse,
  SetInfoRequest,
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
import { SmbClientError } from "./errors.js";
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
  /**
   * Ask for a durable handle (MS-SMB2 3.2.4.3.5): v2 with a read/handle(/write) lease on SMB 3.x, v1
   * with a batch oplock on 2.x. A durable open survives a dropped connection and is reclaimed with
   * `Open.reconnect` on a new session (same client GUID) within `timeoutMs`.
   */
  durable?: { timeoutMs?: number; persistent?: boolean; createGuid?: string; leaseKey?: string };
  /**
   * The CREATE is sent again after its connection dropped before the reply (SMB 3.x: with
   * SMB2_FLAGS_REPLAY_OPERATION and the first attempt's `durable.createGuid`, so a server that did
   * open the file returns that open, MS-SMB2 3.3.5.9.10).
   */
  replay?: boolean;
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
  /**
   * The request is re-sent after its connection was lost (its reply never came): on SMB 3.x it
   * carries SMB2_FLAGS_REPLAY_OPERATION (MS-SMB2 2.2.1.2, 3.3.5.2.10).
   */
  replay?: boolean;
}

/** Header fields of a request on an open: ChannelSequence and the replay flag (SMB 3.x only). */
export interface OpenHeaderFields {
  channelSequence: number;
  flags: number;
}

const EMPTY = Buffer.alloc(0);
/** READ past the end of file is not an error: an empty result. */
export const READ_ACCEPT: readonly number[] = [NtStatus.STATUS_END_OF_FILE];
/** Default QUERY_DIRECTORY output buffer: large, so big directories take few round trips. */
const DIRECTORY_BUFFER = 1024 * 1024;

type DirectoryClass = keyof typeof directoryInformationChains;
/** Decoded entry of a directory information class. */
export type DirectoryEntry<C extends DirectoryClass> = (typeof directoryInformationChains)[C] extends {
  decode(...a: never[]): { value: (infer E)[] };
}
  ? E
  : never;

export interface QueryDirectoryOptions extends IoOptions {
  /** Wildcard pattern (default "*"). */
  pattern?: string;
  /** A directory FileInformationClass (default FileIdBothDirectoryInformation). */
  infoClass?: DirectoryClass;
  restart?: boolean;
  /** Extra QUERY_DIRECTORY flags (RETURN_SINGLE_ENTRY, INDEX_SPECIFIED, REOPEN). */
  flags?: number;
  outputBufferLength?: number;
}

export interface QueryInfoOptions {
  /** InfoType: FILE 1, FILESYSTEM 2, SECURITY 3, QUOTA 4. */
  infoType: number;
  /** FileInfoClass (or 0 for security). */
  infoClass: number;
  outputBufferLength?: number;
  /** SECURITY_INFORMATION flags for security queries; EA index for EAs. */
  additionalInformation?: number;
  flags?: number;
  input?: Buffer;
  signal?: AbortSignal;
  /** See IoOptions.replay. */
  replay?: boolean;
}

export interface SetInfoOptions {
  infoType: number;
  infoClass: number;
  buffer: Uint8Array;
  additionalInformation?: number;
  signal?: AbortSignal;
  /** See IoOptions.replay. */
  replay?: boolean;
}

export interface IoctlOptions extends IoOptions {
  maxOutputResponse?: number;
  /** FSCTL (default) or device IOCTL. */
  isFsctl?: boolean;
  /** Non-success statuses that still return the output (STATUS_BUFFER_OVERFLOW ...). */
  accept?: readonly number[];
  onStatus?: (status: number) => void;
}

export interface ChangeNotifyOptions {
  /** FILE_NOTIFY_CHANGE_* CompletionFilter bits. */
  filter: number;
  recursive?: boolean;
  outputBufferLength?: number;
  signal?: AbortSignal;
}

/** What reclaiming a durable handle needs (MS-SMB2 3.2.1.6 Open.CreateGuid, lease key). */
export interface DurableState {
  version: 1 | 2;
  createGuid: string;
  leaseKey?: string;
  timeoutMs: number;
  persistent: boolean;
  /** The server granted durability (its response carried the durable context). */
  granted: boolean;
}

function newDurableState(tree: Tree, o: NonNullable<CreateOptions["durable"]>): DurableState {
  const v2 = tree.connection.dialect >= 0x0300;
  return {
    version: v2 ? 2 : 1,
    createGuid: o.createGuid ?? randomGuid(),
    leaseKey: v2 ? (o.leaseKey ?? randomGuid()) : undefined,
    timeoutMs: o.timeoutMs ?? 60_000,
    persistent: !!o.persistent,
    granted: false,
  };
}

function grantedDurability(open: Open, state: DurableState): DurableState | undefined {
  const c = open.responseContexts;
  if (state.version === 1) return c.some((x) => x.name === "DHnQ") ? { ...state, granted: true } : undefined;
  const v2 = CreateContexts.durableHandleResponseV2.find(c);
  if (!v2) return undefined;
  // MS-SMB2 2.2.14.2.12: how long the server waits for the reconnect (0: its default, keep ours).
  return {
    ...state,
    granted: true,
    timeoutMs: v2.timeout > 0 ? v2.timeout : state.timeoutMs,
    persistent: !!(v2.flags & DurableHandleFlags.PERSISTENT),
  };
}

export class Open {
  closed = false;
  /**
   * ChannelSequence sent with every request on this open (SMB 3.x, MS-SMB2 2.2.1.2). It starts at 0
   * and goes up by one each time the open is reclaimed after a lost connection (as Session.
   * ChannelSequence does on a channel failure, MS-SMB2 3.2.7.1), so the server tells requests sent
   * before the failure from those sent after it (3.3.5.2.10).
   */
  channelSequence = 0;
  /** Durable handle state when one was granted (reclaimable after a dropped connection). */
  durable: DurableState | undefined;
  /** What CREATE was asked with (reused by reconnect). */
  createOptions: CreateOptions = {};
  constructor(
    public tree: Tree,
    readonly path: string,
    public fileId: FileId,
    /** FILE_SUPERSEDED/OPENED/CREATED/OVERWRITTEN */
    readonly createAction: number,
    public info: OpenInfo,
    readonly oplockLevel: number,
    readonly responseContexts: CreateContext[],
  ) {}

  /**
   * The CREATE request for `path`. With `durable`, adds the durable handle request (or, with
   * `reconnectFileId`, the reconnect) context and the lease or oplock durability needs.
   */
  static createRequest(
    tree: Tree,
    path: string,
    o: CreateOptions,
    durable?: DurableState,
    reconnectFileId?: FileId,
  ) {
    const contexts = [...(o.contexts ?? [])];
    let oplockLevel = o.oplockLevel ?? OplockLevel.NONE;
    const reconnect = reconnectFileId ? { fileId: reconnectFileId } : undefined;
    if (durable) {
      if (durable.version === 2) {
        oplockLevel = OplockLevel.LEASE;
        contexts.push(
          CreateContexts.leaseV2.make({
            leaseKey: durable.leaseKey!,
            leaseState: LeaseState.READ_CACHING | LeaseState.HANDLE_CACHING | LeaseState.WRITE_CACHING,
            leaseFlags: 0,
            leaseDuration: 0n,
            parentLeaseKey: NULL_GUID,
            epoch: 0,
          }),
          reconnect
            ? CreateContexts.durableHandleReconnectV2.make({
                fileId: reconnect.fileId,
                createGuid: durable.createGuid,
                flags: durable.persistent ? DurableHandleFlags.PERSISTENT : 0,
              })
            : CreateContexts.durableHandleRequestV2.make({
                timeout: durable.timeoutMs,
                flags: durable.persistent ? DurableHandleFlags.PERSISTENT : 0,
                createGuid: durable.createGuid,
              }),
        );
      } else {
        oplockLevel = OplockLevel.BATCH;
        contexts.push(
          reconnect
            ? CreateContexts.durableHandleReconnect.make({ fileId: reconnect.fileId })
            : CreateContexts.durableHandleRequest.make({}),
        );
      }
    }
    const body = CreateRequest.encode({
      requestedOplockLevel: oplockLevel,
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
      createContexts: contexts,
    });
    const replay = o.replay && tree.connection.dialect >= 0x0300 ? HeaderFlags.REPLAY_OPERATION : 0;
    return tree.secure({
      command: Command.CREATE,
      body: [body],
      flags: (o.dfs ? HeaderFlags.DFS_OPERATIONS : 0) | replay,
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
    const durable = o.durable ? newDurableState(tree, o.durable) : undefined;
    const req = Open.createRequest(tree, path, o, durable);
    const res = await tree.connection.send({
      ...req,
      path,
      // A CREATE that completes after the caller gave up still opened a handle: close it.
      onLateReply: (late) => {
        if (late.status !== NtStatus.STATUS_SUCCESS) return;
        Open.fromResponse(tree, path, late)
          .close()
          .catch(() => {});
      },
    });
    const open = Open.fromResponse(tree, path, res);
    open.createOptions = o;
    if (durable) open.durable = grantedDurability(open, durable);
    tree.connection.breaks.track(open);
    log("open %s -> %s", path, open.fileId.volatile.toString(16));
    return open;
  }

  get connection() {
    return this.tree.connection;
  }

  /**
   * ChannelSequence and flags for a request on this open (MS-SMB2 3.2.4.1: 3.x dialects only; older
   * ones have a Status field there and no replay).
   */
  header(replay?: boolean): OpenHeaderFields {
    if (this.connection.dialect < 0x0300) return { channelSequence: 0, flags: 0 };
    return { channelSequence: this.channelSequence, flags: replay ? HeaderFlags.REPLAY_OPERATION : 0 };
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
    // No object spread on this path (see Session.sendOn).
    const h = this.header(opts.replay);
    const res = await this.tree.send({
      command: Command.READ,
      body: [body],
      expectedResponseSize: length,
      accept: READ_ACCEPT,
      path: this.path,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      channelSequence: h.channelSequence,
      flags: h.flags,
    });
    if (res.status === NtStatus.STATUS_END_OF_FILE) return EMPTY;
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
    const h = this.header(opts.replay);
    const res = await this.tree.send({
      command: Command.WRITE,
      body: parts,
      path: this.path,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      channelSequence: h.channelSequence,
      flags: h.flags,
    });
    return WriteResponse.decode(res.body, 0, res.body.length, { base: -64 }).count;
  }

  async flush(opts: IoOptions = {}): Promise<void> {
    await this.tree.send({
      command: Command.FLUSH,
      body: [FlushRequest.encode({ fileId: this.fileId })],
      path: this.path,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      ...this.header(opts.replay),
    });
  }

  /** CLOSE; with `postQuery` the server returns the final attributes and times. */
  async close(opts: { postQuery?: boolean; signal?: AbortSignal } = {}): Promise<OpenInfo | undefined> {
    if (this.closed) return undefined;
    this.closed = true;
    this.connection.breaks.forget(this);
    if (this.connection.closed) return undefined;
    const res = await this.tree.send({
      command: Command.CLOSE,
      body: [
        CloseRequest.encode({ flags: opts.postQuery ? CloseFlags.POSTQUERY_ATTRIB : 0, fileId: this.fileId }),
      ],
      path: this.path,
      accept: [NtStatus.STATUS_FILE_CLOSED],
      signal: opts.signal,
      ...this.header(),
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

  /**
   * One QUERY_DIRECTORY (MS-SMB2 3.2.4.17): the raw entries buffer, or undefined at
   * STATUS_NO_MORE_FILES. `restart` rescans from the first entry.
   */
  async queryDirectory(opts: QueryDirectoryOptions = {}): Promise<Buffer | undefined> {
    const neg = this.connection.negotiated;
    const outputBufferLength = Math.min(opts.outputBufferLength ?? DIRECTORY_BUFFER, neg.maxTransactSize);
    const body = QueryDirectoryRequest.encode({
      fileInformationClass: opts.infoClass ?? FileInformationClass.FileIdBothDirectoryInformation,
      flags: (opts.restart ? QueryDirectoryFlags.RESTART_SCANS : 0) | (opts.flags ?? 0),
      fileName: opts.pattern ?? "*",
      fileId: this.fileId,
      outputBufferLength,
    });
    const res = await this.tree.send({
      command: Command.QUERY_DIRECTORY,
      body: [body],
      expectedResponseSize: outputBufferLength,
      accept: [NtStatus.STATUS_NO_MORE_FILES, NtStatus.STATUS_NO_SUCH_FILE],
      path: this.path,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      ...this.header(),
    });
    if (res.status !== NtStatus.STATUS_SUCCESS) return undefined;
    return QueryDirectoryResponse.decode(res.body, 0, res.body.length, { base: -64 }).buffer;
  }

  /**
   * Every entry of the directory in batches (one per QUERY_DIRECTORY), looping until
   * STATUS_NO_MORE_FILES, decoded with the FSCC class of `infoClass`.
   */
  async *listDirectory<C extends DirectoryClass = typeof FileInformationClass.FileIdBothDirectoryInformation>(
    opts: QueryDirectoryOptions & { infoClass?: C } = {},
  ): AsyncGenerator<DirectoryEntry<C>[]> {
    const infoClass = (opts.infoClass ?? FileInformationClass.FileIdBothDirectoryInformation) as C;
    const decoder = directoryInformationChains[infoClass];
    let restart = opts.restart ?? true;
    for (;;) {
      const buf = await this.queryDirectory({ ...opts, infoClass, restart });
      restart = false;
      if (!buf || buf.length === 0) return;
      yield decoder.decode(buf, 0, buf.length, undefined, { base: 0 }).value as DirectoryEntry<C>[];
    }
  }

  /** QUERY_INFO (MS-SMB2 3.2.4.14): the raw output buffer of the class. */
  async queryInfo(opts: QueryInfoOptions): Promise<Buffer> {
    const outputBufferLength = Math.min(
      opts.outputBufferLength ?? 65536,
      this.connection.negotiated.maxTransactSize,
    );
    const res = await this.tree.send({
      command: Command.QUERY_INFO,
      body: [Open.queryInfoBody(this.fileId, { ...opts, outputBufferLength })],
      expectedResponseSize: outputBufferLength,
      path: this.path,
      signal: opts.signal,
      ...this.header(opts.replay),
    });
    return QueryInfoResponse.decode(res.body, 0, res.body.length, { base: -64 }).buffer;
  }

  static queryInfoBody(fileId: FileId, opts: QueryInfoOptions): Buffer {
    return QueryInfoRequest.encode({
      infoType: opts.infoType,
      fileInfoClass: opts.infoClass,
      outputBufferLength: opts.outputBufferLength ?? 65536,
      additionalInformation: opts.additionalInformation ?? 0,
      flags: opts.flags ?? 0,
      inputBuffer: opts.input ?? Buffer.alloc(0),
      fileId,
    });
  }

  /** SET_INFO (MS-SMB2 3.2.4.15). */
  async setInfo(opts: SetInfoOptions): Promise<void> {
    await this.tree.send({
      command: Command.SET_INFO,
      body: [
        SetInfoRequest.encode({
          infoType: opts.infoType,
          fileInfoClass: opts.infoClass,
          additionalInformation: opts.additionalInformation ?? 0,
          buffer: Buffer.from(opts.buffer),
          fileId: this.fileId,
        }),
      ],
      path: this.path,
      signal: opts.signal,
      ...this.header(opts.replay),
    });
  }

  /** IOCTL / FSCTL (MS-SMB2 3.2.4.20) on this handle; resolves with the output buffer. */
  async ioctl(ctlCode: number, input: Uint8Array = EMPTY, opts: IoctlOptions = {}): Promise<Buffer> {
    const maxOutputResponse = Math.min(
      opts.maxOutputResponse ?? 65536,
      this.connection.negotiated.maxTransactSize,
    );
    const res = await this.tree.send({
      command: Command.IOCTL,
      body: [
        IoctlRequest.encode({
          ctlCode,
          fileId: this.fileId,
          input: Buffer.from(input.buffer, input.byteOffset, input.length),
          maxOutputResponse,
          flags: opts.isFsctl === false ? IoctlFlags.IS_IOCTL : IoctlFlags.IS_FSCTL,
        }),
      ],
      expectedResponseSize: Math.max(maxOutputResponse, input.length),
      accept: opts.accept,
      path: this.path,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      ...this.header(opts.replay),
    });
    const r = IoctlResponse.decode(res.body, 0, res.body.length, { base: -64 });
    if (opts.onStatus) opts.onStatus(res.status);
    return r.output;
  }

  /** FSCTL_PIPE_TRANSCEIVE: writes a message to a named pipe and reads the reply (MS-FSCC 2.3.50). */
  async transceive(
    data: Uint8Array,
    maxOutput = 65536,
    opts: IoOptions = {},
  ): Promise<{ data: Buffer; more: boolean }> {
    let status = 0;
    const out = await this.ioctl(FsctlCode.FSCTL_PIPE_TRANSCEIVE, data, {
      ...opts,
      maxOutputResponse: maxOutput,
      accept: [NtStatus.STATUS_BUFFER_OVERFLOW],
      onStatus: (s) => {
        status = s;
      },
    });
    return { data: out, more: status === NtStatus.STATUS_BUFFER_OVERFLOW };
  }

  /**
   * LOCK (MS-SMB2 3.2.4.19): byte-range locks or unlocks. A conflict gives SmbError
   * STATUS_LOCK_NOT_GRANTED (with FAIL_IMMEDIATELY) or waits until granted (use a signal to give up).
   */
  async lock(
    elements: { offset: bigint | number; length: bigint | number; flags: number }[],
    opts: IoOptions = {},
  ) {
    const locks: LockElement[] = elements.map((e) => ({
      offset: BigInt(e.offset),
      length: BigInt(e.length),
      flags: e.flags,
    }));
    await this.tree.send({
      command: Command.LOCK,
      body: [LockRequest.encode({ fileId: this.fileId, locks })],
      path: this.path,
      signal: opts.signal,
      ...this.header(opts.replay),
      timeoutMs:
        opts.timeoutMs ?? (elements.some((e) => !(e.flags & LockFlags.FAIL_IMMEDIATELY)) ? 0 : undefined),
    });
  }

  /**
   * One CHANGE_NOTIFY (MS-SMB2 3.2.4.18) on a directory: waits (no timeout) until something changes,
   * then resolves with the changes. An empty list means the server's buffer overflowed
   * (STATUS_NOTIFY_ENUM_DIR): re-read the directory. Abort with `signal` (sends CANCEL).
   */
  async changeNotify(opts: ChangeNotifyOptions): Promise<FileNotifyInformationValue[]> {
    const outputBufferLength = Math.min(
      opts.outputBufferLength ?? 65536,
      this.connection.negotiated.maxTransactSize,
    );
    const res = await this.tree.send({
      command: Command.CHANGE_NOTIFY,
      body: [
        ChangeNotifyRequest.encode({
          flags: opts.recursive ? ChangeNotifyFlags.WATCH_TREE : 0,
          outputBufferLength,
          fileId: this.fileId,
          completionFilter: opts.filter,
        }),
      ],
      expectedResponseSize: outputBufferLength,
      accept: [NtStatus.STATUS_NOTIFY_ENUM_DIR],
      path: this.path,
      signal: opts.signal,
      timeoutMs: 0,
      ...this.header(),
    });
    if (res.status === NtStatus.STATUS_NOTIFY_ENUM_DIR) return [];
    const buf = ChangeNotifyResponse.decode(res.body, 0, res.body.length, { base: -64 }).buffer;
    if (buf.length === 0) return [];
    return FileNotifyInformation.decode(buf, 0, buf.length, undefined, { base: 0 }).value;
  }

  /** CHANGE_NOTIFY in a loop, as an async iterator; ends when `signal` aborts (no error then). */
  async *watch(opts: ChangeNotifyOptions): AsyncGenerator<FileNotifyInformationValue[]> {
    for (;;) {
      try {
        yield await this.changeNotify(opts);
      } catch (err) {
        if (opts.signal?.aborted) return;
        throw err;
      }
    }
  }

  /**
   * Reclaims this durable open on `tree` (a tree of a new session on a new connection with the same
   * client GUID) after its connection dropped (MS-SMB2 3.2.4.4): the handle, its position-free state
   * and its lease come back; the Open object is re-pointed at the new tree. Requests from then on
   * carry the next ChannelSequence (the channel failed, MS-SMB2 3.2.7.1); those re-sent because their
   * reply was lost should also pass `replay` (IoOptions).
   */
  async reconnect(tree: Tree, signal?: AbortSignal): Promise<void> {
    if (!this.durable) throw new SmbClientError(`${this.path} is not a durable open`, "ERR_SMB_NOT_DURABLE");
    const o = { ...this.createOptions, replay: false };
    const req = Open.createRequest(tree, this.path, o, this.durable, this.fileId);
    const res = await tree.connection.send({ ...req, signal, path: this.path });
    const fresh = Open.fromResponse(tree, this.path, res);
    this.tree = tree;
    this.fileId = fresh.fileId;
    this.info = fresh.info;
    this.closed = false;
    this.channelSequence = (this.channelSequence + 1) & 0xffff;
    tree.connection.breaks.track(this);
    log("durable open %s reclaimed (channel sequence %d)", this.path, this.channelSequence);
  }

  /** Credit charge of a READ/WRITE of `bytes` (for window sizing by callers). */
  static chargeFor(bytes: number): number {
    return creditChargeFor(bytes);
  }
}

export { CreateDisposition, CreateOptionBits };
