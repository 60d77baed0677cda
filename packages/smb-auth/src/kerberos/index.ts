/** Pure-TypeScript Kerberos V5 for SMB: crypto, messages, ccache/keytab/krb5.conf, KDC client, GSS mechanism. */
export { Asn1Error } from "./asn1.js";
export type { Ccache, CcacheCredential } from "./ccache.js";
export { parseCcache, readCcache, resolveCcachePath, serializeCcache, writeCcache } from "./ccache.js";
export type { KerberosClientOptions, KerberosCredential, KerberosCredentialsInput } from "./client.js";
export { KerberosClient } from "./client.js";
export type { EncryptionProfile } from "./crypto/enctypes.js";
export {
  ChecksumType,
  DEFAULT_ENCTYPES,
  EncType,
  enctypeName,
  KeyUsage,
  parseEnctypeList,
  profileOf,
} from "./crypto/enctypes.js";
export { KerberosKey } from "./crypto/key.js";
export type { KerberosErrorOptions, KerberosLocalCode } from "./errors.js";
export { KerberosError, KRB_ERROR_NAMES, KrbErrorCode, krbErrorName } from "./errors.js";
export { GssFlags, KRB5_OID, MS_KRB5_OID, TokId, unwrapGssToken, wrapGssToken } from "./gss.js";
export type { KeytabEntry } from "./keytab.js";
export { parseKeytab, readKeytab, serializeKeytab } from "./keytab.js";
export type { KdcAddress, Krb5Config } from "./krb5conf.js";
export { kdcsForRealm, loadKrb5Conf, parseKrb5Conf, realmForHost } from "./krb5conf.js";
export type { KerberosFactory, KerberosOptions, SessionKeySource } from "./mechanism.js";
export { KerberosMechanism, kerberos, kerberosMs } from "./mechanism.js";
export type { Principal } from "./principal.js";
export { formatPrincipal, parsePrincipal } from "./principal.js";
