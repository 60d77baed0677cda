/**
 * RpcClient: one connection-oriented DCE/RPC association over an RpcPipe (C706 12.4, MS-RPCE 3.3.1).
 * `bind` negotiates one presentation context (interface + NDR); `call(opnum, stub)` sends a REQUEST, split
 * into fragments when it exceeds the server's max_recv_frag (all but the last by pipe WRITE, the last by
 * FSCTL_PIPE_TRANSCEIVE, as Windows and Samba do), and reassembles the RESPONSE fragments. Calls are
 * serialised: a named pipe carries one exchange at a time.
 */
import { RpcError } from "./errors.js";
import {
  BindAckPdu,
  BindNakPdu,
  BindPdu,
  ContextResultCode,
  contextResultName,
  DEFAULT_MAX_FRAG,
  decodeHeader,
  decodePdu,
  encodePdu,
  FaultPdu,
  faultError,
  fragmentRequest,
  HEADER_SIZE,
  NDR_SYNTAX,
  PfcFlags,
  PType,
  providerReasonName,
  ptypeName,
  REQUEST_HEADER_SIZE,
  reassembleResponse,
  rejectReasonName,
  type SyntaxId,
} from "./pdu.js";
import type { RpcPipe } from "./pipe.js";

export interface RpcClientOptions {
  /** Largest fragment we send (default 4280); the server's max_recv_frag may lower it. */
  maxXmitFrag?: number;
  /** Largest fragment we accept (default 4280), also the transceive/READ size. */
  maxRecvFrag?: number;
  /** Association group to join (default 0: a new one). */
  assocGroupId?: number;
  /** Upper bound of a reassembled response stub (default 64 MiB). */
  maxResponseSize?: number;
}

/** What BIND_ACK settled (C706 12.6.4.4). */
export interface BindResult {
  contextId: number;
  abstractSyntax: SyntaxId;
  transferSyntax: SyntaxId;
  /** Fragment sizes in force: what we send at most, what we accept at most. */
  maxXmitFrag: number;
  maxRecvFrag: number;
  assocGroupId: number;
  /** The server's port_any_t ("\pipe\srvsvc"; may be empty). */
  secondaryAddress: string;
}

export class RpcClient {
  private nextCallId = 1;
  private pending: Buffer = Buffer.alloc(0);
  private reads = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set when an exchange broke the pipe's framing: the association cannot be trusted any more. */
  private broken: RpcError | undefined;
  private maxXmitFrag: number;
  private maxRecvFrag: number;
  private readonly maxResponseSize: number;
  /** Set by a successful bind. */
  binding: BindResult | undefined;

  constructor(
    readonly pipe: RpcPipe,
    private readonly options: RpcClientOptions = {},
  ) {
    this.maxXmitFrag = options.maxXmitFrag ?? DEFAULT_MAX_FRAG;
    this.maxRecvFrag = options.maxRecvFrag ?? DEFAULT_MAX_FRAG;
    this.maxResponseSize = options.maxResponseSize ?? 64 * 1024 * 1024;
    for (const [name, v] of [
      ["maxXmitFrag", this.maxXmitFrag],
      ["maxRecvFrag", this.maxRecvFrag],
    ] as const) {
      if (!Number.isInteger(v) || v < REQUEST_HEADER_SIZE + 8 || v > 0xffff) {
        throw new RpcError("ERR_RPC_ENCODE", `${name} ${v} is outside ${REQUEST_HEADER_SIZE + 8}..65535`);
      }
    }
  }

