// Types for kdc.mjs (plain Node ESM, so node scripts and TypeScript tests can both import it).

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KdcStartOptions {
  /** Realm (default "SMBJS.TEST"); the DNS domain is its lower-case form. */
  realm?: string;
  /** Host name of the Kerberized SMB server (default "smbserver.<domain>"); its SPN is cifs/<host>. */
  serviceHost?: string;
  /** Name of the password user (default "alice"). */
  user?: string;
  /** More password users: name -> password. */
  extraUsers?: Record<string, string>;
  /** Keys the KDC creates for principals (default all five enctypes the client implements). */
  supportedEnctypes?: string[];
  /** Extra [libdefaults] for both krb5.conf files (e.g. { default_tgs_enctypes: "aes128-cts" }). */
  libdefaults?: Record<string, string>;
  /** Extra kadmin.local queries run after the principals are created. */
  kadmin?: string[];
}

export interface KerberosSmbdOptions {
  /** Extra or overriding [global] smb.conf options. */
  global?: Record<string, string>;
  /** Extra shares: name -> options (`path` required). */
  shares?: Record<string, Record<string, string>>;
  /** smbd log level (default "1"). */
  logLevel?: string;
}

export interface KerberosSmbd {
  /** Where this process reaches the smbd (a relay on the host's loopback). */
  host: string;
  port: number;
  /** "share" (writable) and "share-encrypted" (smb encrypt = required) serve `sharePath`. */
  share: string;
  sharePath: string;
  confPath: string;
  logPath: string;
  /** The Unix account the Kerberos user maps to inside the namespace. */
  unixUser: string;
}

export interface KdcInstance {
  /** The network namespace the KDC (and smbd) run in. */
  netns: string;
  realm: string;
  /** The KDC as seen inside the namespace: "127.0.0.1:88". */
  kdc: string;
  /** The KDC as reachable from this process: "127.0.0.1:<port>" (a relay). */
  hostKdc: string;
  /** "alice@REALM" with password `password` (keys of every supported enctype, pre-authentication required). */
  user: string;
  password: string;
  users: Record<string, { principal: string; password: string }>;
  /** A principal with random keys whose keytab is `userKeytab`. */
  keytabUser: string;
  userKeytab: string;
  /** krb5.conf for tools inside the namespace (kdc = 127.0.0.1:88). */
  krb5ConfPath: string;
  /** krb5.conf for code in this process (kdc = hostKdc). */
  hostKrb5ConfPath: string;
  kdcConfPath: string;
  serviceHost: string;
  /** "cifs/<serviceHost>@REALM", created with +no_auth_data_required (no PAC: standalone smbd). */
  servicePrincipal: string;
  /** Keytab with the service principal's keys (the smbd's dedicated keytab). */
  serviceKeytab: string;
  /** Private instance directory (configs, database, keytabs, logs). */
  dir: string;
  /** The KDC log. */
  logPath: string;
  /** Runs a command inside the namespace with KRB5_CONFIG / KRB5_KDC_PROFILE set (and `env` added). */
  exec(
    cmd: string,
    args?: string[],
    opts?: { env?: Record<string, string>; input?: string },
  ): Promise<RunResult>;
  /** Runs one kadmin.local query (throws on failure). */
  kadmin(query: string): Promise<RunResult>;
  /** A host-side TCP port relaying to 127.0.0.1:<port> inside the namespace. */
  forward(port: number): Promise<number>;
  /** Starts a standalone smbd (kerberos method = dedicated keytab) on port 445 inside the namespace. */
  startSmbd(opts?: KerberosSmbdOptions): Promise<KerberosSmbd>;
  /** Kills everything in the namespace, deletes it and the instance dir. */
  stop(): Promise<void>;
}

/** Installs krb5-kdc, krb5-admin-server and krb5-user with apt-get when missing (root only). */
export function ensureKerberosInstalled(): void;

/**
 * Starts a private MIT KDC in a new network namespace (root only). Stale namespaces and dirs of dead
 * owner processes are removed first.
 */
export function startKdc(opts?: KdcStartOptions): Promise<KdcInstance>;
