/**
 * Kerberos failures: {@link KerberosError} carries the protocol error name (RFC 4120 7.5.9, e.g.
 * "KDC_ERR_PREAUTH_FAILED") or, for failures detected locally, an MIT-style name ("KRB5_KDC_UNREACH").
 * Messages name principals, realms and hosts, never passwords or keys.
 */
import { AuthError, type AuthErrorCode } from "../errors.js";

/** RFC 4120 7.5.9 error codes (plus RFC 6113 / RFC 4556 additions seen from AD and MIT KDCs). */
export const KRB_ERROR_NAMES: Readonly<Record<number, string>> = {
  0: "KDC_ERR_NONE",
  1: "KDC_ERR_NAME_EXP",
  2: "KDC_ERR_SERVICE_EXP",
  3: "KDC_ERR_BAD_PVNO",
  4: "KDC_ERR_C_OLD_MAST_KVNO",
  5: "KDC_ERR_S_OLD_MAST_KVNO",
  6: "KDC_ERR_C_PRINCIPAL_UNKNOWN",
  7: "KDC_ERR_S_PRINCIPAL_UNKNOWN",
  8: "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
  9: "KDC_ERR_NULL_KEY",
  10: "KDC_ERR_CANNOT_POSTDATE",
  11: "KDC_ERR_NEVER_VALID",
  12: "KDC_ERR_POLICY",
  13: "KDC_ERR_BADOPTION",
  14: "KDC_ERR_ETYPE_NOSUPP",
  15: "KDC_ERR_SUMTYPE_NOSUPP",
  16: "KDC_ERR_PADATA_TYPE_NOSUPP",
  17: "KDC_ERR_TRTYPE_NOSUPP",
  18: "KDC_ERR_CLIENT_REVOKED",
  19: "KDC_ERR_SERVICE_REVOKED",
  20: "KDC_ERR_TGT_REVOKED",
  21: "KDC_ERR_CLIENT_NOTYET",
  22: "KDC_ERR_SERVICE_NOTYET",
  23: "KDC_ERR_KEY_EXPIRED",
  24: "KDC_ERR_PREAUTH_FAILED",
  25: "KDC_ERR_PREAUTH_REQUIRED",
  26: "KDC_ERR_SERVER_NOMATCH",
  27: "KDC_ERR_MUST_USE_USER2USER",
  28: "KDC_ERR_PATH_NOT_ACCEPTED",
  29: "KDC_ERR_SVC_UNAVAILABLE",
  31: "KRB_AP_ERR_BAD_INTEGRITY",
  32: "KRB_AP_ERR_TKT_EXPIRED",
  33: "KRB_AP_ERR_TKT_NYV",
  34: "KRB_AP_ERR_REPEAT",
  35: "KRB_AP_ERR_NOT_US",
  36: "KRB_AP_ERR_BADMATCH",
  37: "KRB_AP_ERR_SKEW",
  38: "KRB_AP_ERR_BADADDR",
  39: "KRB_AP_ERR_BADVERSION",
  40: "KRB_AP_ERR_MSG_TYPE",
  41: "KRB_AP_ERR_MODIFIED",
  42: "KRB_AP_ERR_BADORDER",
  44: "KRB_AP_ERR_BADKEYVER",
  45: "KRB_AP_ERR_NOKEY",
  46: "KRB_AP_ERR_MUT_FAIL",
  47: "KRB_AP_ERR_BADDIRECTION",
  48: "KRB_AP_ERR_METHOD",
  49: "KRB_AP_ERR_BADSEQ",
  50: "KRB_AP_ERR_INAPP_CKSUM",
  51: "KRB_AP_PATH_NOT_ACCEPTED",
  52: "KRB_ERR_RESPONSE_TOO_BIG",
  60: "KRB_ERR_GENERIC",
  61: "KRB_ERR_FIELD_TOOLONG",
  62: "KDC_ERR_CLIENT_NOT_TRUSTED",
  63: "KDC_ERR_KDC_NOT_TRUSTED",
  64: "KDC_ERR_INVALID_SIG",
  65: "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED",
  66: "KDC_ERR_CERTIFICATE_MISMATCH",
  67: "KRB_AP_ERR_NO_TGT",
  68: "KDC_ERR_WRONG_REALM",
  69: "KRB_AP_ERR_USER_TO_USER_REQUIRED",
  70: "KDC_ERR_CANT_VERIFY_CERTIFICATE",
  71: "KDC_ERR_INVALID_CERTIFICATE",
  72: "KDC_ERR_REVOKED_CERTIFICATE",
  73: "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
  74: "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
  75: "KDC_ERR_CLIENT_NAME_MISMATCH",
  76: "KDC_ERR_KDC_NAME_MISMATCH",
  77: "KDC_ERR_INCONSISTENT_KEY_PURPOSE",
  78: "KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED",
  79: "KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED",
  80: "KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED",
  81: "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED",
  90: "KDC_ERR_PREAUTH_EXPIRED",
  91: "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED",
  92: "KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET",
  93: "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS",
};

