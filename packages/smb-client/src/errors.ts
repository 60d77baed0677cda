/**
 * SmbError: a reply whose NTSTATUS is an error. Carries the status name and code, the command, the path
 * when known, and a node-fs style `code` (ENOENT, EACCES ...) so callers can treat it like an fs error.
 */
import { commandName, NtStatus, ntStatusMessage, ntStatusName } from "smb-structures";

/** NTSTATUS -> errno-style code, as node:fs reports the equivalent local failure. */
const FS_CODES: ReadonlyMap<number, string> = new Map([
  [NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, "ENOENT"],
  [NtStatus.STATUS_OBJECT_PATH_NOT_FOUND, "ENOENT"],
  [NtStatus.STATUS_NO_SUCH_FILE, "ENOENT"],
  [NtStatus.STATUS_NOT_FOUND, "ENOENT"],
  [NtStatus.STATUS_BAD_NETWORK_NAME, "ENOENT"],
  [NtStatus.STATUS_DELETE_PENDING, "ENOENT"],
  [NtStatus.STATUS_OBJECT_NAME_COLLISION, "EEXIST"],
  [NtStatus.STATUS_ACCESS_DENIED, "EACCES"],
  [NtStatus.STATUS_CANNOT_DELETE, "EACCES"],
  [NtStatus.STATUS_MEDIA_WRITE_PROTECTED, "EROFS"],
  [NtStatus.STATUS_NOT_A_DIRECTORY, "ENOTDIR"],
  [NtStatus.STATUS_FILE_IS_A_DIRECTORY, "EISDIR"],
  [NtStatus.STATUS_DIRECTORY_NOT_EMPTY, "ENOTEMPTY"],
  [NtStatus.STATUS_SHARING_VIOLATION, "EBUSY"],
  [NtStatus.STATUS_FILE_LOCK_CONFLICT, "EBUSY"],
  [NtStatus.STATUS_LOCK_NOT_GRANTED, "EAGAIN"],
  [NtStatus.STATUS_DISK_FULL, "ENOSPC"],
  [NtStatus.STATUS_QUOTA_EXCEEDED, "EDQUOT"],
  [NtStatus.STATUS_OBJECT_NAME_INVALID, "EINVAL"],
  [NtStatus.STATUS_INVALID_PARAMETER, "EINVAL"],
  [NtStatus.STATUS_NOT_SUPPORTED, "ENOTSUP"],
  [NtStatus.STATUS_NOT_IMPLEMENTED, "ENOSYS"],
  [NtStatus.STATUS_INVALID_DEVICE_REQUEST, "ENOTSUP"],
  [NtStatus.STATUS_NOT_SAME_DEVICE, "EXDEV"],
  [NtStatus.STATUS_NAME_TOO_LONG, "ENAMETOOLONG"],
  [NtStatus.STATUS_TOO_MANY_OPENED_FILES, "EMFILE"],
  [NtStatus.STATUS_LOGON_FAILURE, "EACCES"],
  [NtStatus.STATUS_WRONG_PASSWORD, "EACCES"],
  [NtStatus.STATUS_ACCOUNT_DISABLED, "EACCES"],
  [NtStatus.STATUS_PASSWORD_EXPIRED, "EACCES"],
  [NtStatus.STATUS_STOPPED_ON_SYMLINK, "ELOOP"],
  [NtStatus.STATUS_END_OF_FILE, "EOF"],
  [NtStatus.STATUS_CANCELLED, "ECANCELED"],
  [NtStatus.STATUS_IO_TIMEOUT, "ETIMEDOUT"],
]);

export interface SmbErrorDetails {
  command?: number;
  path?: string;
  /** fs-style name of the operation ("open", "stat", "rename" ...). */
  syscall?: string;
  /** Extra context (never secrets). */
  detail?: string;
}

export class SmbError extends Error {
  override name = "SmbError";
  /** NTSTATUS code (unsigned 32-bit). */
  readonly status: number;
  /** "STATUS_OBJECT_NAME_NOT_FOUND" */
  readonly ntstatus: string;
  /** fs-style code (ENOENT ...) when one fits, otherwise the NTSTATUS name. */
  readonly code: string;
  /** The SMB2 command name that failed ("CREATE"). */
  readonly command: string | undefined;
  readonly path: string | undefined;
  readonly syscall: string | undefined;
  /** Negative errno-like number for fs compatibility (-2 for ENOENT), 0 when unmapped. */
  readonly errno: number;

  constructor(status: number, details: SmbErrorDetails = {}) {
    const name = ntStatusName(status);
    const command = details.command === undefined ? undefined : commandName(details.command);
    const what = [details.syscall ?? command, details.path ? `'${details.path}'` : undefined]
      .filter(Boolean)
      .join(" ");
    const msg = ntStatusMessage(status);
    super(
      `${name}${what ? `: ${what}` : ""}${details.detail ? ` (${details.detail})` : ""}${msg ? ` - ${firstLine(msg)}` : ""}`,
    );
    this.status = status >>> 0;
    this.ntstatus = name;
    this.code = FS_CODES.get(this.status) ?? name;
    this.command = command;
    this.path = details.path;
    this.syscall = details.syscall;
    this.errno = ERRNO[this.code] ?? 0;
  }

  /** True when `err` is an SmbError with the given status (name or code). */
  static is(err: unknown, status: number | string): err is SmbError {
    if (!(err instanceof SmbError)) return false;
    return typeof status === "number" ? err.status === status >>> 0 : err.ntstatus === status;
  }
}

const ERRNO: Record<string, number> = {
  ENOENT: -2,
  EEXIST: -17,
  EACCES: -13,
  EROFS: -30,
  ENOTDIR: -20,
  EISDIR: -21,
  ENOTEMPTY: -39,
  EBUSY: -16,
  EAGAIN: -11,
  ENOSPC: -28,
  EDQUOT: -122,
  EINVAL: -22,
  ENOTSUP: -95,
  ENOSYS: -38,
  EXDEV: -18,
  ENAMETOOLONG: -36,
  EMFILE: -24,
  ELOOP: -40,
  ECANCELED: -125,
  ETIMEDOUT: -110,
};

function firstLine(s: string): string {
  const line = s.split(/\r?\n/)[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** A caller error or a state the client refuses (guest session not allowed, encryption unavailable ...). */
export class SmbClientError extends Error {
  override name = "SmbClientError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
