/**
 * Connection: one transport to one server, the NEGOTIATE exchange (MS-SMB2 3.2.4.2.2 / 3.2.5.2), and the
 * sessions authenticated over it. Requests go through the message pump; replies with an error status
 * become SmbError here.
 */
import { randomBytes } from "node:crypto";
import type { AuthMechanism } from "smb-auth";
import { type CipherAlgorithm, cipherAlgorithmFromId, PreauthHash, type SigningAlgorithm } from "smb-crypto";
import {
  Command,
  EchoRequest,
  findNegotiateContext,
  GlobalCapabilities,
  type NegotiateContext,
  NegotiateContextType,
  NegotiateRequest,
  NegotiateResponse,
  NtStatus,
  randomGuid,
  SecurityMode,
} from "smb-structures";
import {
  MessagePump,
  type RequestOptions,
  type SmbResponse,
  TcpTransport,
  type Transport,
} from "smb-transport";
import { BreakHandler } from "./breaks.js";
import { SmbClientError, SmbError } from "./errors.js";
import { log } from "./log.js";
import {
  type ConnectionOptions,
  DEFAULT_CIPHERS,
  DEFAULT_SIGNING,
  dialectName,
  DIALECTS,
  parseDialect,
} from "./options.js";
import { Session, type SessionOptions } from "./session.js";
import { defaultSigningAlgorithm } from "./session-keys.js";

const CIPHER_IDS: Record<CipherAlgorithm, number> = {
  "AES-128-CCM": 1,
  "AES-128-GCM": 2,
  "AES-256-CCM": 3,
  "AES-256-GCM": 4,
};
const SIGNING_IDS: Record<SigningAlgorithm, number> = {
  "HMAC-SHA256": 0,
  "AES-128-CMAC": 1,
  "AES-128-GMAC": 2,
};
const SIGNING_BY_ID = new Map(Object.entries(SIGNING_IDS).map(([k, v]) => [v, k as SigningAlgorithm]));

/** What NEGOTIATE settled, exposed for callers and `smb info`. */
export interface NegotiatedState {
  dialect: number;
  dialectName: string;
  serverGuid: string;
  /** SMB2_GLOBAL_CAP_* of the server. */
  capabilities: number;
  /** Server SecurityMode (SIGNING_ENABLED / SIGNING_REQUIRED). */
  securityMode: number;
  signingRequired: boolean;
  maxReadSize: number;
  maxWriteSize: number;
  maxTransactSize: number;
  /** Cipher for encrypted sessions (SMB 3.x; undefined when the server offers none). */
  cipher: CipherAlgorithm | undefined;
  signingAlgorithm: SigningAlgorithm;
  /** The server's SPNEGO hint token from the NEGOTIATE response (may be empty). */
  gssToken: Buffer;
  serverTime: bigint;
}

export interface SendOptions extends Omit<RequestOptions, "body"> {
  body: readonly Uint8Array[];
  /** Statuses that resolve instead of throwing (besides success). */
  accept?: readonly number[];
  /** For error messages. */
  path?: string;
}

export class Connection {
  readonly host: string;
  readonly port: number;
  readonly clientGuid: string;
  readonly pump: MessagePump;
  readonly options: Readonly<ConnectionOptions>;
  private state: NegotiatedState | undefined;
  /** Connection.PreauthIntegrityHashValue after NEGOTIATE (3.1.1). */
  preauth: PreauthHash | undefined;
  /** Bytes of our NEGOTIATE request fields, for FSCTL_VALIDATE_NEGOTIATE_INFO on 3.0/3.0.2. */
  offered = { capabilities: 0, securityMode: 0, dialects: [] as number[] };
  readonly sessions = new Set<Session>();
  /** FSCTL_VALIDATE_NEGOTIATE_INFO succeeded (3.0/3.0.2). */
  validated = false;
  /** Acknowledges oplock/lease breaks of opens that hold one. */
  readonly breaks = new BreakHandler();
  private readonly breakHandlers = new Set<(msg: SmbResponse) => void>();
  private closeListeners = new Set<(err: Error) => void>();

