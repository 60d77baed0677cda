/**
 * Exit codes and one-line error messages. Every failure prints one line on stderr naming the command,
 * the path and the NTSTATUS (or the local error code), and exits with a code scripts can tell apart.
 */

/** Exit codes of `smb` (documented in the README and `smb --help`). */
export const ExitCode = {
  OK: 0,
  /** Any other failure (I/O error, server refused for another reason, connection failure ...). */
  FAILURE: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  USAGE: 2,
  /** Authentication failed: bad user or password, account problem, no usable credentials. */
  AUTH: 3,
  /** The file, directory, share or server name does not exist. */
  NOT_FOUND: 4,
  /** Access denied (authenticated, but not allowed). */
  ACCESS_DENIED: 5,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A command line mistake (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the CLI raises itself with a chosen exit code. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.FAILURE,
    readonly path?: string,
  ) {
    super(message);
  }
}

const AUTH_STATUSES = new Set([
  "STATUS_LOGON_FAILURE",
  "STATUS_WRONG_PASSWORD",
  "STATUS_NO_SUCH_USER",
  "STATUS_ACCOUNT_DISABLED",
  "STATUS_ACCOUNT_LOCKED_OUT",
  "STATUS_ACCOUNT_EXPIRED",
  "STATUS_ACCOUNT_RESTRICTION",
  "STATUS_PASSWORD_EXPIRED",
  "STATUS_PASSWORD_MUST_CHANGE",
  "STATUS_INVALID_LOGON_HOURS",
  "STATUS_INVALID_WORKSTATION",
  "STATUS_LOGON_TYPE_NOT_GRANTED",
  "STATUS_TRUSTED_RELATIONSHIP_FAILURE",
  "STATUS_NO_LOGON_SERVERS",
]);

const AUTH_CODES = new Set([
  "ERR_SMB_GUEST_SESSION",
  "ERR_SMB_ANONYMOUS_SESSION",
  "ERR_SMB_NO_CREDENTIALS",
  "ERR_SMB_KERBEROS_UNAVAILABLE",
  "ERR_SMB_AUTH",
  "ERR_SMB_AUTH_CREDENTIALS",
]);

const NOT_FOUND_STATUSES = new Set([
  "STATUS_OBJECT_NAME_NOT_FOUND",
  "STATUS_OBJECT_PATH_NOT_FOUND",
  "STATUS_NO_SUCH_FILE",
  "STATUS_NOT_FOUND",
  "STATUS_BAD_NETWORK_NAME",
  "STATUS_BAD_NETWORK_PATH",
  "STATUS_DELETE_PENDING",
]);

const NOT_FOUND_CODES = new Set(["ENOENT", "ENOTFOUND", "EAI_AGAIN"]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  ntstatus?: unknown;
  status?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
  exitCode?: unknown;
  cause?: unknown;
}

/** The NTSTATUS name carried by an error (SmbError), if any. */
export function ntstatusOf(err: unknown): string | undefined {
  const e = err as ErrorLike | undefined;
  if (e && typeof e.ntstatus === "string") return e.ntstatus;
  return undefined;
}

/** The exit code for an error (see ExitCode). */
export function exitCodeFor(err: unknown): ExitCodeValue {
  if (err instanceof UsageError) return ExitCode.USAGE;
  if (err instanceof CliError) return err.exitCode;
  const e = (err ?? {}) as ErrorLike;
  if (e.name === "AbortError") return ExitCode.INTERRUPTED;
  const status = ntstatusOf(err);
  const code = typeof e.code === "string" ? e.code : undefined;
  if (status && AUTH_STATUSES.has(status)) return ExitCode.AUTH;
  if (code && (AUTH_CODES.has(code) || code.startsWith("ERR_SMB_AUTH") || code.startsWith("ERR_KRB")))
    return ExitCode.AUTH;
  if (e.name === "AuthError" || e.name === "KerberosError") return ExitCode.AUTH;
  if (status && NOT_FOUND_STATUSES.has(status)) return ExitCode.NOT_FOUND;
  if (status === "STATUS_ACCESS_DENIED" || status === "STATUS_CANNOT_DELETE") return ExitCode.ACCESS_DENIED;
  if (!status && code && NOT_FOUND_CODES.has(code)) return ExitCode.NOT_FOUND;
  if (!status && (code === "EACCES" || code === "EPERM")) return ExitCode.ACCESS_DENIED;
  if (code === "ERR_INVALID_ARG_VALUE" || code === "EINVAL") {
    if (!status) return ExitCode.USAGE;
  }
  return ExitCode.FAILURE;
}

/** Short text of an NTSTATUS-bearing message: "The object name is not found." from the SmbError text. */
function statusText(message: string): string | undefined {
  const i = message.lastIndexOf(" - ");
  return i >= 0 ? message.slice(i + 3).trim() : undefined;
}

/**
 * One line: "smb get: //server/share/x: STATUS_OBJECT_NAME_NOT_FOUND (The object name is not found.)".
 * `path` is the path the command was working on when the error has none.
 */
export function formatError(command: string, err: unknown, path?: string): string {
  const e = (err ?? {}) as ErrorLike;
  const where = typeof e.path === "string" && e.path ? e.path : path;
  const dest = typeof e.dest === "string" && e.dest ? ` -> ${e.dest}` : "";
  const prefix = `smb${command ? ` ${command}` : ""}: ${where ? `${where}${dest}: ` : ""}`;
  const status = ntstatusOf(err);
  let text: string;
  if (e.name === "AbortError") text = "interrupted";
  else if (status) {
    const why = statusText(String(e.message ?? ""));
    text = why ? `${status} (${why})` : status;
  } else if (err instanceof Error) {
    text = err.message;
    const code = typeof e.code === "string" ? e.code : undefined;
    // Node's fs errors repeat the path: "ENOENT: no such file or directory, open '/x'".
    if (code && where && text.includes(`'${where}'`)) text = text.replace(/, \w+ '[^']*'( -> '[^']*')?$/, "");
    if (code && !text.startsWith(code) && !/^[A-Z_]+:/.test(text) && !(err instanceof UsageError))
      text = `${code}: ${text}`;
  } else {
    text = String(err);
  }
  return (prefix + text).replace(/\s*\n\s*/g, " ");
}
