/**
 * Session: the SESSION_SETUP exchange (MS-SMB2 3.2.4.2.3, 3.2.5.3), key derivation, and the security
 * every request of the session gets (signing, encryption). Guest and anonymous sessions are refused
 * unless the caller allows them: they cannot sign, so a tampering peer could not be detected.
 */
import type { AuthMechanism } from "smb-auth";
import type { Signer } from "smb-crypto";
import {
  Command,
  HeaderFlags,
  LogoffRequest,
  NtStatus,
  SecurityMode,
  SessionFlags,
  SessionSetupRequest,
  SessionSetupResponse,
} from "smb-structures";
import type { SmbResponse } from "smb-transport";
import type { Connection, SendOptions } from "./connection.js";
import { SmbClientError, SmbError } from "./errors.js";
import { log } from "./log.js";
import { sessionCrypto } from "./session-keys.js";
import { Tree, type TreeConnectOptions } from "./tree.js";

export interface SessionOptions {
  /** Encrypt everything on this session (SMB 3.x), even when the server does not ask. */
  encrypt?: boolean;
  /** Sign every request even when neither side requires it. */
  sign?: boolean;
  /** Accept a guest session (default false). */
  allowGuest?: boolean;
  /** Accept an anonymous (null) session (default false; true when authenticating anonymously). */
  allowAnonymous?: boolean;
  signal?: AbortSignal;
  /**
   * Makes a fresh mechanism for re-authentication when the server answers
   * STATUS_NETWORK_SESSION_EXPIRED (MS-SMB2 3.2.5.1.7); without it such requests fail.
   */
  reauth?: () => AuthMechanism;
  /**
   * The SessionId of a session lost with a dropped connection: the server tears it down but keeps its
   * durable opens for this session to reclaim (MS-SMB2 3.2.4.2.3 PreviousSessionId).
   */
  previousSessionId?: bigint;
}

/** What Session.send takes: a request, plus forcing a signature or skipping re-authentication. */
export type SessionSendOptions = SendOptions & { forceSign?: boolean; noReauth?: boolean };

export class Session {
  sessionId = 0n;
  /** SessionFlags of the final SESSION_SETUP response. */
  flags = 0;
  isGuest = false;
  isAnonymous = false;
  /** Every request of this session is encrypted. */
  encryptData = false;
  /** Every request of this session is signed (when not encrypted). */
  signingRequired = false;
  private signer: Signer | undefined;
  private canEncrypt = false;
  readonly trees = new Set<Tree>();
  private loggedOff = false;

  constructor(
    readonly connection: Connection,
    readonly options: SessionOptions = {},
  ) {}

