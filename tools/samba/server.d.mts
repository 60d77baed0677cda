// Types for server.mjs (plain Node ESM, so both node scripts and TypeScript tests can import it).

export interface SambaShareInfo {
  name: string;
  /** Local directory behind the share ("" for an external server). */
  path: string;
}

/** The JSON-serialisable part of a SambaServer (what vitest's `inject("samba")` returns). */
export interface SambaInfo {
  /** "127.0.0.1" for the local server; SMB_SERVER for an external one. */
  host: string;
  port: number;
  /** Port of the companion smbd with `server signing = mandatory` serving `share-signed` (0: none). */
  signedPort: number;
  username: string;
  password: string;
  domain: string;
  /** Private instance directory (everything smbd uses lives here). */
  dir: string;
  shares: Record<string, SambaShareInfo>;
  pid: number;
  signedPid: number;
  /** True for a server from SMB_SERVER & co.: tests that need control of the server must skip. */
  external: boolean;
  confPath: string;
  logPath: string;
}

export interface SambaServer extends SambaInfo {
  /** Stops the smbd processes (SIGTERM, then SIGKILL) and deletes the instance dir; no-op if external. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra or overriding [global] smb.conf options, e.g. { "server max protocol": "SMB3_00" }. */
  global?: Record<string, string>;
  /** Extra shares: name -> smb.conf options (a dir is created unless `path` is given). */
  shares?: Record<string, Record<string, string>>;
  /** Start the signing-mandatory companion smbd for `share-signed` (default true). */
  signedCompanion?: boolean;
}

/** Installs samba + smbclient with apt-get if missing (root only); otherwise throws with an instruction. */
export function ensureSambaInstalled(): void;

/**
 * Starts a private smbd on 127.0.0.1 (a free port) with the shares share, share-encrypted, dfsroot,
 * streams, readonly, and share-signed on a companion smbd at signedPort.
 */
export function startSamba(opts?: StartOptions): Promise<SambaServer>;

/** The server described by SMB_SERVER, SMB_PORT, SMB_USER, SMB_PASSWORD, SMB_SHARE, SMB_DOMAIN, if set. */
/** Share settings under which Samba grants durable handles. */
export declare const DURABLE_SHARE: Readonly<Record<string, string>>;
export function externalServerFromEnv(): SambaServer | undefined;