  /** BIND with `abstractSyntax` over `transferSyntax` (NDR 2.0) as presentation context 0. */
  bind(abstractSyntax: SyntaxId, transferSyntax: SyntaxId = NDR_SYNTAX): Promise<BindResult> {
    return this.serial(async () => {
      if (this.binding) throw new RpcError("ERR_RPC_PROTOCOL", "already bound");
      const callId = this.allocCallId();
      const contextId = 0;
      const req = encodePdu(BindPdu, {
        callId,
        maxXmitFrag: this.maxXmitFrag,
        maxRecvFrag: this.maxRecvFrag,
        assocGroupId: this.options.assocGroupId ?? 0,
        contexts: [{ contextId, abstractSyntax, transferSyntaxes: [transferSyntax] }],
      });
      const [reply] = await this.exchange([req], callId);
      const h = decodeHeader(reply!);
      if (h.ptype === PType.BIND_NAK) {
        const nak = decodePdu(BindNakPdu, reply!);
        throw new RpcError(
          "ERR_RPC_BIND_REJECTED",
          `BIND refused (BIND_NAK): ${rejectReasonName(nak.providerRejectReason)}`,
          { status: nak.providerRejectReason, statusName: rejectReasonName(nak.providerRejectReason) },
        );
      }
      if (h.ptype !== PType.BIND_ACK) {
        throw new RpcError("ERR_RPC_PROTOCOL", `expected BIND_ACK, got ${ptypeName(h.ptype)}`);
      }
      const ack = decodePdu(BindAckPdu, reply!);
      const result = ack.resultList?.results[0];
      if (!result) throw RpcError.malformed("BIND_ACK", "p_result_list", "no results");
      if (result.result !== ContextResultCode.ACCEPTANCE) {
        const reason = providerReasonName(result.reason);
        throw new RpcError(
          "ERR_RPC_BIND_REJECTED",
          `BIND of ${abstractSyntax.uuid} v${abstractSyntax.version}.${abstractSyntax.versionMinor} refused: ` +
            `${contextResultName(result.result)}, ${reason}`,
          { status: result.reason, statusName: reason },
        );
      }
      if (
        result.transferSyntax.uuid !== transferSyntax.uuid ||
        result.transferSyntax.version !== transferSyntax.version
      ) {
        throw new RpcError(
          "ERR_RPC_PROTOCOL",
          `BIND_ACK accepted transfer syntax ${result.transferSyntax.uuid}, which was not offered`,
        );
      }
      // The server's max_recv_frag bounds what we send; its max_xmit_frag what it sends (C706 12.6.3.6).
      if (ack.maxRecvFrag < REQUEST_HEADER_SIZE + 8) {
        throw RpcError.malformed("BIND_ACK", "max_recv_frag", `${ack.maxRecvFrag} is too small`);
      }
      this.maxXmitFrag = Math.min(this.maxXmitFrag, ack.maxRecvFrag);
      this.binding = {
        contextId,
        abstractSyntax,
        transferSyntax: result.transferSyntax,
        maxXmitFrag: this.maxXmitFrag,
        maxRecvFrag: this.maxRecvFrag,
        assocGroupId: ack.assocGroupId,
        secondaryAddress: ack.secAddr,
      };
      return this.binding;
    });
  }

  /** Runs operation `opnum` with an NDR request stub; resolves with the response stub. */
  call(opnum: number, stub: Buffer): Promise<Buffer> {
    return this.serial(async () => {
      const binding = this.binding;
      if (!binding) throw new RpcError("ERR_RPC_PROTOCOL", "call before bind");
      if (!Number.isInteger(opnum) || opnum < 0 || opnum > 0xffff) {
        throw new RpcError("ERR_RPC_ENCODE", `opnum ${opnum} is not a u16`);
      }
      const callId = this.allocCallId();
      const fragments = fragmentRequest({
        callId,
        contextId: binding.contextId,
        opnum,
        stub,
        maxXmitFrag: this.maxXmitFrag,
      });
      const replies = await this.exchange(fragments, callId, opnum);
      return reassembleResponse(replies, callId, opnum);
    });
  }

