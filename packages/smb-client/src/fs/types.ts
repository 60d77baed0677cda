/** Option types shared by the high-level API (SmbClient and the fs-style functions). */
import type { Credentials, KerberosOptions } from "smb-auth";
import type { CipherAlgorithm, SigningAlgorithm } from "smb-crypto";
import type { DialectName } from "../options.js";
import type { PathResolver } from "./resolver.js";

/** How sessions authenticate: SPNEGO (default; NTLM inside, Kerberos when available), raw NTLM, Kerberos. */
export type AuthProtocol = "negotiate" | "ntlm" | "kerberos";

/** Who to authenticate as. A `credentials` object wins over the loose fields. */
export interface CredentialOptions {
  /** "user", "DOMAIN\\user" or "user@domain". */
  username?: string;
  password?: string;
  /** NT hash instead of a password (32 hex digits or LMHASH:NTHASH). */
  ntHash?: string;
  domain?: string;
  credentials?: Credentials;
}

/**
 * Kerberos settings (SPN override such as "cifs/fs1.example.com" when connecting by IP, ccache, keytab,
 * realm, KDC, krb5.conf); the credentials come from the usual sources.
 */
export type KerberosSettings = Omit<KerberosOptions, "credentials">;

/** Durable handle settings (see ConnectOptions.durable). */
export interface DurableOptions {
  /**
   * How long the server keeps a handle after its connection dropped, and how long the client keeps
   * trying to reclaim it (ms, default 60 000; the server may grant less).
   */
  timeoutMs?: number;
  /** Reclaims one request may go through before it fails (default 3). */
  attempts?: number;
}

/** How to reach and talk to a server; per client, per registered server or per call. */
export interface ConnectOptions {
  /** TCP port (default 445); a port in an smb:// URL wins. */
  port?: number;
  /**
   * Default "negotiate" (SPNEGO: NTLM, with Kerberos offered first when `kerberos` settings are given);
   * "ntlm" raw NTLM; "kerberos" Kerberos only (password, NT hash, keytab or credential cache).
   */
  auth?: AuthProtocol;
  kerberos?: KerberosSettings;
  /** Encrypt the whole session (SMB 3.x) even when the share does not require it. */
  encrypt?: boolean;
  /** Refuse unsigned sessions. */
  requireSigning?: boolean;
  minDialect?: DialectName;
  maxDialect?: DialectName;
  /**
   * Per-request timeout in ms (default 60 s); also bounds connecting. A call passing a timeout other
   * than the client's runs on a pooled connection of its own with that timeout.
   */
  timeout?: number;
  /** Validate the negotiation on SMB 3.0/3.0.2 (default true). */
  requireSecureNegotiate?: boolean;
  /** Accept a guest session (default false). */
  allowGuest?: boolean;
  /** Authenticate anonymously when no user name is given (default false). */
  allowAnonymous?: boolean;
  /** Accept "smb://user:password@host/..." (default false: URLs end up in logs and shell history). */
  allowUrlPassword?: boolean;
  /** Read SMB_USER / SMB_PASSWORD / SMB_DOMAIN when nothing else names a user (default false). */
  credentialsFromEnv?: boolean;
  /**
   * Files held open -- FileHandles, read and write streams, the handles inside large readFile,
   * writeFile and copy transfers -- ask for a durable handle (MS-SMB2 3.2.4.3.5: v2 with a lease on
   * SMB 3.x, v1 with a batch oplock on 2.x; breaks are acknowledged at once). When the connection drops
   * (or the server forgets the session or tree) under such a handle, the client reconnects through the
   * pool, reclaims the handle and re-sends what was not confirmed (with the replay flag on 3.x); where
   * the server did not grant durability, or the reclaim fails within `timeoutMs`, the call fails with
   * ECONNRESET naming the NTSTATUS. Default true; false opens plain handles (no lease, no reclaim).
   */
  durable?: boolean | DurableOptions;
  /** Ciphers / signing algorithms offered on SMB 3.1.1, in preference order. */
  ciphers?: CipherAlgorithm[];
  signingAlgorithms?: SigningAlgorithm[];
}

/** Options every high-level call accepts. */
export interface CallOptions extends CredentialOptions, ConnectOptions {
  /** Aborts the call (and cancels its requests on the wire). */
  signal?: AbortSignal;
  /** Bypass DFS resolution for this call (the client's `skipDfs` otherwise). */
  skipDfs?: boolean;
}

/** Options of a client: defaults for every call, plus what only a client has. */
export interface SmbClientOptions extends CredentialOptions, ConnectOptions {
  /** ClientGuid sent in NEGOTIATE by every connection of this client (default: random per client). */
  clientGuid?: string;
  /** Keep the process alive while connections sit idle (default false: idle connections are unref'd). */
  keepAlive?: boolean;
  /** Never resolve DFS: paths go to the named server and share as they are (default false). */
  skipDfs?: boolean;
  /** DFS (or other) path resolution; the identity resolver when not given. */
  pathResolver?: PathResolver;
  /** Domain controller for DFS domain referrals (passed to the resolver). */
  domainController?: string;
  /** Bytes per READ/WRITE and requests in flight for transfers (default: transfer.ts defaults). */
  chunkSize?: number;
  window?: number;
  /** Files/directories processed in parallel by cp, rm and walk-based operations (default 8). */
  concurrency?: number;
}

/** A target of an operation that may be remote (an SMB path) or local (a plain path or file: URL). */
export type AnyPath = string | URL;
