/**
 * fs-style errors for the high-level API: every failure carries `code` (ENOENT, EEXIST ...), `syscall`
 * ("open", "stat", "rename" ...) and `path` (the caller's path as given), plus the NTSTATUS name and code
 * when the server refused. Errors the engine raises keep their class; SmbErrors are re-created with the
 * fs details so the message reads like node's ("ENOENT: STATUS_OBJECT_NAME_NOT_FOUND: open '//h/s/x'").
 */
import { Command, NtStatus } from "smb-structures";
import { SmbClientError, SmbError } from "../errors.js";

/** Statuses the engine's table leaves unmapped (or maps differently) that fs callers expect as errno codes. */
const EXTRA_CODES: ReadonlyMap<number, string> = new Map([
  [NtStatus.STATUS_NOT_A_REPARSE_POINT, "EINVAL"],
  [NtStatus.STATUS_NONEXISTENT_EA_ENTRY, "ENODATA"],
  [NtStatus.STATUS_NO_EAS_ON_FILE, "ENODATA"],
  [NtStatus.STATUS_EAS_NOT_SUPPORTED, "ENOTSUP"],
  [NtStatus.STATUS_INVALID_INFO_CLASS, "ENOTSUP"],
  [NtStatus.STATUS_IO_REPARSE_TAG_NOT_HANDLED, "ENOTSUP"],
  [NtStatus.STATUS_FILE_CLOSED, "EBADF"],
  [NtStatus.STATUS_INVALID_HANDLE, "EBADF"],
  [NtStatus.STATUS_PRIVILEGE_NOT_HELD, "EPERM"],
  [NtStatus.STATUS_NETWORK_NAME_DELETED, "ECONNRESET"],
  [NtStatus.STATUS_USER_SESSION_DELETED, "ECONNRESET"],
  [NtStatus.STATUS_NETWORK_SESSION_EXPIRED, "ECONNRESET"],
  [NtStatus.STATUS_CONNECTION_DISCONNECTED, "ECONNRESET"],
  [NtStatus.STATUS_CONNECTION_RESET, "ECONNRESET"],
  [NtStatus.STATUS_BAD_NETWORK_PATH, "ENOENT"],
  [NtStatus.STATUS_EA_TOO_LARGE, "E2BIG"],
  [NtStatus.STATUS_OBJECT_TYPE_MISMATCH, "EINVAL"],
]);

const ERRNO: Record<string, number> = {
  ENODATA: -61,
  EBADF: -9,
  EPERM: -1,
  ECONNRESET: -104,
  E2BIG: -7,
  EINVAL: -22,
  ENOTSUP: -95,
};

const COMMANDS = new Map<string, number>(Object.entries(Command));

export interface FsErrorInfo {
  syscall: string;
  /** The path as the caller wrote it. */
  path?: string;
  /** Second path (rename, copyFile, link ...), as node's `dest`. */
  dest?: string;
}

/** The fs-style code for an NTSTATUS: the engine's mapping plus the extra ones above. */
export function fsCodeOf(status: number): string {
  return EXTRA_CODES.get(status >>> 0) ?? new SmbError(status).code;
}

/** An SmbError for `status` with the fs details; the message starts with the fs code. */
export function smbFsError(
  status: number,
  info: FsErrorInfo,
  extra?: { command?: number; detail?: string; cause?: unknown; code?: string },
): SmbError {
  const e = new SmbError(status, {
    command: extra?.command,
    path: info.path,
    syscall: info.syscall,
    detail: extra?.detail,
  });
  const code = extra?.code ?? EXTRA_CODES.get(e.status);
  if (code) {
    Object.defineProperty(e, "code", { value: code, enumerable: true });
    Object.defineProperty(e, "errno", { value: ERRNO[code] ?? 0, enumerable: true });
  }
  if (info.dest !== undefined) Object.defineProperty(e, "dest", { value: info.dest, enumerable: true });
  if (extra?.cause !== undefined)
    Object.defineProperty(e, "cause", { value: extra.cause, enumerable: false });
  e.message = `${e.code}: ${e.message}${info.dest !== undefined ? ` -> '${info.dest}'` : ""}`;
  return e;
}

