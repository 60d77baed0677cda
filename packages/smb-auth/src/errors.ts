/**
 * Authentication failures. Every error raised by this package is an {@link AuthError} with a stable `code`;
 * messages name the structure or step that failed and never contain passwords, hashes or keys.
 */
export type AuthErrorCode =
  /** A token from the peer is malformed, truncated or of the wrong type. */
  | "ERR_SMB_AUTH_BAD_TOKEN"
  /** A message integrity code (NTLM MIC, SPNEGO mechListMIC, NTLM signature) did not verify. */
  | "ERR_SMB_AUTH_MIC"
  /** No mechanism both sides support (or the server picked one we did not offer). */
  | "ERR_SMB_AUTH_NO_MECH"
  /** The peer rejected the authentication (SPNEGO negState reject). */
  | "ERR_SMB_AUTH_REJECTED"
  /** The mechanism was used out of order (step after completion, sign before completion ...). */
  | "ERR_SMB_AUTH_STATE"
  /** Credentials are missing, malformed, or unusable with the chosen mechanism. */
  | "ERR_SMB_AUTH_CREDENTIALS"
  /** The server asked for something this client refuses by policy (NTLMv1, no 128-bit keys ...). */
  | "ERR_SMB_AUTH_POLICY";

export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  /** The mechanism that raised the error ("ntlm", "spnego", ...), when known. */
  readonly mechanism: string | undefined;

  constructor(code: AuthErrorCode, message: string, options: { cause?: unknown; mechanism?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.mechanism = options.mechanism;
  }
}

/** Wraps a decoder failure (typed or not) into an ERR_SMB_AUTH_BAD_TOKEN, keeping the cause. */
export function badToken(what: string, cause?: unknown, mechanism?: string): AuthError {
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return new AuthError("ERR_SMB_AUTH_BAD_TOKEN", `malformed ${what}${reason}`, { cause, mechanism });
}