  /** Closes the pipe; later calls fail with ERR_RPC_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => {});
    await this.pipe.close();
  }

  private allocCallId(): number {
    const id = this.nextCallId;
    this.nextCallId = this.nextCallId >= 0xffffffff ? 1 : this.nextCallId + 1;
    return id;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new RpcError("ERR_RPC_CLOSED", "RPC client closed"));
    const guarded = () => {
      if (this.broken) {
        throw new RpcError("ERR_RPC_CLOSED", `RPC association unusable after: ${this.broken.message}`, {
          cause: this.broken,
        });
      }
      return fn();
    };
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Sends `fragments` (WRITE for all but the last, TRANSCEIVE for the last) and reads reply fragments up
   * to PFC_LAST_FRAG (or a FAULT). The pipe is read as a byte stream: a reply may arrive split over
   * several reads, or several fragments in one.
   */
  private async exchange(fragments: Buffer[], callId: number, opnum?: number): Promise<Buffer[]> {
    try {
      return await this.exchangeOnce(fragments, callId, opnum);
    } catch (err) {
      // A FAULT ends its call cleanly; anything else may leave bytes of this call in the pipe.
      if (!(err instanceof RpcError && err.code === "ERR_RPC_FAULT")) {
        this.broken =
          err instanceof RpcError ? err : new RpcError("ERR_RPC_PROTOCOL", String(err), { cause: err });
      }
      throw err;
    }
  }

  private async exchangeOnce(fragments: Buffer[], callId: number, opnum?: number): Promise<Buffer[]> {
    this.pending = Buffer.alloc(0);
    this.reads = 0;
    for (const f of fragments.slice(0, -1)) await this.pipe.write(f);
    const first = await this.pipe.transceive(fragments[fragments.length - 1]!, this.maxRecvFrag);
    this.pending = first.data;
    const replies: Buffer[] = [];
    let total = 0;
    for (;;) {
      const frag = await this.readFragment();
      const h = decodeHeader(frag);
      if (h.ptype === PType.FAULT) {
        // A FAULT may carry call_id 0 when the server could not tell which call failed.
        if (h.callId !== callId && h.callId !== 0) {
          throw new RpcError("ERR_RPC_PROTOCOL", `FAULT for call_id ${h.callId}, expected ${callId}`);
        }
        throw faultError(decodePdu(FaultPdu, frag), opnum);
      }
      if (h.callId !== callId) {
        throw new RpcError(
          "ERR_RPC_PROTOCOL",
          `${ptypeName(h.ptype)} for call_id ${h.callId}, expected ${callId}`,
        );
      }
      replies.push(frag);
      total += frag.length;
      if (total > this.maxResponseSize + replies.length * HEADER_SIZE * 2) {
        throw new RpcError("ERR_RPC_PROTOCOL", `response exceeds ${this.maxResponseSize} bytes`);
      }
      if (h.pfcFlags & PfcFlags.LAST_FRAG) break;
    }
    if (this.pending.length > 0) {
      throw new RpcError("ERR_RPC_PROTOCOL", `${this.pending.length} bytes after the last fragment`);
    }
    if (first.more && this.reads === 0) {
      throw new RpcError("ERR_RPC_PROTOCOL", "the server has more data after the last fragment");
    }
    return replies;
  }

  /** The next whole fragment from the pipe stream, reading as needed. */
  private async readFragment(): Promise<Buffer> {
    for (;;) {
      let need = HEADER_SIZE;
      if (this.pending.length >= HEADER_SIZE) {
        need = decodeHeader(this.pending, false).fragLength;
        if (this.pending.length >= need) {
          const frag = this.pending.subarray(0, need);
          this.pending = this.pending.subarray(need);
          return frag;
        }
      }
      const chunk = await this.pipe.read(Math.max(this.maxRecvFrag, need - this.pending.length));
      this.reads++;
      if (chunk.length === 0) {
        throw new RpcError(
          "ERR_RPC_PROTOCOL",
          `the pipe ended inside a PDU (${this.pending.length} of ${need} bytes)`,
        );
      }
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    }
  }
}