/** Shorthands for errors the client raises itself (the status is the one a server would send). */
export const FsStatus = {
  ENOENT: NtStatus.STATUS_OBJECT_NAME_NOT_FOUND,
  EEXIST: NtStatus.STATUS_OBJECT_NAME_COLLISION,
  ENOTDIR: NtStatus.STATUS_NOT_A_DIRECTORY,
  EISDIR: NtStatus.STATUS_FILE_IS_A_DIRECTORY,
  ENOTEMPTY: NtStatus.STATUS_DIRECTORY_NOT_EMPTY,
  EINVAL: NtStatus.STATUS_INVALID_PARAMETER,
  EXDEV: NtStatus.STATUS_NOT_SAME_DEVICE,
  EBADF: NtStatus.STATUS_INVALID_HANDLE,
  ENOTSUP: NtStatus.STATUS_NOT_SUPPORTED,
  ENODATA: NtStatus.STATUS_NONEXISTENT_EA_ENTRY,
  EACCES: NtStatus.STATUS_ACCESS_DENIED,
} as const;

/**
 * Gives `err` the fs details of the call. SmbErrors are re-created (fs code first in the message, the
 * caller's path); abort errors stay as they are (name "AbortError", code "ABORT_ERR", like node's); any
 * other error gets `syscall` and `path` when it has none.
 */
export function toFsError(err: unknown, info: FsErrorInfo): unknown {
  if (err instanceof SmbError) {
    if ((err as { fsMapped?: boolean }).fsMapped) return err;
    const lost = isHandleLost(err);
    const e = smbFsError(err.status, info, {
      command: err.command === undefined ? undefined : COMMANDS.get(err.command),
      cause: err,
      code: lost ? "ECONNRESET" : undefined,
    });
    if (lost) markHandleLost(e);
    Object.defineProperty(e, "fsMapped", { value: true, enumerable: false });
    return e;
  }
  if (err instanceof Error && !(err instanceof SmbClientError && err.code === "ABORT_ERR")) {
    const o = err as Error & { syscall?: string; path?: string; dest?: string };
    if (err.name === "AbortError") return err;
    try {
      if (o.syscall === undefined) o.syscall = info.syscall;
      if (o.path === undefined && info.path !== undefined) o.path = info.path;
      if (o.dest === undefined && info.dest !== undefined) o.dest = info.dest;
    } catch {
      // frozen or read-only error objects are passed on as they are
    }
  }
  return err;
}

/**
 * The error of a request whose handle was lost with its connection and could not be reclaimed: fs code
 * ECONNRESET whatever the status (the server's answer to the reclaim, or STATUS_CONNECTION_DISCONNECTED
 * when there was none); `handleLost` is true.
 */
export function handleLostError(status: number, info: FsErrorInfo, detail: string, cause: unknown): SmbError {
  return markHandleLost(smbFsError(status, info, { detail, cause, code: "ECONNRESET" }));
}

function markHandleLost(e: SmbError): SmbError {
  Object.defineProperty(e, "handleLost", { value: true, enumerable: true });
  return e;
}

/** True for the error of a handle lost with its connection (handleLostError). */
export function isHandleLost(err: unknown): boolean {
  return (err as { handleLost?: unknown } | undefined)?.handleLost === true;
}

/** True for an SmbError or fs error with this fs code. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

/** True for an SmbError with one of these statuses. */
export function hasStatus(err: unknown, ...statuses: number[]): boolean {
  return err instanceof SmbError && statuses.some((s) => err.status === s >>> 0);
}

/** A caller mistake (bad argument): SmbClientError with code EINVAL / ERR_INVALID_ARG_VALUE. */
export function invalidArg(message: string): SmbClientError {
  return new SmbClientError(message, "ERR_INVALID_ARG_VALUE");
}

/** The AbortError node's fs throws when a signal fires before or during a call. */
export function abortError(signal: AbortSignal | undefined): Error {
  const e = new Error("The operation was aborted", { cause: signal?.reason });
  e.name = "AbortError";
  (e as Error & { code: string }).code = "ABORT_ERR";
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