/** Numeric codes used by this package. */
export const KrbErrorCode = {
  KDC_ERR_C_PRINCIPAL_UNKNOWN: 6,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: 7,
  KDC_ERR_ETYPE_NOSUPP: 14,
  KDC_ERR_KEY_EXPIRED: 23,
  KDC_ERR_PREAUTH_FAILED: 24,
  KDC_ERR_PREAUTH_REQUIRED: 25,
  KRB_AP_ERR_BAD_INTEGRITY: 31,
  KRB_AP_ERR_TKT_EXPIRED: 32,
  KRB_AP_ERR_SKEW: 37,
  KRB_AP_ERR_MODIFIED: 41,
  KRB_AP_ERR_MUT_FAIL: 46,
  KDC_ERR_WRONG_REALM: 68,
} as const;

/** Locally detected failures, named like MIT's com_err codes. */
export type KerberosLocalCode =
  | "KRB5_CONFIG" // unusable options / krb5.conf
  | "KRB5_REALM_UNKNOWN" // no KDC known for a realm
  | "KRB5_KDC_UNREACH" // no KDC answered
  | "KRB5_FCC_NOFILE" // no credential cache
  | "KRB5_CC_FORMAT" // unreadable credential cache
  | "KRB5_CC_NOTFOUND" // no usable TGT in the cache
  | "KRB5_KT_NOTFOUND" // no matching keytab entry
  | "KRB5_KT_FORMAT" // unreadable keytab
  | "KRB5_PROG_ETYPE_NOSUPP" // an encryption type this client does not implement
  | "KRB5_KDCREP_MODIFIED" // a KDC reply that does not match the request
  | "KRB5_BAD_MSG"; // a malformed Kerberos message

export interface KerberosErrorOptions {
  /** Numeric protocol error code (KRB-ERROR error-code). */
  errorCode?: number;
  /** e-text of a KRB-ERROR (server supplied, informational). */
  eText?: string;
  /** The KDC's (or server's) clock from a KRB-ERROR. */
  serverTime?: Date;
  cause?: unknown;
}

/** The AuthError code a Kerberos failure maps to. */
function authCodeFor(name: string): AuthErrorCode {
  switch (name) {
    case "KDC_ERR_PREAUTH_FAILED":
    case "KDC_ERR_C_PRINCIPAL_UNKNOWN":
    case "KDC_ERR_KEY_EXPIRED":
    case "KDC_ERR_CLIENT_REVOKED":
    case "KRB_AP_ERR_TKT_EXPIRED":
    case "KRB5_FCC_NOFILE":
    case "KRB5_CC_FORMAT":
    case "KRB5_CC_NOTFOUND":
    case "KRB5_KT_NOTFOUND":
    case "KRB5_KT_FORMAT":
    case "KRB5_CONFIG":
    case "KRB5_REALM_UNKNOWN":
      return "ERR_SMB_AUTH_CREDENTIALS";
    case "KRB_AP_ERR_BAD_INTEGRITY":
    case "KRB_AP_ERR_MODIFIED":
    case "KRB_AP_ERR_MUT_FAIL":
      return "ERR_SMB_AUTH_MIC";
    case "KRB5_BAD_MSG":
    case "KRB5_KDCREP_MODIFIED":
      return "ERR_SMB_AUTH_BAD_TOKEN";
    case "KRB5_PROG_ETYPE_NOSUPP":
    case "KDC_ERR_ETYPE_NOSUPP":
      return "ERR_SMB_AUTH_NO_MECH";
    default:
      return "ERR_SMB_AUTH_REJECTED";
  }
}

/** A Kerberos failure. `krbCode` is the error's name, `errorCode` its RFC 4120 number when it has one. */
export class KerberosError extends AuthError {
  /** "KDC_ERR_PREAUTH_FAILED", "KRB_AP_ERR_SKEW", "KRB5_KDC_UNREACH" ... */
  readonly krbCode: string;
  /** RFC 4120 error-code (undefined for locally detected failures). */
  readonly errorCode: number | undefined;
  readonly eText: string | undefined;
  readonly serverTime: Date | undefined;