  constructor(options: ConnectionOptions, transport?: Transport) {
    this.options = options;
    this.host = options.host;
    this.port = options.port ?? 445;
    this.clientGuid = options.clientGuid ?? randomGuid();
    const t =
      transport ??
      new TcpTransport({
        host: options.address ?? options.host,
        port: this.port,
        connectTimeoutMs: options.connectTimeoutMs,
      });
    this.pump = new MessagePump(t, {
      timeoutMs: options.timeoutMs,
      creditTarget: options.creditTarget,
      echoIntervalMs: options.echoIntervalMs,
      keepProcessAlive: options.keepProcessAlive,
      onUnsolicited: (m) => {
        this.breaks.handle(m);
        for (const h of this.breakHandlers) h(m);
      },
      onClose: (e) => {
        for (const l of this.closeListeners) l(e);
      },
    });
  }

  /** Opens the transport and negotiates. */
  static async connect(options: ConnectionOptions, signal?: AbortSignal): Promise<Connection> {
    const c = new Connection(options);
    await c.connect(signal);
    return c;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.pump.start(signal);
    try {
      await this.negotiate(signal);
    } catch (err) {
      this.pump.close();
      throw err;
    }
  }

  get negotiated(): NegotiatedState {
    if (!this.state) throw new SmbClientError("connection not negotiated", "ERR_SMB_STATE");
    return this.state;
  }

  get dialect(): number {
    return this.negotiated.dialect;
  }

  get closed(): boolean {
    return this.pump.closed;
  }

  /** Called with OPLOCK_BREAK notifications (oplock or lease). */
  onBreak(handler: (msg: SmbResponse) => void): () => void {
    this.breakHandlers.add(handler);
    return () => this.breakHandlers.delete(handler);
  }

