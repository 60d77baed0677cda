/** DCE/RPC over SMB named pipes (MS-RPCE, ncacn_np) and the interfaces built on it (MS-SRVS). */
export { type BindResult, RpcClient, type RpcClientOptions } from "./client.js";
export {
  FAULT_NAMES,
  faultName,
  RpcError,
  type RpcErrorCode,
  type RpcErrorDetails,
  WERROR,
  WERROR_NAMES,
  werrorName,
} from "./errors.js";
export { type Deferred, NdrReader, NdrWriter } from "./ndr.js";
export {
  DEFAULT_MAX_FRAG,
  NDR_SYNTAX,
  PfcFlags,
  PType,
  type SyntaxId,
} from "./pdu.js";
export type { RpcPipe } from "./pipe.js";
export { listSharesOnSession, openRpcPipe, PIPE_ACCESS, rpcPipeFromOpen } from "./smb-pipe.js";
export {
  decodeNetrShareEnumResponse,
  encodeNetrShareEnumRequest,
  encodeNetrShareEnumResponse,
  type NetrShareEnumRequest,
  type NetrShareEnumResponse,
  type NetShareEnumOptions,
  netShareEnum,
  netShareEnumOn,
  type ShareInfo,
  type ShareInfo1,
  SRVSVC_SYNTAX,
  SrvsvcOpnum,
  Stype,
  toShareInfo,
} from "./srvsvc.js";
