/**
 * Opening files for the high-level API and running whole operations in one round trip: a related
 * compound CREATE + (QUERY_INFO | SET_INFO | READ | WRITE | IOCTL)* + CLOSE (MS-SMB2 3.2.4.1.4), where the
 * middle requests and the CLOSE name the new handle as RELATED_FILE_ID.
 */
import {
  AccessMask,
  CloseFlags,
  CloseRequest,
  CloseResponse,
  Command,
  CreateDisposition,
  CreateOptions as CreateOptionBits,
  FileAccessRights,
  IoctlFlags,
  IoctlRequest,
  IoctlResponse,
  NtStatus,
  QueryInfoResponse,
  ReadRequest,
  ReadResponse,
  RELATED_FILE_ID,
  SetInfoRequest,
  WriteRequest,
  WriteResponse,
} from "smb-structures";
import type { RequestOptions, SmbResponse } from "smb-transport";
import { checkStatus } from "../connection.js";
import { Open, type CreateOptions, type OpenInfo, type QueryInfoOptions } from "../open.js";
import type { Target } from "./core.js";
import { raceSignal } from "./pool.js";

export const Access = {
  /** READ_ATTRIBUTES | SYNCHRONIZE: enough for stat. */
  ATTRIBUTES: FileAccessRights.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE,
  READ:
    FileAccessRights.FILE_READ_DATA |
    FileAccessRights.FILE_READ_ATTRIBUTES |
    FileAccessRights.FILE_READ_EA |
    AccessMask.READ_CONTROL |
    AccessMask.SYNCHRONIZE,
  WRITE:
    FileAccessRights.FILE_WRITE_DATA |
    FileAccessRights.FILE_APPEND_DATA |
    FileAccessRights.FILE_WRITE_ATTRIBUTES |
    FileAccessRights.FILE_WRITE_EA |
    AccessMask.SYNCHRONIZE,
  DELETE: AccessMask.DELETE | FileAccessRights.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE,
  LIST: FileAccessRights.FILE_READ_DATA | FileAccessRights.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE,
} as const;

export const RW = Access.READ | Access.WRITE;

export { CreateDisposition, CreateOptionBits };

/**
 * CREATE on the target (DFS name form when the share is a DFS share). An abort does not cancel the
 * CREATE on the wire (the server would still open the file and the handle would leak): the caller gets
 * the AbortError at once and the handle is closed when the reply comes.
 */
export async function openAt(t: Target, sharePath: string, o: CreateOptions = {}): Promise<Open> {
  const { name, dfs } = t.name(sharePath);
  const signal = o.signal ?? t.signal;
  const p = t.tree.create(name, { ...o, dfs, signal: undefined });
  if (!signal) return p;
  try {
    return await raceSignal(p, signal);
  } catch (err) {
    if (signal.aborted) {
      p.then(
        (open) => open.close().catch(() => {}),
        () => {},
      );
    }
    throw err;
  }
}

/** A middle request of a related compound (it operates on RELATED_FILE_ID). */
export interface CompoundStep {
  req: RequestOptions;
  /** Statuses that still count as success (END_OF_FILE, BUFFER_OVERFLOW ...). */
  accept?: readonly number[];
}

export interface CompoundResult {
  /** The opened file's times, size and attributes (as CREATE reported them, or CLOSE with postQuery). */
  info: OpenInfo;
  createAction: number;
  /** Replies of the middle steps, in order. */
  replies: SmbResponse[];
  /** CLOSE's post-query info, when asked. */
  closeInfo: OpenInfo | undefined;
}

/**
 * CREATE + steps + CLOSE in one related compound. Throws SmbError for the first failing request (the
 * CREATE's status when the open failed: the others then fail with it).
 */
export async function compound(
  t: Target,
  sharePath: string,
  create: CreateOptions,
  steps: CompoundStep[],
  opts: { postQuery?: boolean } = {},
): Promise<CompoundResult> {
  const { name, dfs } = t.name(sharePath);
  const tree = t.tree;
  const items: RequestOptions[] = [
    Open.createRequest(tree, name, { ...create, dfs, signal: t.signal }),
    ...steps.map((s) => s.req),
    tree.secure({
      command: Command.CLOSE,
      body: [
        CloseRequest.encode({
          flags: opts.postQuery ? CloseFlags.POSTQUERY_ATTRIB : 0,
          fileId: RELATED_FILE_ID,
        }),
      ],
    }),
  ];
  const replies = await tree.connection.compound(items, true);
  const [c, ...rest] = replies;
  checkStatus(c!, { command: Command.CREATE, path: name });
  const open = Open.fromResponse(tree, name, c!);
  const middle = rest.slice(0, steps.length);
  middle.forEach((r, i) => {
    checkStatus(r, { command: r.header.command, accept: steps[i]!.accept, path: name });
  });
  const cl = rest[steps.length]!;
  let closeInfo: OpenInfo | undefined;
  if (opts.postQuery && cl.status === NtStatus.STATUS_SUCCESS) {
    const r = CloseResponse.decode(cl.body, 0, cl.body.length, { base: -64 });
    closeInfo = {
      creationTime: r.creationTime,
      lastAccessTime: r.lastAccessTime,
      lastWriteTime: r.lastWriteTime,
      changeTime: r.changeTime,
      allocationSize: r.allocationSize,
      endOfFile: r.endOfFile,
      fileAttributes: r.fileAttributes,
    };
  }
  return { info: open.info, createAction: open.createAction, replies: middle, closeInfo };
}

