// Types for dc.mjs (plain Node ESM, so node scripts and TypeScript tests can both import it).

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface AdDcStartOptions {
  /** Kerberos realm / DNS domain (default "SMB.TEST"; the DNS domain is its lower-case form). */
  realm?: string;
  /** NetBIOS domain name (default "SMB"). */
  domain?: string;
  /** The DC's host name (default "dc1"; its FQDN is "<hostName>.<dns domain>"). */
  hostName?: string;
  /** Extra or overriding [global] smb.conf options. */
  global?: Record<string, string>;
}

export interface AdDcInstance {
  /** The network namespace the DC runs in (its own 127.0.0.1; the DC uses the standard ports). */
  netns: string;
  /** "SMB.TEST" */
  realm: string;
  /** "smb.test" */
  dnsDomain: string;
  /** NetBIOS domain, "SMB". */
  domain: string;
  /** "dc1.smb.test" (resolvable inside the namespace only). */
  dcName: string;
  /** Where this process reaches the DC's SMB port: 127.0.0.1:<port>, a relay into the namespace. */
  host: string;
  port: number;
  /** "Administrator" with `password` (NTLM works; Kerberos needs the realm's KDC, port 88 via forward()). */
  username: string;
  password: string;
  /** Private instance directory (provisioned DC, logs, the relay socket). */
  dir: string;
  confPath: string;
  logPath: string;
  /** Runs a command inside the namespace. */
  exec(cmd: string, args?: string[], input?: string): Promise<RunResult>;
  /** A host-side TCP port relaying to 127.0.0.1:<port> inside the namespace (88, 389 ...). */
  forward(port: number): Promise<number>;
  /** Kills everything in the namespace, deletes it, its /etc/netns dir and the instance dir. */
  stop(): Promise<void>;
}

/** Installs samba-ad-dc and winbind with apt-get when missing (root only). */
export function ensureAdDcInstalled(): void;

/**
 * Provisions and starts a Samba AD DC in a new network namespace (root only; ~15-25 s). Stale instances
 * of dead processes are removed first.
 */
export function startAdDc(opts?: AdDcStartOptions): Promise<AdDcInstance>;
