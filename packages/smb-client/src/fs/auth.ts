/**
 * Which user a call authenticates as, and the mechanism for it. Credentials come from, in order: the
 * call's options, the user in an smb:// URL, the credentials registered for the server, the client's
 * options, the global defaults (default client only) and, when asked, the environment. The user name is
 * taken from the first source naming one; a password (or NT hash) only from a source that names the
 * same user or no user at all, so one user's secret never goes out under another user's name.
 *
 * Sessions are pooled by an identity key: protocol, domain, user and a salted digest of the secret
 * (never the secret itself), so two callers share a session only when they would authenticate the same.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  type AuthMechanismFactory,
  Credentials,
  credentialsFromEnv,
  kerberos,
  negotiate,
  ntlm,
  parseUsername,
} from "smb-auth";
import { SmbClientError } from "../errors.js";
import type { AuthProtocol, CredentialOptions, KerberosSettings } from "./types.js";

export interface ResolvedAuth {
  /** Pool key of the identity (no secret in it). */
  key: string;
  auth: AuthProtocol;
  credentials: Credentials;
  anonymous: boolean;
  /** A fresh mechanism factory for one SESSION_SETUP. */
  factory(): AuthMechanismFactory;
}

const SALT = randomBytes(16);
const objectIds = new WeakMap<Credentials, number>();
let nextObjectId = 1;

function digest(secret: string | undefined): string {
  if (secret === undefined) return "-";
  return createHash("sha256").update(SALT).update(secret).digest("base64url").slice(0, 22);
}

function hasUser(s: CredentialOptions): boolean {
  return s.credentials !== undefined || (s.username !== undefined && s.username !== "");
}

function userOf(s: CredentialOptions): { user: string; domain: string | undefined } {
  if (s.credentials) return { user: s.credentials.username, domain: s.credentials.domain };
  const p = parseUsername(s.username ?? "");
  return { user: p.user, domain: s.domain ?? p.domain };
}

function sameUser(
  a: { user: string; domain: string | undefined },
  b: { user: string; domain: string | undefined },
) {
  if (a.user.toLowerCase() !== b.user.toLowerCase()) return false;
  if (a.domain && b.domain) return a.domain.toLowerCase() === b.domain.toLowerCase();
  return true;
}

export interface AuthInput {
  /** Sources in priority order (undefined entries are skipped). */
  sources: (CredentialOptions | undefined)[];
  auth: AuthProtocol;
  allowAnonymous: boolean;
  useEnv: boolean;
  server: string;
  /** Kerberos settings: used by "kerberos", and offered first by "negotiate" when given. */
  kerberos?: KerberosSettings;
  /** Factories by identity key, so Kerberos tickets are shared by every session of an identity. */
  cache?: Map<string, AuthMechanismFactory>;
}

/** Picks the user and secret for a call (see the module comment). */
export function resolveAuth(input: AuthInput): ResolvedAuth {
  const sources = input.sources.filter((s): s is CredentialOptions => s !== undefined);
  if (input.useEnv) {
    const env = credentialsFromEnv();
    if (env) sources.push({ credentials: env });
  }
  const first = sources.find(hasUser);
  const auth = input.auth;
  const make = (a: AuthProtocol, credentials: Credentials, key: string, anonymous: boolean): ResolvedAuth => {
    const useKerberos = a === "kerberos" || (a === "negotiate" && input.kerberos !== undefined);
    const fullKey = useKerberos ? `${key}\0krb${JSON.stringify(input.kerberos ?? {})}` : key;
    return {
      key: fullKey,
      auth: a,
      credentials,
      anonymous,
      factory: () => {
        if (!useKerberos) return mechanismFactory(a, credentials);
        const cached = input.cache?.get(fullKey);
        if (cached) return cached;
        const f = mechanismFactory(a, credentials, input.kerberos);
        input.cache?.set(fullKey, f);
        return f;
      },
    };
  };
  if (!first) {
    if (auth === "kerberos") {
      // The default principal of the credential cache.
      return make(auth, new Credentials({ username: "" }), `${auth}\0ccache`, false);
    }
    if (!input.allowAnonymous) {
      throw new SmbClientError(
        `no credentials for ${input.server}: pass username/password, register the server, or set allowAnonymous`,
        "ERR_SMB_NO_CREDENTIALS",
      );
    }
    return make("ntlm", Credentials.anonymous(), "anonymous", true);
  }
  if (first.credentials) {
    const c = first.credentials;
    let id = objectIds.get(c);
    if (id === undefined) {
      id = nextObjectId++;
      objectIds.set(c, id);
    }
    return make(auth, c, `${auth}\0obj${id}`, c.isAnonymous);
  }
  const who = userOf(first);
  let secret: CredentialOptions | undefined;
  let domain = who.domain;
  for (const s of sources) {
    if (s.credentials) continue;
    const named = hasUser(s);
    if (named && !sameUser(userOf(s), who)) continue;
    if (!secret && (s.password !== undefined || s.ntHash !== undefined)) secret = s;
    if (domain === undefined && s.domain !== undefined && (named || !hasUser(s))) domain = s.domain;
  }
  const creds = new Credentials({
    username: who.user,
    ...(domain !== undefined ? { domain } : {}),
    ...(secret?.ntHash !== undefined
      ? { ntHash: secret.ntHash }
      : { password: secret?.password ?? (auth === "kerberos" ? undefined : "") }),
  });
  const secretText =
    secret?.ntHash !== undefined
      ? `h:${secret.ntHash}`
      : secret?.password !== undefined
        ? `p:${secret.password}`
        : undefined;
  const key = `${auth}\0${(domain ?? "").toLowerCase()}\0${who.user.toLowerCase()}\0${digest(secretText)}`;
  return make(auth, creds, key, false);
}

/**
 * The smb-auth factory for a protocol: "ntlm" raw NTLM; "negotiate" SPNEGO over NTLM (and Kerberos
 * first when Kerberos settings are given: SPNEGO leaves it out when it cannot get a ticket);
 * "kerberos" SPNEGO over Kerberos only (a password, the NT hash, a keytab or the credential cache).
 */
export function mechanismFactory(
  auth: AuthProtocol,
  credentials: Credentials,
  krb?: KerberosSettings,
): AuthMechanismFactory {
  const krbFactory = () => kerberos({ ...krb, ...(credentials.username !== "" ? { credentials } : {}) });
  switch (auth) {
    case "ntlm":
      return ntlm(credentials);
    case "negotiate":
      return krb !== undefined ? negotiate(credentials, { kerberos: krbFactory() }) : negotiate(credentials);
    case "kerberos":
      return negotiate(credentials, { kerberos: krbFactory(), ntlm: false });
    default:
      throw new SmbClientError(`unknown auth protocol: ${String(auth)}`, "ERR_INVALID_ARG_VALUE");
  }
}