  /** Runs the SESSION_SETUP loop with `mech` until the server accepts or refuses. */
  async setup(mech: AuthMechanism, signal?: AbortSignal): Promise<void> {
    if (this.sessionId !== 0n) return this.reauthenticate(mech, signal);
    const conn = this.connection;
    const neg = conn.negotiated;
    const preauth = neg.dialect === 0x0311 ? conn.preauth!.clone() : undefined;
    const securityMode = neg.signingRequired ? SecurityMode.SIGNING_REQUIRED : SecurityMode.SIGNING_ENABLED;
    let token = await mech.step(undefined);
    let res: SmbResponse;
    for (;;) {
      const body = SessionSetupRequest.encode({
        securityMode,
        capabilities: 1, // SMB2_GLOBAL_CAP_DFS
        securityBuffer: token ?? Buffer.alloc(0),
        previousSessionId: this.options.previousSessionId ?? 0n,
      });
      res = await conn.pump.request({
        command: Command.SESSION_SETUP,
        body: [body],
        sessionId: this.sessionId,
        signal,
        onSent: (m) => preauth?.update(m),
      });
      this.sessionId = res.header.sessionId;
      const r = SessionSetupResponse.decode(res.body, 0, res.body.length, { base: -64 });
      if (res.status === NtStatus.STATUS_MORE_PROCESSING_REQUIRED) {
        preauth?.update(res.message);
        token = await mech.step(r.securityBuffer);
        continue;
      }
      if (res.status !== NtStatus.STATUS_SUCCESS) {
        throw new SmbError(res.status, { command: Command.SESSION_SETUP, syscall: "authenticate" });
      }
      if (r.securityBuffer.length > 0 && !mech.complete) await mech.step(r.securityBuffer);
      this.flags = r.sessionFlags;
      break;
    }
    this.isGuest = !!(this.flags & SessionFlags.IS_GUEST);
    this.isAnonymous = !!(this.flags & SessionFlags.IS_NULL);
    if (this.isGuest && !this.options.allowGuest) {
      await this.logoff().catch(() => {});
      throw new SmbClientError(
        "the server authenticated this session as guest (wrong user name?); set allowGuest to accept",
        "ERR_SMB_GUEST_SESSION",
      );
    }
    if (this.isAnonymous && !this.options.allowAnonymous) {
      await this.logoff().catch(() => {});
      throw new SmbClientError(
        "the server made this an anonymous session; set allowAnonymous to accept",
        "ERR_SMB_ANONYMOUS_SESSION",
      );
    }
    const key = mech.sessionKey;
    if (!this.isGuest && !this.isAnonymous) {
      if (!key) throw new SmbClientError(`${mech.name} produced no session key`, "ERR_SMB_AUTH");
      const c = sessionCrypto({
        dialect: neg.dialect,
        sessionKey: key,
        preauthHash: preauth?.value,
        signingAlgorithm: neg.signingAlgorithm,
        cipher: neg.cipher,
      });
      this.signer = c.signer;
      // MS-SMB2 3.2.5.3.1: the final response is signed with the new key; 3.1.1 servers always sign it.
      if (res.header.flags & HeaderFlags.SIGNED) {
        if (!c.signer.verify([res.message])) {
          throw new SmbClientError(
            "bad signature on the final SESSION_SETUP response",
            "ERR_SMB_BAD_SIGNATURE",
          );
        }
      } else if (neg.dialect === 0x0311 || neg.signingRequired) {
        throw new SmbClientError("the final SESSION_SETUP response is not signed", "ERR_SMB_UNSIGNED");
      }
      this.canEncrypt = !!c.cipher;
      this.signingRequired = neg.signingRequired || !!this.options.sign;
      this.encryptData = !!(this.flags & SessionFlags.ENCRYPT_DATA) || !!this.options.encrypt;
      if (this.encryptData && !this.canEncrypt) {
        throw new SmbClientError(
          `encryption requested but ${neg.dialectName} offers none`,
          "ERR_SMB_NO_ENCRYPTION",
        );
      }
      conn.pump.setSessionSecurity(this.sessionId, {
        signer: c.signer,
        cipher: c.cipher,
        signingRequired: this.signingRequired,
      });
    } else {
      conn.pump.setSessionSecurity(this.sessionId, { signingRequired: false });
    }
    log(
      "session 0x%s up (%s%s)%s%s",
      this.sessionId.toString(16),
      mech.name,
      this.options.previousSessionId ? `, previous 0x${this.options.previousSessionId.toString(16)}` : "",
      this.encryptData ? " encrypted" : this.signingRequired ? " signed" : "",
      this.isGuest ? " guest" : this.isAnonymous ? " anonymous" : "",
    );
  }

