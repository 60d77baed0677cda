/**
 * Command code -> request/response body structs (MS-SMB2 2.2.1 Command), for the transport's logging
 * and for tests. OPLOCK_BREAK has several bodies (told apart by StructureSize); error replies and
 * interim replies carry the SMB2 ERROR body.
 */
import type { Fields, Struct } from "../../codec/struct.js";
import { NtStatus } from "../../ntstatus/index.js";
import { Command } from "../constants.js";
import { CancelRequest } from "./cancel.js";
import { ChangeNotifyRequest, ChangeNotifyResponse } from "./change-notify.js";
import { CloseRequest, CloseResponse } from "./close.js";
import { CreateRequest, CreateResponse } from "./create.js";
import { EchoRequest, EchoResponse } from "./echo.js";
import { ErrorResponse } from "./error.js";
import { FlushRequest, FlushResponse } from "./flush.js";
import { IoctlRequest, IoctlResponse } from "./ioctl.js";
import { LockRequest, LockResponse } from "./lock.js";
import { LogoffRequest, LogoffResponse } from "./logoff.js";
import { NegotiateRequest, NegotiateResponse } from "./negotiate.js";
import {
  LeaseBreakAcknowledgment,
  LeaseBreakNotification,
  LeaseBreakResponse,
  OplockBreakAcknowledgment,
  OplockBreakNotification,
  OplockBreakResponse,
} from "./oplock-break.js";
import { QueryDirectoryRequest, QueryDirectoryResponse } from "./query-directory.js";
import { QueryInfoRequest, QueryInfoResponse } from "./query-info.js";
import { ReadRequest, ReadResponse } from "./read.js";
import { SessionSetupRequest, SessionSetupResponse } from "./session-setup.js";
import { SetInfoRequest, SetInfoResponse } from "./set-info.js";
import { TreeConnectRequest, TreeConnectResponse } from "./tree-connect.js";
import { TreeDisconnectRequest, TreeDisconnectResponse } from "./tree-disconnect.js";
import { WriteRequest, WriteResponse } from "./write.js";

type AnyStruct = Struct<Fields>;
export interface CommandBodies {
  /** Request bodies (several for OPLOCK_BREAK: pick by StructureSize). */
  requests: readonly AnyStruct[];
  /** Successful response bodies (none for CANCEL). */
  responses: readonly AnyStruct[];
}

const one = (request: AnyStruct, response?: AnyStruct): CommandBodies => ({
  requests: [request],
  responses: response ? [response] : [],
});

export const commandBodies: Readonly<Record<Command, CommandBodies>> = {
  [Command.NEGOTIATE]: one(NegotiateRequest, NegotiateResponse),
  [Command.SESSION_SETUP]: one(SessionSetupRequest, SessionSetupResponse),
  [Command.LOGOFF]: one(LogoffRequest, LogoffResponse),
  [Command.TREE_CONNECT]: one(TreeConnectRequest, TreeConnectResponse),
  [Command.TREE_DISCONNECT]: one(TreeDisconnectRequest, TreeDisconnectResponse),
  [Command.CREATE]: one(CreateRequest, CreateResponse),
  [Command.CLOSE]: one(CloseRequest, CloseResponse),
  [Command.FLUSH]: one(FlushRequest, FlushResponse),
  [Command.READ]: one(ReadRequest, ReadResponse),
  [Command.WRITE]: one(WriteRequest, WriteResponse),
  [Command.LOCK]: one(LockRequest, LockResponse),
  [Command.IOCTL]: one(IoctlRequest, IoctlResponse),
  [Command.CANCEL]: one(CancelRequest),
  [Command.ECHO]: one(EchoRequest, EchoResponse),
  [Command.QUERY_DIRECTORY]: one(QueryDirectoryRequest, QueryDirectoryResponse),
  [Command.CHANGE_NOTIFY]: one(ChangeNotifyRequest, ChangeNotifyResponse),
  [Command.QUERY_INFO]: one(QueryInfoRequest, QueryInfoResponse),
  [Command.SET_INFO]: one(SetInfoRequest, SetInfoResponse),
  [Command.OPLOCK_BREAK]: {
    requests: [OplockBreakAcknowledgment, LeaseBreakAcknowledgment],
    responses: [OplockBreakNotification, LeaseBreakNotification, OplockBreakResponse, LeaseBreakResponse],
  },
};

/** Warnings whose replies still carry the command's own response body (MS-SMB2 3.2.5.1.6 ...). */
const DATA_WITH_WARNING = new Set<number>([NtStatus.STATUS_BUFFER_OVERFLOW]);

function byStructureSize(list: readonly AnyStruct[], body: Buffer, start: number): AnyStruct | undefined {
  if (start + 2 > body.length) return undefined;
  const size = body.readUInt16LE(start);
  return list.find((s) => {
    const f = s.fields.structureSize;
    return f !== undefined && f.kind === "const" && f.value === size;
  });
}

/**
 * The struct of a message body: `body` (from `start`) is a request, or a response with `status`. For
 * responses, error and interim (STATUS_PENDING) replies give ErrorResponse, except where the status
 * still comes with the command's response (MORE_PROCESSING_REQUIRED on SESSION_SETUP, BUFFER_OVERFLOW,
 * an IOCTL body with an error status). Undefined when nothing matches (unknown command or size).
 */
export function bodyStruct(
  command: number,
  response: boolean,
  body: Buffer,
  start = 0,
  status = 0,
): AnyStruct | undefined {
  const entry = (commandBodies as Record<number, CommandBodies | undefined>)[command];
  if (!entry) return undefined;
  if (!response) return byStructureSize(entry.requests, body, start);
  if (status === NtStatus.STATUS_PENDING) return ErrorResponse;
  const own = byStructureSize(entry.responses, body, start);
  const isError = status >>> 30 === 3 || (status >>> 30 === 2 && !DATA_WITH_WARNING.has(status));
  if (!isError) return own;
  if (command === Command.SESSION_SETUP && status === NtStatus.STATUS_MORE_PROCESSING_REQUIRED) return own;
  // An error status with a body of the command's own size other than 9: IOCTL copychunk limits ...
  if (own && body.readUInt16LE(start) !== 9) return own;
  return byStructureSize([ErrorResponse], body, start);
}