export const Step = {
  queryInfo(t: Target, o: QueryInfoOptions, accept?: readonly number[]): CompoundStep {
    const outputBufferLength = Math.min(
      o.outputBufferLength ?? 65536,
      t.tree.connection.negotiated.maxTransactSize,
    );
    return {
      req: t.tree.secure({
        command: Command.QUERY_INFO,
        body: [Open.queryInfoBody(RELATED_FILE_ID, { ...o, outputBufferLength })],
        expectedResponseSize: outputBufferLength,
      }),
      accept,
    };
  },
  setInfo(
    t: Target,
    o: { infoType: number; infoClass: number; buffer: Uint8Array; additionalInformation?: number },
  ): CompoundStep {
    return {
      req: t.tree.secure({
        command: Command.SET_INFO,
        body: [
          SetInfoRequest.encode({
            infoType: o.infoType,
            fileInfoClass: o.infoClass,
            additionalInformation: o.additionalInformation ?? 0,
            buffer: Buffer.from(o.buffer),
            fileId: RELATED_FILE_ID,
          }),
        ],
      }),
    };
  },
  read(t: Target, offset: number, length: number): CompoundStep {
    return {
      req: t.tree.secure({
        command: Command.READ,
        body: [
          ReadRequest.encode({
            padding: 0x50,
            flags: 0,
            length,
            offset: BigInt(offset),
            fileId: RELATED_FILE_ID,
          }),
        ],
        expectedResponseSize: length,
      }),
      accept: [NtStatus.STATUS_END_OF_FILE],
    };
  },
  write(t: Target, data: Uint8Array, offset: number): CompoundStep {
    return {
      req: t.tree.secure({
        command: Command.WRITE,
        body: WriteRequest.encodeParts({
          offset: BigInt(offset),
          fileId: RELATED_FILE_ID,
          data: Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length),
        }),
      }),
    };
  },
  ioctl(
    t: Target,
    ctlCode: number,
    input: Uint8Array,
    maxOutputResponse = 65536,
    accept?: readonly number[],
  ): CompoundStep {
    const max = Math.min(maxOutputResponse, t.tree.connection.negotiated.maxTransactSize);
    return {
      req: t.tree.secure({
        command: Command.IOCTL,
        body: [
          IoctlRequest.encode({
            ctlCode,
            fileId: RELATED_FILE_ID,
            input: Buffer.from(input.buffer, input.byteOffset, input.length),
            maxOutputResponse: max,
            flags: IoctlFlags.IS_FSCTL,
          }),
        ],
        expectedResponseSize: Math.max(max, input.length),
      }),
      accept,
    };
  },
};

/** Decoders for the replies of the steps above. */
export const Reply = {
  queryInfo: (r: SmbResponse) => QueryInfoResponse.decode(r.body, 0, r.body.length, { base: -64 }).buffer,
  read: (r: SmbResponse) =>
    r.status === NtStatus.STATUS_END_OF_FILE
      ? Buffer.alloc(0)
      : ReadResponse.decode(r.body, 0, r.body.length, { base: -64 }).data,
  write: (r: SmbResponse) => WriteResponse.decode(r.body, 0, r.body.length, { base: -64 }).count,
  ioctl: (r: SmbResponse) => IoctlResponse.decode(r.body, 0, r.body.length, { base: -64 }).output,
};

/** Runs `fn` with an open handle and closes it afterwards (also on error). */
export async function withOpen<T>(
  t: Target,
  sharePath: string,
  o: CreateOptions,
  fn: (open: Open) => Promise<T>,
): Promise<T> {
  const open = await openAt(t, sharePath, o);
  try {
    return await fn(open);
  } finally {
    await open.close().catch(() => {});
  }
}

export const DIRECTORY = CreateOptionBits.DIRECTORY_FILE;
export const NON_DIRECTORY = CreateOptionBits.NON_DIRECTORY_FILE;
