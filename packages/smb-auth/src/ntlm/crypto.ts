/**
 * NTLM computations: the one-way functions and responses of MS-NLMP 3.3 (NTLMv1, NTLM2 session response,
 * NTLMv2), the key derivations of 3.4.5 (KXKEY, SIGNKEY, SEALKEY), the AUTHENTICATE MIC, and the
 * channel-binding hash. MD4, RC4 and DES come from smb-crypto (OpenSSL 3 no longer offers them).
 */
import { createHash } from "node:crypto";
import { desEncryptBlock, hmacMd5, md4, rc4 } from "smb-crypto";
import { bytes, constant, lengthOf, reserved, struct, u8, u32, varBytes } from "smb-structures";
import { NegotiateFlags } from "./constants.js";

const has = (flags: number, bit: number): boolean => (flags & bit) >>> 0 !== 0;

export function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash("md5");
  for (const p of parts) h.update(p);
  return h.digest();
}

const utf16 = (s: string): Buffer => Buffer.from(s, "utf16le");

// ---------------------------------------------------------------------------------------------------
// One-way functions (3.3.1, 3.3.2)

/** NTOWFv1 = MD4(UNICODE(Passwd)): the "NT hash". */
export function ntowfv1(password: string): Buffer {
  return md4(utf16(password));
}

const LM_MAGIC = Buffer.from("KGS!@#$%", "latin1");

/**
 * LMOWFv1 = DES(UpperCase(Passwd)[0..6], "KGS!@#$%") || DES(UpperCase(Passwd)[7..13], "KGS!@#$%"), the
 * password uppercased in the OEM code page and padded with zeros to 14 bytes. Undefined for passwords
 * longer than 14 bytes, for which no LM hash exists.
 */
export function lmowfv1(password: string): Buffer | undefined {
  const oem = Buffer.from(password.toUpperCase(), "latin1");
  if (oem.length > 14) return undefined;
  const key = Buffer.alloc(14);
  oem.copy(key);
  return Buffer.concat([
    desEncryptBlock(key.subarray(0, 7), LM_MAGIC),
    desEncryptBlock(key.subarray(7, 14), LM_MAGIC),
  ]);
}

/** NTOWFv2 = HMAC_MD5(NTOWFv1, UNICODE(ConcatenationOf(Uppercase(User), UserDom))). LMOWFv2 is the same. */
export function ntowfv2(ntHash: Uint8Array, user: string, domain: string): Buffer {
  return hmacMd5(ntHash, utf16(user.toUpperCase() + domain));
}

