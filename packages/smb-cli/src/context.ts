/**
 * What every command shares: the global options, credentials (from -U, --password-stdin, the
 * environment or a prompt), and one SmbClient (its pool keeps one connection per server for the whole
 * command or shell session).
 */
import { debuglog } from "node:util";
import { SmbClient, type SmbClientOptions } from "smb-client";
import { dfs } from "smb-dfs";
import { UsageError } from "./errors.js";
import { parseProtocol } from "./protocol.js";
import type { Io } from "./io.js";
import { promptPassword, readPasswordFromStdin } from "./prompt.js";
import { addSecret, redact } from "./secrets.js";

export { parseProtocol };

export const log = debuglog("smb:cli");

/** Global options as commander parses them. */
export interface GlobalOptions {
  user?: string;
  domain?: string;
  passwordStdin?: boolean;
  kerberos?: boolean;
  /** Kerberos service principal override ("cifs/host"), e.g. when connecting by IP address. */
  spn?: string;
  /** Kerberos KDC "host[:port]" overriding krb5.conf. */
  kdc?: string;
  /** false with -N / --no-pass: never prompt. */
  pass?: boolean;
  port?: number;
  encrypt?: boolean;
  sign?: boolean;
  minProtocol?: string;
  maxProtocol?: string;
  /** Seconds. */
  timeout?: number;
  /** false with --no-dfs. */
  dfs?: boolean;
  verbose?: boolean;
}

export interface Credentials {
  username: string | undefined;
  domain: string | undefined;
  password: string | undefined;
  /** Where the password came from (for -v logs; never the password itself). */
  source: "argv" | "stdin" | "env" | "prompt" | "none";
}

/** "DOMAIN/user" (smbclient also accepts a slash) -> "DOMAIN\\user". */
export function normalizeUser(u: string): string {
  return !u.includes("\\") && /^[^/@]+\/[^/]+$/.test(u) ? u.replace("/", "\\") : u;
}

export class Context {
  private clientPromise: Promise<SmbClient> | undefined;
  private creds: Credentials | undefined;
  private credsPromise: Promise<Credentials> | undefined;
  constructor(
    readonly io: Io,
    readonly opts: GlobalOptions,
    private readonly argvPassword: string | undefined,
  ) {
    addSecret(argvPassword);
  }

  get interactive(): boolean {
    return !!this.io.stdin.isTTY;
  }

  /** The credentials, asking for a password on the terminal when one is needed and none was given. */
  credentials(server: string): Promise<Credentials> {
    this.credsPromise ??= this.resolveCredentials(server).then((c) => {
      this.creds = c;
      addSecret(c.password);
      log("user %s domain %s password from %s", c.username ?? "(anonymous)", c.domain ?? "-", c.source);
      return c;
    });
    return this.credsPromise;
  }

  private async resolveCredentials(server: string): Promise<Credentials> {
    const env = this.io.env;
    const o = this.opts;
    const envUser = env.SMB_USER ? normalizeUser(env.SMB_USER) : undefined;
    const username = o.user !== undefined ? normalizeUser(o.user) : envUser;
    const domain = o.domain ?? env.SMB_DOMAIN ?? undefined;
    if (this.argvPassword !== undefined)
      return { username, domain, password: this.argvPassword, source: "argv" };
    if (o.passwordStdin) {
      if (this.io.stdin.isTTY)
        throw new UsageError("--password-stdin: stdin is a terminal (pipe the password in)");
      return { username, domain, password: await readPasswordFromStdin(this.io.stdin), source: "stdin" };
    }
    // SMB_PASSWORD belongs to SMB_USER: not sent under another user's name.
    const sameUser = o.user === undefined || envUser === undefined || sameName(envUser, username!);
    if (env.SMB_PASSWORD !== undefined && sameUser)
      return { username, domain, password: env.SMB_PASSWORD, source: "env" };
    if (o.kerberos || username === undefined || username === "")
      return { username, domain, password: undefined, source: "none" };
    if (this.interactive && o.pass !== false) {
      const who = `${domain ? `${domain}\\` : ""}${username}@${server}`;
      const password = await promptPassword(`Password for ${who}: `, this.io.stdin, this.io.stderr);
      return { username, domain, password, source: "prompt" };
    }
    return { username, domain, password: undefined, source: "none" };
  }

  /** Port from --port or SMB_PORT (undefined: 445 or the URL's). */
  get port(): number | undefined {
    if (this.opts.port !== undefined) return this.opts.port;
    const p = this.io.env.SMB_PORT;
    if (p && /^\d+$/.test(p)) return Number(p);
    return undefined;
  }

  /** Options for SmbClient from the global options and the credentials. */
  clientOptions(c: Credentials): SmbClientOptions {
    const o = this.opts;
    const useDfs = o.dfs !== false;
    const out: SmbClientOptions = {
      auth: o.kerberos ? "kerberos" : "negotiate",
      skipDfs: !useDfs,
      keepAlive: false,
    };
    if (c.username !== undefined && c.username !== "") out.username = c.username;
    else if (!o.kerberos) out.allowAnonymous = true;
    if (c.password !== undefined) out.password = c.password;
    if (c.domain !== undefined) out.domain = c.domain;
    if (this.port !== undefined) out.port = this.port;
    if (o.encrypt) out.encrypt = true;
    if (o.sign) out.requireSigning = true;
    if (o.minProtocol) out.minDialect = parseProtocol(o.minProtocol, "--min-protocol");
    if (o.maxProtocol) out.maxDialect = parseProtocol(o.maxProtocol, "--max-protocol");
    if (o.timeout !== undefined) out.timeout = Math.round(o.timeout * 1000);
    if (o.kerberos || o.spn || o.kdc) {
      // krb5.conf and the credential cache come from KRB5_CONFIG / KRB5CCNAME (or their defaults).
      const krb: NonNullable<SmbClientOptions["kerberos"]> = { env: this.io.env as NodeJS.ProcessEnv };
      if (o.spn) krb.spn = o.spn;
      if (o.kdc) krb.kdc = o.kdc;
      out.kerberos = krb;
    }
    if (useDfs) out.pathResolver = dfs() as unknown as SmbClientOptions["pathResolver"];
    return out;
  }

  /** The client (created on first use, after the credentials are known). */
  client(server: string): Promise<SmbClient> {
    this.clientPromise ??= this.credentials(server).then((c) => new SmbClient(this.clientOptions(c)));
    return this.clientPromise;
  }

  /** Hides every known secret in a string (for messages that might echo one back). */
  redact(s: string): string {
    return redact(s);
  }

  async close(): Promise<void> {
    const p = this.clientPromise;
    this.clientPromise = undefined;
    if (p) await (await p.catch(() => undefined))?.close().catch(() => {});
  }

  get username(): string | undefined {
    return this.creds?.username;
  }

  /** A hint for an authentication failure when no password was found anywhere. */
  get authHint(): string | undefined {
    const c = this.creds;
    if (c?.source !== "none" || this.opts.kerberos || !c.username) return undefined;
    return "no password was given: use the prompt (a terminal), --password-stdin, SMB_PASSWORD or -U user%password";
  }
}

function sameName(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/^.*\\/, "").replace(/@.*$/, "").toLowerCase();
  return strip(a) === strip(b);
}
