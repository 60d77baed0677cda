/** Mechanism OIDs (dotted strings). */
export const Oid = {
  /** SPNEGO, RFC 4178. */
  SPNEGO: "1.3.6.1.5.5.2",
  /** NTLMSSP, MS-NLMP. */
  NTLMSSP: "1.3.6.1.4.1.311.2.2.10",
  /** Kerberos V5, RFC 4121. */
  KRB5: "1.2.840.113554.1.2.2",
  /** The "MS KRB5" OID older Windows sends for Kerberos (a truncated typo of KRB5, MS-SPNG 3.1.5.2). */
  MS_KRB5: "1.2.840.48018.1.2.2",
  /** Kerberos user-to-user. */
  KRB5_U2U: "1.2.840.113554.1.2.2.3",
  /** NEGOEX, MS-NEGOEX. */
  NEGOEX: "1.3.6.1.4.1.311.2.2.30",
} as const;

/** Same mechanism, ignoring the MS-KRB5 alias of Kerberos. */
export function sameMech(a: string, b: string): boolean {
  return canonicalMech(a) === canonicalMech(b);
}

/** The canonical OID of a mechanism (MS-KRB5 maps to KRB5). */
export function canonicalMech(oid: string): string {
  return oid === Oid.MS_KRB5 ? Oid.KRB5 : oid;
}

const names: Record<string, string> = {
  [Oid.SPNEGO]: "spnego",
  [Oid.NTLMSSP]: "ntlm",
  [Oid.KRB5]: "kerberos",
  [Oid.MS_KRB5]: "kerberos(ms)",
  [Oid.KRB5_U2U]: "kerberos-u2u",
  [Oid.NEGOEX]: "negoex",
};

/** A readable name for logs ("ntlm", or the dotted OID when unknown). */
export function mechName(oid: string): string {
  return names[oid] ?? oid;
}
