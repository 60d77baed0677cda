/**
 * KDC transport: TCP only (RFC 4120 7.2.2), each message preceded by its 4-byte big-endian length.
 * KDCs are tried in order; a KDC that cannot be reached or times out moves on to the next.
 */
import { connect } from "node:net";
import { localError } from "./errors.js";
import type { KdcAddress } from "./krb5conf.js";
import { log } from "../log.js";

/** Largest reply accepted (MIT caps TCP messages at 1 MiB by default; AD PACs stay far below). */
const MAX_REPLY = 16 * 1024 * 1024;

/** Sends one message to one KDC and resolves with its reply. */
export function exchangeTcp(kdc: KdcAddress, message: Uint8Array, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: kdc.host, port: kdc.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let expected = -1;
    const fail = (err: Error): void => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`no reply within ${timeoutMs} ms`)));
    sock.once("error", fail);
    sock.once("connect", () => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(message.length, 0);
      sock.write(Buffer.concat([len, message]));
    });
    sock.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (expected < 0 && received >= 4) {
        const head = Buffer.concat(chunks);
        expected = head.readUInt32BE(0);
        if (expected & 0x80000000) return fail(new Error("reply length has the reserved high bit set"));
        if (expected > MAX_REPLY) return fail(new Error(`reply of ${expected} bytes is too large`));
      }
      if (expected >= 0 && received >= 4 + expected) {
        sock.destroy();
        resolve(Buffer.concat(chunks).subarray(4, 4 + expected));
      }
    });
    sock.once("end", () => {
      if (expected < 0 || received < 4 + expected) fail(new Error("connection closed before a whole reply"));
    });
  });
}

/** Sends `message` to the first KDC of `kdcs` that answers. */
export async function sendToKdc(
  kdcs: readonly KdcAddress[],
  realm: string,
  message: Uint8Array,
  timeoutMs: number,
): Promise<Buffer> {
  const failures: string[] = [];
  for (const kdc of kdcs) {
    try {
      log("kerberos: %d-byte request to KDC %s:%d (realm %s)", message.length, kdc.host, kdc.port, realm);
      return await exchangeTcp(kdc, message, timeoutMs);
    } catch (err) {
      failures.push(`${kdc.host}:${kdc.port}: ${(err as Error).message}`);
    }
  }
  throw localError(
    "KRB5_KDC_UNREACH",
    `cannot contact any KDC for realm ${realm}${failures.length ? ` (${failures.join("; ")})` : ""}`,
  );
}
