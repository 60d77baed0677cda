/** The high-level API: SmbClient (node:fs/promises for SMB), its pool, the PathResolver plug-in point. */
export type { ResolvedAuth } from "./auth.js";
export type { OpenOptions } from "./client.js";
export { SmbClient } from "./client.js";
export { closeDefaultClient, configure, defaultClient, getDefaults, resetDefaults } from "./config.js";
export type { RunOptions, ServerSettings, Target } from "./core.js";
export { isSmbPath, pathString } from "./core.js";
export type { CopyOptions, CpOptions } from "./copy.js";
export { COPYFILE_EXCL, isSafeEntryName } from "./copy.js";
export type { ListOptions, MkdirOptions, ReaddirOptions } from "./dir.js";
export { SmbDir } from "./dir.js";
export type { DirEntryInfo } from "./dirent.js";
export { SmbDirent } from "./dirent.js";
export type { FsErrorInfo } from "./errors.js";
export type { FileReadResult, FileWriteResult, LockOptions, ReadOptions } from "./file-handle.js";
export { SmbFileHandle } from "./file-handle.js";
export { fsCodeOf } from "./errors.js";
export type { StatOptions, TimeLike } from "./meta.js";
export { F_OK, R_OK, W_OK, X_OK } from "./meta.js";
export type { RenameOptions, RmOptions } from "./paths.js";
export type { ReadFileOptions, WriteData, WriteFileOptions } from "./read-write.js";
export type { PathResolver, ResolverContext } from "./resolver.js";
export { identityResolver, isPathNotCovered, isTargetFailure } from "./resolver.js";
export type {
  AceInfo,
  AceInput,
  GetSecurityOptions,
  SecurityDescriptorInfo,
  SecurityDescriptorInput,
} from "./security.js";
export type { ListSharesOptions } from "./shares.js";
export type { SmbStatFs, StatInfo } from "./stats.js";
export { SmbBigIntStats, SmbStats } from "./stats.js";
export type { ReadStreamOptions, WriteStreamOptions } from "./streams.js";
export { SmbReadStream, SmbWriteStream } from "./streams.js";
export type {
  AnyPath,
  AuthProtocol,
  CallOptions,
  ConnectOptions,
  CredentialOptions,
  KerberosSettings,
  SmbClientOptions,
} from "./types.js";
export type { WalkEntry, WalkOptions } from "./walk.js";
export type { WatchAction, WatchEvent, WatchOptions } from "./watch.js";
export { DEFAULT_WATCH_FILTER } from "./watch.js";
export type { StreamInfo } from "./xattr.js";
