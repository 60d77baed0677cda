/**
 * smb-client: the SMB2/3 client. Low-level API: Connection (transport + NEGOTIATE), Session
 * (SESSION_SETUP, keys), Tree (TREE_CONNECT), Open (CREATE and file operations).
 */
export type { NegotiatedState, SendOptions } from "./connection.js";
export { Connection, checkStatus } from "./connection.js";
export type { SmbErrorDetails } from "./errors.js";
export { SmbClientError, SmbError } from "./errors.js";
export type { CreateOptions, IoOptions, OpenInfo } from "./open.js";
export { Open } from "./open.js";
export type { ConnectionOptions, DialectName } from "./options.js";
export { DIALECTS, dialectName, parseDialect } from "./options.js";
export type { SessionOptions } from "./session.js";
export { Session } from "./session.js";
export type { ParseOptions, SmbPath } from "./smb-path.js";
export { formatSmbPath, joinSharePath, parseSmbPath } from "./smb-path.js";
export type { TreeConnectOptions } from "./tree.js";
export { Tree } from "./tree.js";
export type { TransferOptions } from "./transfer.js";
export { pipelinedRead, pipelinedWrite, pipelinedWriteFrom, transferSizing } from "./transfer.js";
export { BreakHandler } from "./breaks.js";
export type {
  ChangeNotifyOptions,
  DirectoryEntry,
  IoctlOptions,
  QueryDirectoryOptions,
  QueryInfoOptions,
  SetInfoOptions,
} from "./open.js";
export * from "./rpc/index.js";
export * from "./fs/index.js";
