/**
 * Tree: a TREE_CONNECT to one share (MS-SMB2 3.2.4.2.4 / 3.2.5.5) and the requests made on it. A share
 * that requires encryption (SHI1005_FLAGS_ENCRYPT_DATA) gets every request encrypted.
 */
import {
  Command,
  FsctlCode,
  IoctlRequest,
  IoctlResponse,
  RELATED_FILE_ID,
  ValidateNegotiateInfoRequest,
  ValidateNegotiateInfoResponse,
  NtStatus,
  ShareFlags,
  ShareType,
  TreeConnectRequest,
  TreeConnectResponse,
  TreeDisconnectRequest,
} from "smb-structures";
import type { RequestOptions, SmbResponse } from "smb-transport";
import type { SendOptions } from "./connection.js";
import { SmbClientError } from "./errors.js";
import { log } from "./log.js";
import { Open, type CreateOptions } from "./open.js";
import type { Session } from "./session.js";

export interface TreeConnectOptions {
  signal?: AbortSignal;
  /** Server name in the UNC path (default: the connection's host). */
  serverName?: string;
}

export class Tree {
  treeId = 0;
  shareType = 0;
  shareFlags = 0;
  capabilities = 0;
  maximalAccess = 0;
  /** Requests on this tree are encrypted (the share or the session requires it). */
  encryptData = false;
  private connected = false;

  constructor(
    readonly session: Session,
    readonly share: string,
  ) {}

  get connection() {
    return this.session.connection;
  }

  /** "\\server\share" as sent in TREE_CONNECT. */
  uncPath(serverName?: string): string {
    return `\\\\${serverName ?? this.connection.host}\\${this.share}`;
  }

  /** True for a DFS share (SHI1005_FLAGS_DFS). */
  get isDfs(): boolean {
    return !!(this.shareFlags & ShareFlags.DFS);
  }

  get isPipe(): boolean {
    return this.shareType === ShareType.PIPE;
  }

  async connect(opts: TreeConnectOptions = {}): Promise<void> {
    const path = this.uncPath(opts.serverName);
    const body = TreeConnectRequest.encode({ path });
    // MS-SMB2 3.2.4.2.4: on 3.1.1 TREE_CONNECT is signed even when signing is not required.
    const res = await this.session.send({
      command: Command.TREE_CONNECT,
      body: [body],
      forceSign: this.connection.dialect === 0x0311,
      signal: opts.signal,
      path,
    });
    const r = TreeConnectResponse.decode(res.body, 0, res.body.length, { base: -64 });
    this.treeId = res.header.treeId;
    this.shareType = r.shareType;
    this.shareFlags = r.shareFlags;
    this.capabilities = r.capabilities;
    this.maximalAccess = r.maximalAccess;
    const shareEncrypts = !!(r.shareFlags & ShareFlags.ENCRYPT_DATA);
    if (shareEncrypts && !this.session.encryptionAvailable) {
      await this.disconnect().catch(() => {});
      throw new SmbClientError(
        `share ${path} requires encryption, which this session cannot do`,
        "ERR_SMB_NO_ENCRYPTION",
      );
    }
    this.encryptData = this.session.encryptData || shareEncrypts;
    this.connected = true;
    const conn = this.connection;
    const d = conn.dialect;
    if ((d === 0x0300 || d === 0x0302) && conn.options.requireSecureNegotiate !== false && !conn.validated) {
      if (this.session.hasSigningKey) await this.validateNegotiate(opts.signal);
    }
    log(
      "tree %s id=%d type=%d flags=0x%s%s",
      path,
      this.treeId,
      r.shareType,
      r.shareFlags.toString(16),
      this.encryptData ? " encrypted" : "",
    );
  }

  /**
   * MS-SMB2 3.2.5.5 / 3.3.5.15.12: FSCTL_VALIDATE_NEGOTIATE_INFO, signed, proves no one rewrote our
   * NEGOTIATE (a downgrade of dialect, capabilities or signing) on 3.0/3.0.2 (3.1.1 has preauth integrity).
   */
  private async validateNegotiate(signal?: AbortSignal): Promise<void> {
    const conn = this.connection;
    const input = ValidateNegotiateInfoRequest.encode({
      capabilities: conn.offered.capabilities,
      guid: conn.clientGuid,
      securityMode: conn.offered.securityMode,
      dialects: conn.offered.dialects,
    });
    const res = await this.session.send({
      command: Command.IOCTL,
      body: [
        IoctlRequest.encode({
          ctlCode: FsctlCode.FSCTL_VALIDATE_NEGOTIATE_INFO,
          fileId: RELATED_FILE_ID,
          input,
          maxOutputResponse: 24,
        }),
      ],
      treeId: this.treeId,
      forceSign: true,
      signal,
    });
    if (!res.verified)
      throw new SmbClientError("VALIDATE_NEGOTIATE_INFO reply was not signed", "ERR_SMB_DOWNGRADE");
    const out = IoctlResponse.decode(res.body, 0, res.body.length, { base: -64 }).output;
    const v = ValidateNegotiateInfoResponse.decode(out);
    const neg = conn.negotiated;
    if (
      v.dialect !== neg.dialect ||
      v.guid !== neg.serverGuid ||
      v.securityMode !== neg.securityMode ||
      v.capabilities !== neg.capabilities
    ) {
      conn.pump.close();
      throw new SmbClientError(
        "secure negotiate failed: the NEGOTIATE exchange was tampered with",
        "ERR_SMB_DOWNGRADE",
      );
    }
    conn.validated = true;
  }

  /** Sends a request on this tree with the tree's and session's security. */
  send(opts: SendOptions): Promise<SmbResponse> {
    return this.session.sendOn(opts, this.treeId, this.encryptData);
  }

  /** Request options for a compound on this tree. */
  secure(opts: RequestOptions): RequestOptions {
    return this.session.secure(Object.assign({}, opts, { treeId: this.treeId, encrypt: this.encryptData }));
  }

  /** CREATE: opens or creates a file, directory or pipe. */
  create(path: string, options: CreateOptions = {}): Promise<Open> {
    return Open.create(this, path, options);
  }

  async disconnect(): Promise<void> {
    if (!this.connected && this.treeId === 0) return;
    this.connected = false;
    this.session.trees.delete(this);
    if (this.connection.closed) return;
    await this.send({
      command: Command.TREE_DISCONNECT,
      body: [TreeDisconnectRequest.encode({})],
      accept: [NtStatus.STATUS_NETWORK_NAME_DELETED],
    });
  }
}
