/** Typed transport errors. Each carries a stable `code`; none carries secrets. */
export class SmbTransportError extends Error {
  override name = "SmbTransportError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection is gone (peer closed, reset, or closed locally); every pending request fails with it. */
export class ConnectionClosedError extends SmbTransportError {
  override name = "ConnectionClosedError";
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`SMB connection closed: ${reason}`, "ERR_SMB_CONNECTION_CLOSED", options);
  }
}

/** No reply within the request's timeout. The request was cancelled on the wire. */
export class RequestTimeoutError extends SmbTransportError {
  override name = "RequestTimeoutError";
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command} timed out after ${timeoutMs} ms`, "ERR_SMB_TIMEOUT");
  }
}

/** The caller's AbortSignal fired. Named AbortError like node's own aborted operations. */
export class RequestAbortedError extends SmbTransportError {
  override name = "AbortError";
  constructor(
    readonly command: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} was aborted`, "ABORT_ERR", options);
  }
}

/**
 * A reply that fails a security check: bad or missing signature on a signing session, a clear-text reply
 * to an encrypted request, a transform header for an unknown session.
 */
export class SecurityCheckError extends SmbTransportError {
  override name = "SecurityCheckError";
  constructor(message: string, code = "ERR_SMB_SECURITY") {
    super(message, code);
  }
}

/** The peer sent bytes that are not a valid SMB2 message (bad framing, header, compound offsets). */
export class ProtocolError extends SmbTransportError {
  override name = "ProtocolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "ERR_SMB_PROTOCOL", options);
  }
}