  constructor(krbCode: string, message: string, options: KerberosErrorOptions = {}) {
    super(authCodeFor(krbCode), message, { cause: options.cause, mechanism: "kerberos" });
    Object.defineProperty(this, "name", { value: "KerberosError", enumerable: false, configurable: true });
    this.krbCode = krbCode;
    this.errorCode = options.errorCode;
    this.eText = options.eText;
    this.serverTime = options.serverTime;
  }
}

/** Name of a protocol error code ("KRB_ERR_<n>" for unknown ones). */
export function krbErrorName(code: number): string {
  return KRB_ERROR_NAMES[code] ?? `KRB_ERR_${code}`;
}

/** A KerberosError for a locally detected failure. */
export function localError(code: KerberosLocalCode, message: string, cause?: unknown): KerberosError {
  return new KerberosError(code, message, { cause });
}

/** What a KRB-ERROR carries that the message uses (structurally a KrbErrorMessage from messages.ts). */
export interface KrbErrorFields {
  errorCode: number;
  stime: Date;
  susec: number;
  realm: string;
  crealm?: string;
  eText?: string;
}

function formatSkew(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s >= 7200 ? `${(s / 3600).toFixed(1)} h` : s >= 90 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `${text} ${ms > 0 ? "behind" : "ahead of"}`;
}

/**
 * A KerberosError for a KRB-ERROR received from a KDC or a server, with a message saying what to do.
 * `localNowMs` is this host's clock when the error arrived (for the skew message).
 */
export function fromKrbError(
  e: KrbErrorFields,
  context: {
    client?: string;
    server?: string;
    from: "KDC" | "server";
    localNowMs: number;
    /** What the client authenticated with (words the pre-authentication failure accordingly). */
    secret?: "password" | "keytab" | "key";
  },
): KerberosError {
  const name = krbErrorName(e.errorCode);
  const client = context.client ?? "the client";
  const server = context.server ?? "the service";
  let msg: string;
  switch (name) {
    case "KDC_ERR_PREAUTH_FAILED":
      msg =
        context.secret === "keytab"
          ? `pre-authentication failed for ${client}: the keytab's key is wrong or outdated (kvno changed?)`
          : context.secret === "key"
            ? `pre-authentication failed for ${client}: wrong key`
            : `pre-authentication failed for ${client}: wrong password`;
      break;
    case "KDC_ERR_C_PRINCIPAL_UNKNOWN":
      msg = `client ${client} is not known to the KDC of realm ${e.realm}`;
      break;
    case "KDC_ERR_S_PRINCIPAL_UNKNOWN":
      msg =
        `service principal ${server} is not known to the KDC of realm ${e.realm} (check the server host ` +
        "name, or pass the spn option; a server reached by IP address usually has no such principal)";
      break;
    case "KRB_AP_ERR_SKEW": {
      const skew = e.stime.getTime() + Math.floor(e.susec / 1000) - context.localNowMs;
      msg =
        `clock skew too great: the local clock is ${formatSkew(skew)} the ${context.from}'s ` +
        `(${e.stime.toISOString()}); synchronise the clocks (NTP)`;
      break;
    }
    case "KRB_AP_ERR_TKT_EXPIRED":
      msg = `the ticket presented to the ${context.from} has expired; get a new one (kinit, or give a password or keytab)`;
      break;
    case "KDC_ERR_WRONG_REALM":
      msg = `wrong realm for ${client}${e.crealm ? `: the KDC refers to realm ${e.crealm}` : ""}`;
      break;
    case "KDC_ERR_ETYPE_NOSUPP":
      msg = `the KDC has no key for ${client === "the client" ? server : client} of an encryption type this client offered`;
      break;
    case "KDC_ERR_KEY_EXPIRED":
      msg = `the password of ${client} has expired; change it`;
      break;
    case "KDC_ERR_CLIENT_REVOKED":
      msg = `the credentials of ${client} have been revoked (account disabled or locked out)`;
      break;
    case "KDC_ERR_POLICY":
      msg = `the KDC's policy rejects this request for ${client}`;
      break;
    case "KRB_AP_ERR_MODIFIED":
      msg = `the ${context.from} could not decrypt the ticket for ${server} (its keytab does not match the KDC's key)`;
      break;
    default:
      msg = `the ${context.from} returned ${name} (${e.errorCode})`;
  }
  if (e.eText) msg += ` [${e.eText.replace(/[\r\n]+/g, " ").trim()}]`;
  return new KerberosError(name, `${msg} (${name})`, {
    errorCode: e.errorCode,
    eText: e.eText,
    serverTime: e.stime,
  });
}
