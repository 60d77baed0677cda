/**
 * Credentials: user name, domain and a secret (password or NT hash). The secret lives in #private fields
 * and never shows in util.inspect, JSON, string conversion or error messages.
 */
import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import { AuthError } from "./errors.js";

export interface CredentialsInit {
  /** "user", "DOMAIN\\user" or "user@domain" (the domain part is split off unless `domain` is given). */
  username: string;
  password?: string;
  /**
   * NT hash (NTOWFv1, MD4 of the UTF-16LE password) instead of the password: 32 hex digits, the
   * "LMHASH:NTHASH" form, or 16 bytes.
   */
  ntHash?: string | Uint8Array;
  domain?: string;
  /** NetBIOS name of this machine sent in NTLM messages (default: the host name). */
  workstation?: string;
}

/** The forms a user name can take. */
export interface ParsedUsername {
  user: string;
  domain: string | undefined;
  /** "down-level" for DOMAIN\user, "upn" for user@domain, "plain" otherwise. */
  form: "plain" | "down-level" | "upn";
}

/** Splits "DOMAIN\\user" and "user@domain" (the last "@" separates a UPN's domain). */
export function parseUsername(name: string): ParsedUsername {
  const bs = name.indexOf("\\");
  if (bs >= 0) return { user: name.slice(bs + 1), domain: name.slice(0, bs), form: "down-level" };
  const at = name.lastIndexOf("@");
  if (at > 0 && at < name.length - 1)
    return { user: name.slice(0, at), domain: name.slice(at + 1), form: "upn" };
  return { user: name, domain: undefined, form: "plain" };
}

interface Secrets {
  password: string | undefined;
  ntHash: Buffer | undefined;
}

let readSecrets: (c: Credentials) => Secrets;

const REDACTED = "<redacted>";

export class Credentials {
  /** The user name without any domain part ("" for anonymous). */
  readonly username: string;
  /** The domain (NetBIOS or DNS name); undefined when none was given. */
  readonly domain: string | undefined;
  readonly workstation: string | undefined;
  /** How the user name was written ("upn" keeps "user@domain" meaningful for Kerberos). */
  readonly form: ParsedUsername["form"];
  readonly #password: string | undefined;
  readonly #ntHash: Buffer | undefined;

  static {
    readSecrets = (c) => ({ password: c.#password, ntHash: c.#ntHash });
  }

  constructor(init: CredentialsInit) {
    if (typeof init?.username !== "string") {
      throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "credentials need a username (a string)");
    }
    const parsed = parseUsername(init.username);
    this.username = parsed.user;
    this.domain = init.domain ?? parsed.domain;
    this.form = init.domain !== undefined ? "plain" : parsed.form;
    this.workstation = init.workstation;
    if (init.password !== undefined && typeof init.password !== "string") {
      throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "password must be a string");
    }
    this.#password = init.password;
    this.#ntHash = init.ntHash === undefined ? undefined : parseNtHash(init.ntHash);
    if (this.#password !== undefined && this.#ntHash !== undefined) {
      throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "give either a password or an NT hash, not both");
    }
    if (this.username === "" && (this.#password || this.#ntHash)) {
      throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "a password or hash was given without a username");
    }
  }

  /** Anonymous (null session) credentials: empty user, no secret. */
  static anonymous(): Credentials {
    return new Credentials({ username: "" });
  }

  get isAnonymous(): boolean {
    return this.username === "" && this.#password === undefined && this.#ntHash === undefined;
  }

  get hasPassword(): boolean {
    return this.#password !== undefined;
  }

  get hasNtHash(): boolean {
    return this.#ntHash !== undefined;
  }

  /** "user@domain" when written as a UPN, otherwise "DOMAIN\\user" (or just "user"). */
  get principal(): string {
    if (this.form === "upn" && this.domain) return `${this.username}@${this.domain}`;
    return this.domain ? `${this.domain}\\${this.username}` : this.username;
  }

  /** A copy with some fields replaced (secrets carried over unless replaced). */
  with(changes: Partial<CredentialsInit>): Credentials {
    const s = readSecrets(this);
    const secret =
      changes.password !== undefined || changes.ntHash !== undefined
        ? { password: changes.password, ntHash: changes.ntHash }
        : { password: s.password, ntHash: s.ntHash };
    const upn = this.form === "upn" && changes.username === undefined && changes.domain === undefined;
    return new Credentials({
      username: changes.username ?? (upn ? this.principal : this.username),
      domain: changes.domain ?? (upn ? undefined : this.domain),
      workstation: changes.workstation ?? this.workstation,
      ...secret,
    });
  }

  toString(): string {
    return this.isAnonymous ? "<anonymous>" : this.principal;
  }

  toJSON(): Record<string, string | undefined> {
    return {
      username: this.username,
      domain: this.domain,
      workstation: this.workstation,
      ...(this.#password !== undefined && { password: REDACTED }),
      ...(this.#ntHash !== undefined && { ntHash: REDACTED }),
    };
  }

  [inspect.custom](): string {
    const parts = [`username: ${JSON.stringify(this.username)}`];
    if (this.domain !== undefined) parts.push(`domain: ${JSON.stringify(this.domain)}`);
    if (this.workstation !== undefined) parts.push(`workstation: ${JSON.stringify(this.workstation)}`);
    if (this.#password !== undefined) parts.push(`password: ${REDACTED}`);
    if (this.#ntHash !== undefined) parts.push(`ntHash: ${REDACTED}`);
    if (this.isAnonymous) parts.push("anonymous: true");
    return `Credentials { ${parts.join(", ")} }`;
  }
}

/** Package-internal: the secrets of `c`, for the mechanisms. Not exported from the package index. */
export function secretsOf(c: Credentials): Secrets {
  return readSecrets(c);
}

function parseNtHash(v: string | Uint8Array): Buffer {
  if (typeof v !== "string") {
    if (v.length !== 16) throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "an NT hash is 16 bytes");
    return Buffer.from(v);
  }
  // "LMHASH:NTHASH" (the pwdump / impacket form): the NT hash is the last part.
  const hex = v.includes(":") ? v.slice(v.lastIndexOf(":") + 1) : v;
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "an NT hash is 32 hex digits (or LMHASH:NTHASH)");
  }
  return Buffer.from(hex, "hex");
}

