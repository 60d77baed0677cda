/**
 * Telling a dead connection from a slow server. A request that timed out says little: the server may
 * be busy, or the peer gone without a reset (a dropped route, a dead NAT entry). An ECHO answers that
 * (MS-SMB2 3.2.4.16): no answer within the probe time and the connection is closed, so the pool
 * replaces it on the next call and durable handles are reclaimed on a fresh one.
 */
import type { Connection } from "../connection.js";
import { log } from "../log.js";

/** Longest wait for the ECHO answer (shorter when the connection's request timeout is). */
const PROBE_MS = 5000;

const probes = new WeakMap<Connection, Promise<boolean>>();

/** True for a request that got no reply within its timeout. */
export function isTimeout(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === "ERR_SMB_TIMEOUT";
}

/**
 * After a request on `conn` timed out: resolves true when the server still answers an ECHO; otherwise
 * closes the connection (its pending requests fail with ConnectionClosedError) and resolves false.
 * Concurrent callers share one probe.
 */
export function stillAnswers(conn: Connection): Promise<boolean> {
  if (conn.closed) return Promise.resolve(false);
  let p = probes.get(conn);
  if (!p) {
    const timeoutMs = Math.min(PROBE_MS, conn.options.timeoutMs ?? PROBE_MS);
    p = conn.echo({ timeoutMs }).then(
      () => true,
      (err: Error) => {
        log("connection to %s does not answer an ECHO (%s): closing it", conn.host, err.message);
        conn.pump.close();
        return false;
      },
    );
    probes.set(conn, p);
    // A later timeout deserves a fresh probe.
    p.then(() => probes.delete(conn));
  }
  return p;
}
