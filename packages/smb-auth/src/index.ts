/** smb-auth: NTLM (v2, v1/LM opt-in, anonymous), SPNEGO and the mechanism interface Kerberos plugs into. */
export const PACKAGE_NAME = "smb-auth";

export type { CredentialsInit, NtlmUserFileOptions, ParsedUsername } from "./credentials.js";
export {
  Credentials,
  credentialsFromEnv,
  parseNtlmUserFile,
  parseUsername,
  readNtlmUserFile,
} from "./credentials.js";
export * as der from "./der.js";
export { DerError } from "./der.js";
export type { AuthErrorCode } from "./errors.js";
export { AuthError } from "./errors.js";
export type { AuthContext, AuthMechanism, AuthMechanismFactory } from "./mechanism.js";
export type { AvPair } from "./ntlm/av-pairs.js";
export { TargetInfo } from "./ntlm/av-pairs.js";
export {
  AvFlags,
  AvId,
  formatNegotiateFlags,
  NegotiateFlags,
  NTLMSSP_REVISION_W2K3,
} from "./ntlm/constants.js";
export type {
  ChallengeResponses,
  KxKeyInput,
  ResponsesV2,
  ResponseV1Input,
  ResponseV2Input,
} from "./ntlm/crypto.js";
export {
  channelBindingsHash,
  computeMic,
  computeResponseV1,
  computeResponseV2,
  desl,
  kxkey,
  lmowfv1,
  ntowfv1,
  ntowfv2,
  rc4k,
  sealKey,
  signKey,
} from "./ntlm/crypto.js";
export type { LmCompatibilityLevel, NtlmOptions } from "./ntlm/mechanism.js";
export { DEFAULT_NEGOTIATE_FLAGS, NtlmMechanism, ntlm } from "./ntlm/mechanism.js";
export type {
  AuthenticateMessage,
  ChallengeMessage,
  NegotiateMessage,
  NtlmVersion,
} from "./ntlm/messages.js";
export {
  DEFAULT_VERSION,
  decodeAuthenticate,
  decodeChallenge,
  decodeNegotiate,
  decodeNtlmString,
  encodeAuthenticate,
  encodeChallenge,
  encodeNegotiate,
  encodeNtlmString,
  MessageType as NtlmMessageType,
  ntlmMessageType,
} from "./ntlm/messages.js";
export { NtlmSessionSecurity } from "./ntlm/security.js";
export { canonicalMech, mechName, Oid, sameMech } from "./oids.js";
export type { NegotiateOptions, SpnegoOptions } from "./spnego/mechanism.js";
export { negotiate, SpnegoMechanism, spnego } from "./spnego/mechanism.js";
export type {
  NegHints,
  NegotiationToken,
  NegTokenInit,
  NegTokenInitInput,
  NegTokenResp,
  NegTokenRespInput,
} from "./spnego/tokens.js";
export {
  ContextFlag,
  decodeNegotiationToken,
  encodeMechTypeList,
  encodeNegTokenInit,
  encodeNegTokenResp,
  NegState,
} from "./spnego/tokens.js";

// Kerberos V5 (pure TypeScript): kerberos() / kerberosMs() factories, KDC client, ccache/keytab/krb5.conf, crypto.
export * from "./kerberos/index.js";
export * from "./kerberos/system-gssapi.js"; // systemKerberos(): optional system GSS-API (native/gssapi addon)