  /**
   * Re-authenticates this session (SESSION_SETUP on the existing SessionId, MS-SMB2 3.2.4.2.3): the
   * keys stay those of the first authentication; the exchange is signed or encrypted like any request.
   */
  async reauthenticate(mech: AuthMechanism, signal?: AbortSignal): Promise<void> {
    const neg = this.connection.negotiated;
    const securityMode = neg.signingRequired ? SecurityMode.SIGNING_REQUIRED : SecurityMode.SIGNING_ENABLED;
    let token = await mech.step(undefined);
    for (;;) {
      const body = SessionSetupRequest.encode({
        securityMode,
        capabilities: 1,
        securityBuffer: token ?? Buffer.alloc(0),
      });
      const res = await this.send({
        command: Command.SESSION_SETUP,
        body: [body],
        forceSign: true,
        signal,
        accept: [NtStatus.STATUS_MORE_PROCESSING_REQUIRED],
        noReauth: true,
      });
      const r = SessionSetupResponse.decode(res.body, 0, res.body.length, { base: -64 });
      if (res.status === NtStatus.STATUS_MORE_PROCESSING_REQUIRED) {
        token = await mech.step(r.securityBuffer);
        continue;
      }
      if (r.securityBuffer.length > 0 && !mech.complete) await mech.step(r.securityBuffer);
      log("session 0x%s re-authenticated", this.sessionId.toString(16));
      return;
    }
  }

  /** True when requests can be encrypted (SMB 3.x session with keys). */
  get encryptionAvailable(): boolean {
    return this.canEncrypt;
  }

  get hasSigningKey(): boolean {
    return this.signer !== undefined;
  }

  /**
   * Sends a request of this session with its security: encrypted when the session or tree encrypts,
   * else signed when required (or `forceSign`, e.g. TREE_CONNECT on 3.1.1).
   */
  send(opts: SessionSendOptions): Promise<SmbResponse> {
    return this.sendOn(opts, opts.treeId, !!opts.encrypt);
  }

  /**
   * @internal send() for a tree: the request object is built once here, with Object.assign rather than
   * object spread -- on Node 20 objects made by `{ ...opts }` on a hot path are tenured early, and keep
   * every per-request object they reference alive through young-generation GCs (measured: ~2 KiB promoted
   * per READ, a heap of 60+ MiB while streaming).
   */
  sendOn(opts: SessionSendOptions, treeId: number | undefined, encryptTree: boolean): Promise<SmbResponse> {
    const encrypt = this.encryptData || encryptTree;
    const sign = !encrypt && this.signer !== undefined && (this.signingRequired || !!opts.forceSign);
    const req: SendOptions = Object.assign({}, opts);
    req.sessionId = this.sessionId;
    req.treeId = treeId;
    req.encrypt = encrypt;
    req.sign = sign;
    const sent = this.connection.send(req);
    // No async wrapper (a promise per request) unless re-authentication may be needed.
    const reauth = this.options.reauth;
    if (opts.noReauth || !reauth) return sent;
    return sent.catch(async (err: unknown) => {
      if (!SmbError.is(err, NtStatus.STATUS_NETWORK_SESSION_EXPIRED)) throw err;
      await this.reauthenticate(reauth(), opts.signal);
      return this.connection.send(req);
    });
  }

  /** Request options with this session's security, for compounds. */
  secure<T extends { encrypt?: boolean }>(
    opts: T & { forceSign?: boolean },
  ): T & { sessionId: bigint; sign: boolean; encrypt: boolean } {
    const encrypt = this.encryptData || !!opts.encrypt;
    const sign = !encrypt && this.signer !== undefined && (this.signingRequired || !!opts.forceSign);
    return Object.assign({}, opts, { sessionId: this.sessionId, encrypt, sign });
  }

  /** TREE_CONNECT to `share` on this session's server. */
  async connectTree(share: string, options: TreeConnectOptions = {}): Promise<Tree> {
    const t = new Tree(this, share);
    await t.connect(options);
    this.trees.add(t);
    return t;
  }

  /** LOGOFF (MS-SMB2 3.2.4.22); trees of the session are gone with it. */
  async logoff(): Promise<void> {
    if (this.loggedOff || this.sessionId === 0n) return;
    this.loggedOff = true;
    this.trees.clear();
    try {
      if (!this.connection.closed) {
        await this.send({ command: Command.LOGOFF, body: [LogoffRequest.encode({})] });
      }
    } finally {
      this.connection.pump.removeSession(this.sessionId);
      this.connection.sessions.delete(this);
    }
  }
}