/**
 * Credentials from environment variables `${prefix}USER` (any of the user-name forms), `${prefix}PASSWORD`
 * and `${prefix}DOMAIN`; undefined when the user variable is not set. Reads the environment only when
 * called.
 */
export function credentialsFromEnv(
  options: { prefix?: string; env?: NodeJS.ProcessEnv } = {},
): Credentials | undefined {
  const prefix = options.prefix ?? "SMB_";
  const env = options.env ?? process.env;
  const username = env[`${prefix}USER`];
  if (username === undefined || username === "") return undefined;
  const domain = env[`${prefix}DOMAIN`];
  return new Credentials({
    username,
    password: env[`${prefix}PASSWORD`] ?? "",
    ...(domain ? { domain } : {}),
  });
}

export interface NtlmUserFileOptions {
  /** Pick the entry for this user (case-insensitive); the first entry otherwise. */
  username?: string;
  /** With `username`: the entry's domain must match too (case-insensitive). */
  domain?: string;
}

/**
 * Reads credentials from an NTLM_USER_FILE (the flat file gss-ntlmssp and pyspnego read). Each line is
 * either `DOMAIN:USER:PASSWORD` (Heimdal form; DOMAIN may be empty, e.g. `:user@REALM:password`; the
 * password is everything after the second colon) or an smbpasswd(5) line
 * `USER:UID:LMHASH:NTHASH:[FLAGS]:LCT-...` whose NT hash is used. `path` defaults to
 * `process.env.NTLM_USER_FILE`. Errors never quote the file's lines.
 */
export async function readNtlmUserFile(
  path?: string,
  options: NtlmUserFileOptions = {},
): Promise<Credentials> {
  const file = path ?? process.env.NTLM_USER_FILE;
  if (!file)
    throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "no NTLM user file given and NTLM_USER_FILE is not set");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", `cannot read the NTLM user file ${file}`, { cause: err });
  }
  return parseNtlmUserFile(text, options);
}

/** Parses NTLM_USER_FILE content (see {@link readNtlmUserFile}). */
export function parseNtlmUserFile(text: string, options: NtlmUserFileOptions = {}): Credentials {
  const want = options.username !== undefined ? parseUsername(options.username) : undefined;
  const wantDomain = options.domain ?? want?.domain;
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const entry = parseLine(line, i + 1);
    if (want) {
      const sameUser = entry.user.toUpperCase() === want.user.toUpperCase();
      const sameDomain =
        wantDomain === undefined || (entry.domain ?? "").toUpperCase() === wantDomain.toUpperCase();
      if (!sameUser || !sameDomain) continue;
    }
    return new Credentials({
      username: entry.user,
      ...(entry.domain ? { domain: entry.domain } : {}),
      ...(entry.password !== undefined ? { password: entry.password } : { ntHash: entry.ntHash! }),
    });
  }
  throw new AuthError(
    "ERR_SMB_AUTH_CREDENTIALS",
    want ? "no matching entry in the NTLM user file" : "the NTLM user file has no entries",
  );
}

interface FileEntry {
  user: string;
  domain: string | undefined;
  password?: string;
  ntHash?: Buffer;
}

const HASH_RE = /^[0-9a-fA-F]{32}$/;

function parseLine(line: string, lineNo: number): FileEntry {
  const fields = line.split(":");
  // smbpasswd(5): USER:UID:LMHASH:NTHASH:[FLAGS]:LCT-XXXXXXXX
  if (fields.length >= 6 && /^\d+$/.test(fields[1]!) && HASH_RE.test(fields[3]!)) {
    const p = parseUsername(fields[0]!);
    return { user: p.user, domain: p.domain, ntHash: Buffer.from(fields[3]!, "hex") };
  }
  if (fields.length < 3) {
    throw new AuthError(
      "ERR_SMB_AUTH_CREDENTIALS",
      `NTLM user file line ${lineNo}: expected DOMAIN:USER:PASSWORD`,
    );
  }
  const domain = fields[0]!;
  const userField = fields[1]!;
  if (userField === "") {
    throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", `NTLM user file line ${lineNo}: empty user name`);
  }
  const password = fields.slice(2).join(":");
  if (domain === "") {
    // ":user@REALM:password" keeps the UPN; split it for NTLM as parseUsername does.
    const p = parseUsername(userField);
    return { user: p.user, domain: p.domain, password };
  }
  return { user: userField, domain, password };
}