  onClose(listener: (err: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** MS-SMB2 3.2.4.2.2.2: NEGOTIATE with the dialect range; 3.1.1 contexts when offered. */
  private async negotiate(signal?: AbortSignal): Promise<void> {
    const o = this.options;
    const min = parseDialect(o.minDialect ?? "2.0.2");
    const max = parseDialect(o.maxDialect ?? "3.1.1");
    const dialects = Object.values(DIALECTS).filter((d) => d >= min && d <= max);
    if (dialects.length === 0)
      throw new SmbClientError(`no dialect between ${dialectName(min)} and ${dialectName(max)}`, "EINVAL");
    const securityMode =
      SecurityMode.SIGNING_ENABLED | (o.requireSigning ? SecurityMode.SIGNING_REQUIRED : 0);
    let capabilities = 0;
    if (max >= 0x0210)
      capabilities |= GlobalCapabilities.DFS | GlobalCapabilities.LEASING | GlobalCapabilities.LARGE_MTU;
    if (max >= 0x0300) capabilities |= GlobalCapabilities.ENCRYPTION;
    const ciphers = o.ciphers ?? DEFAULT_CIPHERS;
    const signing = o.signingAlgorithms ?? DEFAULT_SIGNING;
    const contexts: NegotiateContext[] = [];
    if (dialects.includes(0x0311)) {
      contexts.push(
        {
          type: NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
          value: { hashAlgorithms: [1], salt: randomBytes(32) },
        },
        {
          type: NegotiateContextType.ENCRYPTION_CAPABILITIES,
          value: { ciphers: ciphers.map((c) => CIPHER_IDS[c]) },
        },
        {
          type: NegotiateContextType.SIGNING_CAPABILITIES,
          value: { signingAlgorithms: signing.map((s) => SIGNING_IDS[s]) },
        },
        { type: NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID, value: { netName: this.host } },
      );
    }
    this.offered = { capabilities, securityMode, dialects };
    const body = NegotiateRequest.encode({
      securityMode,
      capabilities,
      clientGuid: this.clientGuid,
      dialects,
      negotiateContexts: contexts,
    });
    const preauth = new PreauthHash();
    const res = await this.send({
      command: Command.NEGOTIATE,
      body: [body],
      signal,
      onSent: (m) => preauth.update(m),
    });
    const r = NegotiateResponse.decode(res.body, 0, res.body.length, { base: -64 });
    const dialect = r.dialectRevision;
    if (!dialects.includes(dialect)) {
      throw new SmbClientError(
        `server chose dialect 0x${dialect.toString(16)}, which was not offered`,
        "ERR_SMB_NEGOTIATE",
      );
    }
    let cipher: CipherAlgorithm | undefined;
    let signingAlgorithm = defaultSigningAlgorithm(dialect);
    if (dialect === 0x0311) {
      preauth.update(res.message);
      this.preauth = preauth;
      const pi = findNegotiateContext(
        r.negotiateContexts,
        NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
      );
      if (!pi?.hashAlgorithms.includes(1)) {
        throw new SmbClientError(
          "3.1.1 server sent no SHA-512 preauth integrity context",
          "ERR_SMB_NEGOTIATE",
        );
      }
      const enc = findNegotiateContext(r.negotiateContexts, NegotiateContextType.ENCRYPTION_CAPABILITIES);
      if (enc && enc.ciphers.length > 0 && enc.ciphers[0] !== 0) {
        cipher = cipherAlgorithmFromId(enc.ciphers[0]!);
        if (!cipher || !ciphers.includes(cipher)) {
          throw new SmbClientError(
            `server chose cipher ${enc.ciphers[0]}, which was not offered`,
            "ERR_SMB_NEGOTIATE",
          );
        }
      }
      const sig = findNegotiateContext(r.negotiateContexts, NegotiateContextType.SIGNING_CAPABILITIES);
      if (sig && sig.signingAlgorithms.length > 0) {
        const s = SIGNING_BY_ID.get(sig.signingAlgorithms[0]!);
        if (!s || !signing.includes(s)) {
          throw new SmbClientError(
            "server chose a signing algorithm that was not offered",
            "ERR_SMB_NEGOTIATE",
          );
        }
        signingAlgorithm = s;
      }
    } else if (dialect >= 0x0300 && r.capabilities & GlobalCapabilities.ENCRYPTION) {
      cipher = "AES-128-CCM";
    }
    this.state = {
      dialect,
      dialectName: dialectName(dialect),
      serverGuid: r.serverGuid,
      capabilities: r.capabilities,
      securityMode: r.securityMode,
      signingRequired: !!(r.securityMode & SecurityMode.SIGNING_REQUIRED) || !!o.requireSigning,
      maxReadSize: r.maxReadSize,
      maxWriteSize: r.maxWriteSize,
      maxTransactSize: r.maxTransactSize,
      cipher,
      signingAlgorithm,
      gssToken: Buffer.from(r.securityBuffer),
      serverTime: r.systemTime,
    };
    this.pump.multiCredit = dialect >= 0x0210 && !!(r.capabilities & GlobalCapabilities.LARGE_MTU);
    const largest = Math.max(r.maxReadSize, r.maxWriteSize, r.maxTransactSize);
    this.pump.transport.setMaxMessageSize(largest + 64 * 1024);
    log(
      "negotiated %s with %s: cipher=%s signing=%s maxRead=%d maxWrite=%d caps=0x%s",
      dialectName(dialect),
      this.pump.transport.remote,
      cipher ?? "none",
      signingAlgorithm,
      r.maxReadSize,
      r.maxWriteSize,
      r.capabilities.toString(16),
    );
  }

  /** Authenticates a new session (SESSION_SETUP loop). */
  async authenticate(mechanism: AuthMechanism, options: SessionOptions = {}): Promise<Session> {
    const s = new Session(this, options);
    await s.setup(mechanism, options.signal);
    this.sessions.add(s);
    return s;
  }

  /**
   * Sends one request; resolves with the reply when its status is success or in `accept`, otherwise
   * throws SmbError naming the status, the command and the path.
   */
  async send(opts: SendOptions): Promise<SmbResponse> {
    const r = await this.pump.request(opts);
    checkStatus(r, opts);
    return r;
  }

  /** Sends a compound; returns every reply (status checks are the caller's: compounds fail partially). */
  compound(items: RequestOptions[], related: boolean): Promise<SmbResponse[]> {
    return this.pump.compound(items, related);
  }

  /** ECHO (MS-SMB2 3.2.4.16): resolves when the server answers; tells a live connection from a dead one. */
  async echo(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    await this.send({ command: Command.ECHO, body: [EchoRequest.encode({})], ...opts });
  }

  /** Logs off every session and closes the transport. */
  async close(): Promise<void> {
    for (const s of [...this.sessions]) {
      try {
        await s.logoff();
      } catch {
        // the transport may already be gone; closing anyway
      }
    }
    this.pump.close();
  }
}

/** Throws SmbError for a reply whose status is an error (not success, pending or accepted). */
export function checkStatus(
  r: SmbResponse,
  opts: { command: number; accept?: readonly number[]; path?: string },
): void {
  const s = r.status;
  if (s === NtStatus.STATUS_SUCCESS || opts.accept?.includes(s)) return;
  throw new SmbError(s, { command: opts.command, path: opts.path });
}
