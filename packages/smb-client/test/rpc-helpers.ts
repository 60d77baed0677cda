/** Test doubles for the RPC layer: a scripted in-memory named pipe and a response fragmenter. */
import type { RpcPipe } from "../src/rpc/pipe.js";
import { decodeHeader, encodePdu, PfcFlags, ResponsePdu } from "../src/rpc/pdu.js";

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

/**
 * Splits a response stub into RESPONSE fragments of at most `maxFrag` bytes, as C706 12.6.2 describes:
 * FIRST_FRAG on the first, LAST_FRAG on the last, the same call_id and context, alloc_hint the stub bytes
 * still to come, every stub piece but the last a multiple of 8 bytes.
 */
export function fragmentResponse(stub: Buffer, callId: number, maxFrag: number, contextId = 0): Buffer[] {
  const room = maxFrag - 24;
  const chunk = room - (room % 8);
  const out: Buffer[] = [];
  for (let off = 0; off < stub.length || out.length === 0; off += chunk) {
    const end = Math.min(off + chunk, stub.length);
    const pfcFlags = (off === 0 ? PfcFlags.FIRST_FRAG : 0) | (end === stub.length ? PfcFlags.LAST_FRAG : 0);
    out.push(
      encodePdu(ResponsePdu, {
        callId,
        pfcFlags,
        allocHint: stub.length - off,
        contextId,
        stub: stub.subarray(off, end),
      }),
    );
  }
  return out;
}

/** What the fake server saw and how it answers. */
export type PipeHandler = (request: Buffer[]) => Buffer[];

/**
 * An in-memory RpcPipe. Requests (written or transceived) are cut into PDUs; once a PDU with LAST_FRAG
 * arrives the handler gets the call's fragments and returns reply fragments, queued as a byte stream.
 * `transceive` and `read` return at most `max` (and at most `chunk`) bytes; `more` says bytes remain.
 */
export class FakePipe implements RpcPipe {
  readonly received: Buffer[] = [];
  readonly ops: string[] = [];
  closed = false;
  private inbound = Buffer.alloc(0);
  private call: Buffer[] = [];
  private outbound = Buffer.alloc(0);

  constructor(
    private readonly handler: PipeHandler,
    private readonly chunk = Number.POSITIVE_INFINITY,
  ) {}

  async transceive(request: Buffer, maxResponse: number): Promise<{ data: Buffer; more: boolean }> {
    this.ops.push(`transceive ${request.length}/${maxResponse}`);
    this.take(request);
    const data = this.pull(maxResponse);
    return { data, more: this.outbound.length > 0 };
  }

  async read(max: number): Promise<Buffer> {
    this.ops.push(`read ${max}`);
    return this.pull(max);
  }

  async write(data: Buffer): Promise<void> {
    this.ops.push(`write ${data.length}`);
    this.take(data);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private pull(max: number): Buffer {
    const n = Math.min(max, this.chunk, this.outbound.length);
    const data = Buffer.from(this.outbound.subarray(0, n));
    this.outbound = this.outbound.subarray(n);
    return data;
  }

  private take(data: Buffer): void {
    this.inbound = Buffer.concat([this.inbound, data]);
    while (this.inbound.length >= 16) {
      const len = decodeHeader(this.inbound, false).fragLength;
      if (this.inbound.length < len) break;
      const pdu = Buffer.from(this.inbound.subarray(0, len));
      this.inbound = this.inbound.subarray(len);
      this.received.push(pdu);
      this.call.push(pdu);
      if (pdu[3]! & PfcFlags.LAST_FRAG) {
        const replies = this.handler(this.call);
        this.call = [];
        this.outbound = Buffer.concat([this.outbound, ...replies]);
      }
    }
  }
}