/** DESL(K, D) = DES(K[0..6], D) || DES(K[7..13], D) || DES(K[14..15] || Z(5), D)  (MS-NLMP 6). */
export function desl(key: Uint8Array, data: Uint8Array): Buffer {
  if (key.length !== 16) throw new RangeError("DESL key must be 16 bytes");
  const k3 = Buffer.alloc(7);
  k3.set(key.subarray(14, 16));
  return Buffer.concat([
    desEncryptBlock(key.subarray(0, 7), data),
    desEncryptBlock(key.subarray(7, 14), data),
    desEncryptBlock(k3, data),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Responses

export interface ResponseV1Input {
  flags: number;
  /** NTOWFv1. */
  responseKeyNT: Uint8Array;
  /** LMOWFv1 (undefined when the password has no LM hash: the LM response then repeats the NT one). */
  responseKeyLM: Uint8Array | undefined;
  serverChallenge: Uint8Array;
  clientChallenge: Uint8Array;
  /** NoLMResponseNTLMv1: send the NT response in the LM field too. */
  noLmResponse?: boolean;
}

export interface ChallengeResponses {
  ntChallengeResponse: Buffer;
  lmChallengeResponse: Buffer;
  sessionBaseKey: Buffer;
}

/**
 * NTLM v1 ComputeResponse (3.3.1). With NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY this is the "NTLM2
 * session response": NT = DESL(ResponseKeyNT, MD5(ServerChallenge || ClientChallenge)[0..7]) and
 * LM = ClientChallenge || Z(16).
 */
export function computeResponseV1(i: ResponseV1Input): ChallengeResponses {
  let nt: Buffer;
  let lm: Buffer;
  if (has(i.flags, NegotiateFlags.EXTENDED_SESSIONSECURITY)) {
    nt = desl(i.responseKeyNT, md5(i.serverChallenge, i.clientChallenge).subarray(0, 8));
    lm = Buffer.concat([Buffer.from(i.clientChallenge), Buffer.alloc(16)]);
  } else {
    nt = desl(i.responseKeyNT, i.serverChallenge);
    lm = i.noLmResponse || !i.responseKeyLM ? Buffer.from(nt) : desl(i.responseKeyLM, i.serverChallenge);
  }
  return { ntChallengeResponse: nt, lmChallengeResponse: lm, sessionBaseKey: md4(i.responseKeyNT) };
}

/** NTLMv2_CLIENT_CHALLENGE (2.2.2.7): the "temp" blob of 3.3.2 (AvPairs carries the trailing Z(4)). */
export const NtlmV2ClientChallenge = struct(
  "NTLMv2_CLIENT_CHALLENGE",
  {
    respType: constant(u8, 1),
    hiRespType: constant(u8, 1),
    reserved1: reserved(2),
    reserved2: reserved(4),
    timestamp: bytes(8),
    challengeFromClient: bytes(8),
    reserved3: reserved(4),
    avPairs: varBytes(),
  },
  { spec: "MS-NLMP 2.2.2.7" },
);

export interface ResponseV2Input {
  /** NTOWFv2 (also used as ResponseKeyLM). */
  responseKeyNT: Uint8Array;
  serverChallenge: Uint8Array;
  clientChallenge: Uint8Array;
  /** 8-byte FILETIME (the server's MsvAvTimestamp when it sent one). */
  time: Uint8Array;
  /** The AV_PAIR list (with MsvAvEOL) placed in the client challenge: "ServerName" in 3.3.2. */
  targetInfo: Uint8Array;
}

export interface ResponsesV2 extends ChallengeResponses {
  ntProofStr: Buffer;
  /** The NTLMv2_CLIENT_CHALLENGE ("temp"). */
  temp: Buffer;
}

/**
 * NTLM v2 ComputeResponse (3.3.2):
 *   temp = 0x01 0x01 Z(6) Time ClientChallenge Z(4) ServerName Z(4)
 *   NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp); NtChallengeResponse = NTProofStr || temp
 *   LmChallengeResponse = HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge
 *   SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr)
 */
export function computeResponseV2(i: ResponseV2Input): ResponsesV2 {
  const temp = NtlmV2ClientChallenge.encode({
    timestamp: Buffer.from(i.time),
    challengeFromClient: Buffer.from(i.clientChallenge),
    avPairs: Buffer.concat([Buffer.from(i.targetInfo), Buffer.alloc(4)]),
  });
  const ntProofStr = hmacMd5(i.responseKeyNT, i.serverChallenge, temp);
  return {
    ntProofStr,
    temp,
    ntChallengeResponse: Buffer.concat([ntProofStr, temp]),
    lmChallengeResponse: Buffer.concat([
      hmacMd5(i.responseKeyNT, i.serverChallenge, i.clientChallenge),
      Buffer.from(i.clientChallenge),
    ]),
    sessionBaseKey: hmacMd5(i.responseKeyNT, ntProofStr),
  };
}

// ---------------------------------------------------------------------------------------------------
// Keys (3.4.5)

export interface KxKeyInput {
  flags: number;
  sessionBaseKey: Uint8Array;
  /** LMOWFv1, for the LM_KEY and NON_NT_SESSION_KEY variants (NTLMv1 only). */
  lmowf?: Uint8Array | undefined;
  lmChallengeResponse: Uint8Array;
  serverChallenge: Uint8Array;
  /** NTLMv2: KeyExchangeKey is the SessionBaseKey. */
  v2: boolean;
}

/** KXKEY (3.4.5.1). */
export function kxkey(i: KxKeyInput): Buffer {
  if (i.v2) return Buffer.from(i.sessionBaseKey);
  if (has(i.flags, NegotiateFlags.EXTENDED_SESSIONSECURITY)) {
    return hmacMd5(i.sessionBaseKey, i.serverChallenge, i.lmChallengeResponse.subarray(0, 8));
  }
  if (has(i.flags, NegotiateFlags.LM_KEY) && i.lmowf) {
    const lm8 = i.lmChallengeResponse.subarray(0, 8);
    const k2 = Buffer.alloc(7, 0xbd);
    k2[0] = i.lmowf[7]!;
    return Buffer.concat([desEncryptBlock(i.lmowf.subarray(0, 7), lm8), desEncryptBlock(k2, lm8)]);
  }
  if (has(i.flags, NegotiateFlags.REQUEST_NON_NT_SESSION_KEY) && i.lmowf) {
    return Buffer.concat([Buffer.from(i.lmowf.subarray(0, 8)), Buffer.alloc(8)]);
  }
  return Buffer.from(i.sessionBaseKey);
}

/** RC4K(K, D) (MS-NLMP 6): encrypts the ExportedSessionKey with the KeyExchangeKey. */
export function rc4k(key: Uint8Array, data: Uint8Array): Buffer {
  return rc4(key, data);
}

export type Mode = "client" | "server";

const magic = (s: string): Buffer => Buffer.from(`${s}\0`, "latin1");
const SIGN_C2S = magic("session key to client-to-server signing key magic constant");
const SIGN_S2C = magic("session key to server-to-client signing key magic constant");
const SEAL_C2S = magic("session key to client-to-server sealing key magic constant");
const SEAL_S2C = magic("session key to server-to-client sealing key magic constant");

/** SIGNKEY (3.4.5.2): undefined without extended session security (NTLMv1 signs with CRC32 + RC4). */
export function signKey(flags: number, exportedSessionKey: Uint8Array, mode: Mode): Buffer | undefined {
  if (!has(flags, NegotiateFlags.EXTENDED_SESSIONSECURITY)) return undefined;
  return md5(exportedSessionKey, mode === "client" ? SIGN_C2S : SIGN_S2C);
}

/** SEALKEY (3.4.5.3). */
export function sealKey(flags: number, exportedSessionKey: Uint8Array, mode: Mode): Buffer {
  const k = Buffer.from(exportedSessionKey);
  if (has(flags, NegotiateFlags.EXTENDED_SESSIONSECURITY)) {
    let base: Buffer;
    if (has(flags, NegotiateFlags.NEGOTIATE_128)) base = k;
    else if (has(flags, NegotiateFlags.NEGOTIATE_56)) base = k.subarray(0, 7);
    else base = k.subarray(0, 5);
    return md5(base, mode === "client" ? SEAL_C2S : SEAL_S2C);
  }
  if (has(flags, NegotiateFlags.LM_KEY) || has(flags, NegotiateFlags.DATAGRAM)) {
    if (has(flags, NegotiateFlags.NEGOTIATE_56))
      return Buffer.concat([k.subarray(0, 7), Buffer.from([0xa0])]);
    return Buffer.concat([k.subarray(0, 5), Buffer.from([0xe5, 0x38, 0xb0])]);
  }
  return k;
}

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with a zero MIC) (3.1.5.1.2). */
export function computeMic(
  exportedSessionKey: Uint8Array,
  negotiate: Uint8Array,
  challenge: Uint8Array,
  authenticate: Uint8Array,
): Buffer {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate);
}

// ---------------------------------------------------------------------------------------------------
// Channel bindings

const CbAddress = struct(
  "gss_channel_bindings address",
  { addrType: u32, length: lengthOf("address", u32), address: varBytes() },
  { spec: "RFC 2744 3.11" },
);
const CbApplicationData = struct(
  "gss_channel_bindings application_data",
  { length: lengthOf("data", u32), data: varBytes() },
  { spec: "RFC 2744 3.11" },
);

/**
 * MsvAvChannelBindings value: MD5 of the gss_channel_bindings_struct with null addresses and
 * `applicationData` (e.g. "tls-server-end-point:" + hash); Z(16) when there are no bindings
 * (MS-NLMP 2.2.2.1).
 */
export function channelBindingsHash(applicationData?: Uint8Array): Buffer {
  if (!applicationData || applicationData.length === 0) return Buffer.alloc(16);
  const none = CbAddress.encode({ addrType: 0, address: Buffer.alloc(0) });
  return md5(none, none, CbApplicationData.encode({ data: Buffer.from(applicationData) }));
}
