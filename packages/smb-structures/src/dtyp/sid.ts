/**
 * MS-DTYP 2.4.2 SID: Revision (1), SubAuthorityCount, IdentifierAuthority (6 bytes, big-endian) and
 * SubAuthorityCount little-endian u32 sub-authorities. String form (2.4.2.1): "S-1-<authority>-<sub>...",
 * the authority in decimal below 2^32 and as 0x + 12 hex digits otherwise.
 */
import { SmbDecodeError, SmbEncodeError } from "../codec/errors.js";
import { uintBE } from "../codec/extras.js";
import { constant, countOf } from "../codec/fields.js";
import { u8, u32 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { varArray } from "../codec/variable.js";
import { mapVar, varStruct } from "../codec/variable.js";

/** The binary SID, field by field. */
export const SidStruct = struct(
  "SID",
  {
    revision: constant(u8, 1),
    subAuthorityCount: countOf("subAuthority", u8),
    identifierAuthority: uintBE(6),
    subAuthority: varArray(u32),
  },
  { offsetsFrom: "self", spec: "MS-DTYP 2.4.2.2" },
);
export type SidParts = Decoded<typeof SidStruct.fields>;

/** At most 15 sub-authorities (MS-DTYP 2.4.2). */
export const SID_MAX_SUB_AUTHORITIES = 15;

const SID_RE = /^S-1-(0x[0-9a-fA-F]{12}|\d+)((?:-\d+){0,15})$/i;

/** Parses "S-1-5-21-1-2-3-500" (also the SDDL aliases "SY", "BA", ... of well-known SIDs). */
export function parseSid(s: string): SidParts {
  const alias = SDDL_SID_ALIASES[s.toUpperCase()];
  const m = SID_RE.exec(alias ?? s);
  if (!m) throw new SmbEncodeError("SID", undefined, `not a SID string: ${JSON.stringify(s)}`);
  const authority = m[1]!.toLowerCase().startsWith("0x") ? Number.parseInt(m[1]!.slice(2), 16) : Number(m[1]);
  if (!Number.isSafeInteger(authority) || authority > 0xffffffffffff) {
    throw new SmbEncodeError("SID", "identifierAuthority", `out of range: ${m[1]}`);
  }
  const subAuthority = m[2] ? m[2].slice(1).split("-").map(Number) : [];
  for (const v of subAuthority) {
    if (v > 0xffffffff) throw new SmbEncodeError("SID", "subAuthority", `${v} is not a u32`);
  }
  return { identifierAuthority: authority, subAuthority };
}

/** "S-1-5-32-544" from the parts. */
export function formatSid(sid: Pick<SidParts, "identifierAuthority" | "subAuthority">): string {
  const a = sid.identifierAuthority;
  const auth = a < 2 ** 32 ? String(a) : `0x${a.toString(16).toUpperCase().padStart(12, "0")}`;
  let s = `S-1-${auth}`;
  for (const v of sid.subAuthority) s += `-${v}`;
  return s;
}

export function isValidSid(s: string): boolean {
  try {
    parseSid(s);
    return true;
  } catch {
    return false;
  }
}

/** Wire bytes of a SID string. */
export function sidToBytes(s: string): Buffer {
  return SidStruct.encode(parseSid(s));
}
/** SID string of wire bytes at `off`. */
export function sidFromBytes(b: Buffer, off = 0): string {
  return formatSid(SidStruct.decode(b, off));
}
/** Encoded length of a SID: 8 + 4 * SubAuthorityCount. */
export function sidLength(s: string): number {
  return 8 + 4 * parseSid(s).subAuthority.length;
}

function toParts(s: string | undefined): SidParts | undefined {
  if (s === undefined) return undefined;
  if (s === "") throw new SmbEncodeError("SID", undefined, "missing");
  const p = parseSid(s);
  if (p.subAuthority.length > SID_MAX_SUB_AUTHORITIES) {
    throw new SmbEncodeError("SID", "subAuthority", `more than ${SID_MAX_SUB_AUTHORITIES} sub-authorities`);
  }
  return p;
}

/** A SID as a variable part, decoded to its string form (required: encoding "" is an error). */
export const sid = mapVar(
  varStruct(SidStruct),
  (v) => (v ? formatSid(v) : ""),
  (s: string) => toParts(s),
);
/** A SID that may be absent (security descriptor owner/group with a zero offset). */
export const optionalSid = mapVar(
  varStruct(SidStruct),
  (v) => (v ? formatSid(v) : undefined),
  (s: string | undefined) => toParts(s),
);

/** Well-known SIDs, MS-DTYP 2.4.2.4 (the domain-independent ones). */
export const WellKnownSid = {
  NULL: "S-1-0-0",
  EVERYONE: "S-1-1-0",
  LOCAL: "S-1-2-0",
  CONSOLE_LOGON: "S-1-2-1",
  CREATOR_OWNER: "S-1-3-0",
  CREATOR_GROUP: "S-1-3-1",
  OWNER_SERVER: "S-1-3-2",
  GROUP_SERVER: "S-1-3-3",
  OWNER_RIGHTS: "S-1-3-4",
  NT_AUTHORITY: "S-1-5",
  DIALUP: "S-1-5-1",
  NETWORK: "S-1-5-2",
  BATCH: "S-1-5-3",
  INTERACTIVE: "S-1-5-4",
  SERVICE: "S-1-5-6",
  ANONYMOUS: "S-1-5-7",
  PROXY: "S-1-5-8",
  ENTERPRISE_DOMAIN_CONTROLLERS: "S-1-5-9",
  PRINCIPAL_SELF: "S-1-5-10",
  AUTHENTICATED_USERS: "S-1-5-11",
  RESTRICTED_CODE: "S-1-5-12",
  TERMINAL_SERVER_USER: "S-1-5-13",
  REMOTE_INTERACTIVE_LOGON: "S-1-5-14",
  THIS_ORGANIZATION: "S-1-5-15",
  IUSR: "S-1-5-17",
  LOCAL_SYSTEM: "S-1-5-18",
  LOCAL_SERVICE: "S-1-5-19",
  NETWORK_SERVICE: "S-1-5-20",
  BUILTIN_ADMINISTRATORS: "S-1-5-32-544",
  BUILTIN_USERS: "S-1-5-32-545",
  BUILTIN_GUESTS: "S-1-5-32-546",
  POWER_USERS: "S-1-5-32-547",
  ACCOUNT_OPERATORS: "S-1-5-32-548",
  SERVER_OPERATORS: "S-1-5-32-549",
  PRINTER_OPERATORS: "S-1-5-32-550",
  BACKUP_OPERATORS: "S-1-5-32-551",
  REPLICATOR: "S-1-5-32-552",
  ALIAS_PREW2KCOMPACC: "S-1-5-32-554",
  REMOTE_DESKTOP: "S-1-5-32-555",
  NETWORK_CONFIGURATION_OPS: "S-1-5-32-556",
  PERFMON_USERS: "S-1-5-32-558",
  PERFLOG_USERS: "S-1-5-32-559",
  IIS_IUSRS: "S-1-5-32-568",
  CRYPTO_OPERATORS: "S-1-5-32-569",
  EVENT_LOG_READERS: "S-1-5-32-573",
  CERTIFICATE_SERVICE_DCOM_ACCESS: "S-1-5-32-574",
  RDS_REMOTE_ACCESS_SERVERS: "S-1-5-32-575",
  RDS_ENDPOINT_SERVERS: "S-1-5-32-576",
  RDS_MANAGEMENT_SERVERS: "S-1-5-32-577",
  HYPER_V_ADMINS: "S-1-5-32-578",
  ACCESS_CONTROL_ASSISTANCE_OPS: "S-1-5-32-579",
  REMOTE_MANAGEMENT_USERS: "S-1-5-32-580",
  WRITE_RESTRICTED_CODE: "S-1-5-33",
  NTLM_AUTHENTICATION: "S-1-5-64-10",
  SCHANNEL_AUTHENTICATION: "S-1-5-64-14",
  DIGEST_AUTHENTICATION: "S-1-5-64-21",
  NT_SERVICE: "S-1-5-80",
  OTHER_ORGANIZATION: "S-1-5-1000",
  ALL_APP_PACKAGES: "S-1-15-2-1",
  ML_UNTRUSTED: "S-1-16-0",
  ML_LOW: "S-1-16-4096",
  ML_MEDIUM: "S-1-16-8192",
  ML_MEDIUM_PLUS: "S-1-16-8448",
  ML_HIGH: "S-1-16-12288",
  ML_SYSTEM: "S-1-16-16384",
  ML_PROTECTED_PROCESS: "S-1-16-20480",
  AUTHENTICATION_AUTHORITY_ASSERTED_IDENTITY: "S-1-18-1",
  SERVICE_ASSERTED_IDENTITY: "S-1-18-2",
  /** Samba: Unix users and groups without a Windows mapping (S-1-22-1-uid, S-1-22-2-gid). */
  SAMBA_UNIX_USERS: "S-1-22-1",
  SAMBA_UNIX_GROUPS: "S-1-22-2",
} as const;

/** SDDL SID strings (MS-DTYP 2.5.1.1) of the domain-independent well-known SIDs. */
export const SDDL_SID_ALIASES: Readonly<Record<string, string>> = {
  WD: "S-1-1-0",
  CO: "S-1-3-0",
  CG: "S-1-3-1",
  OW: "S-1-3-4",
  NU: "S-1-5-2",
  IU: "S-1-5-4",
  SU: "S-1-5-6",
  AN: "S-1-5-7",
  ED: "S-1-5-9",
  PS: "S-1-5-10",
  AU: "S-1-5-11",
  RC: "S-1-5-12",
  SY: "S-1-5-18",
  LS: "S-1-5-19",
  NS: "S-1-5-20",
  BA: "S-1-5-32-544",
  BU: "S-1-5-32-545",
  BG: "S-1-5-32-546",
  PU: "S-1-5-32-547",
  AO: "S-1-5-32-548",
  SO: "S-1-5-32-549",
  PO: "S-1-5-32-550",
  BO: "S-1-5-32-551",
  RE: "S-1-5-32-552",
  RU: "S-1-5-32-554",
  RD: "S-1-5-32-555",
  NO: "S-1-5-32-556",
  MU: "S-1-5-32-558",
  LU: "S-1-5-32-559",
  IS: "S-1-5-32-568",
  CY: "S-1-5-32-569",
  ER: "S-1-5-32-573",
  CD: "S-1-5-32-574",
  RA: "S-1-5-32-575",
  ES: "S-1-5-32-576",
  MS: "S-1-5-32-577",
  HA: "S-1-5-32-578",
  AA: "S-1-5-32-579",
  RM: "S-1-5-32-580",
  WR: "S-1-5-33",
  AC: "S-1-15-2-1",
  LW: "S-1-16-4096",
  ME: "S-1-16-8192",
  MP: "S-1-16-8448",
  HI: "S-1-16-12288",
  SI: "S-1-16-16384",
};

const aliasOf = new Map(Object.entries(SDDL_SID_ALIASES).map(([k, v]) => [v, k]));
/** The SDDL alias of a well-known SID ("SY"), or the SID string itself. */
export function sddlSid(s: string): string {
  return aliasOf.get(s) ?? s;
}

/** The relative identifier (last sub-authority) of a SID string. */
export function sidRid(s: string): number {
  const p = parseSid(s);
  const rid = p.subAuthority[p.subAuthority.length - 1];
  if (rid === undefined) throw new SmbDecodeError("SID", "subAuthority", "no sub-authority");
  return rid;
}
