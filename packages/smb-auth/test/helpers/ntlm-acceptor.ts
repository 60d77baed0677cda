/**
 * A test-only NTLM acceptor (the server half of MS-NLMP 3.2.5) built from the package's own primitives,
 * so unit tests can run whole NTLM and SPNEGO exchanges and check MICs from the other side.
 */
import { randomBytes } from "node:crypto";
import {
  AvFlags,
  AvId,
  computeMic,
  computeResponseV2,
  decodeAuthenticate,
  decodeNegotiate,
  decodeNtlmString,
  encodeAuthenticate,
  encodeChallenge,
  NegotiateFlags as F,
  NtlmSessionSecurity,
  ntowfv1,
  ntowfv2,
  rc4k,
  TargetInfo,
} from "../../src/index.js";

export interface AcceptorOptions {
  user: string;
  domain: string;
  password: string;
  /** Flags the server grants (intersected with the client's). */
  serverFlags?: number;
  /** Send MsvAvTimestamp (default true): clients then add a MIC. */
  timestamp?: boolean;
}

export interface AcceptResult {
  ok: boolean;
  reason?: string;
  exportedSessionKey?: Buffer;
  flags?: number;
  targetInfo?: TargetInfo;
  micPresent?: boolean;
  security?: NtlmSessionSecurity;
}

export const SERVER_FLAGS =
  (F.UNICODE |
    F.REQUEST_TARGET |
    F.SIGN |
    F.SEAL |
    F.NTLM |
    F.ALWAYS_SIGN |
    F.TARGET_TYPE_SERVER |
    F.EXTENDED_SESSIONSECURITY |
    F.TARGET_INFO |
    F.VERSION |
    F.NEGOTIATE_128 |
    F.KEY_EXCH |
    F.NEGOTIATE_56) >>>
  0;

export class NtlmAcceptor {
  negotiate: Buffer | undefined;
  challenge: Buffer | undefined;
  readonly serverChallenge = randomBytes(8);

  constructor(readonly opts: AcceptorOptions) {}

  /** CHALLENGE_MESSAGE for the client's NEGOTIATE_MESSAGE. */
  challengeFor(negotiate: Buffer): Buffer {
    this.negotiate = negotiate;
    const n = decodeNegotiate(negotiate);
    const flags = (n.flags & (this.opts.serverFlags ?? SERVER_FLAGS)) | F.TARGET_TYPE_SERVER | F.TARGET_INFO;
    const info = new TargetInfo()
      .set(AvId.NB_DOMAIN_NAME, Buffer.from("TESTDOM", "utf16le"))
      .set(AvId.NB_COMPUTER_NAME, Buffer.from("SERVER", "utf16le"))
      .set(AvId.DNS_COMPUTER_NAME, Buffer.from("server.test", "utf16le"))
      .set(0x00ff, Buffer.from([1, 2, 3])); // an unknown pair: clients must echo it
    if (this.opts.timestamp !== false) {
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64LE(133000000000000000n);
      info.set(AvId.TIMESTAMP, ts);
    }
    this.challenge = encodeChallenge({
      flags: flags >>> 0,
      targetName: Buffer.from("TESTDOM", "utf16le"),
      serverChallenge: this.serverChallenge,
      targetInfo: info.encode(),
      version: { major: 10, minor: 0, build: 20348, revision: 15 },
    });
    return this.challenge;
  }

  /** Verifies an NTLMv2 AUTHENTICATE_MESSAGE (response, key exchange, MIC). */
  accept(authenticate: Buffer): AcceptResult {
    const a = decodeAuthenticate(authenticate);
    const user = decodeNtlmString(a.userName, a.flags);
    const domain = decodeNtlmString(a.domainName, a.flags);
    if (a.ntChallengeResponse.length <= 24) return { ok: false, reason: "not NTLMv2" };
    const key = ntowfv2(ntowfv1(this.opts.password), user, domain);
    const temp = a.ntChallengeResponse.subarray(16);
    // temp = 0x0101 Z(6) Time(8) ClientChallenge(8) Z(4) AvPairs Z(4)
    const time = temp.subarray(8, 16);
    const clientChallenge = temp.subarray(16, 24);
    const avBytes = temp.subarray(28, temp.length - 4);
    const expected = computeResponseV2({
      responseKeyNT: key,
      serverChallenge: this.serverChallenge,
      clientChallenge,
      time,
      targetInfo: avBytes,
    });
    if (!expected.ntChallengeResponse.equals(a.ntChallengeResponse))
      return { ok: false, reason: "bad response" };
    const exportedSessionKey =
      a.flags & F.KEY_EXCH
        ? rc4k(expected.sessionBaseKey, a.encryptedRandomSessionKey)
        : expected.sessionBaseKey;
    const targetInfo = TargetInfo.decode(avBytes);
    const micPresent = ((targetInfo.flags ?? 0) & AvFlags.MIC_PRESENT) !== 0;
    if (micPresent) {
      const zeroed = encodeAuthenticate({ ...a, mic: Buffer.alloc(16) });
      const mic = computeMic(exportedSessionKey, this.negotiate!, this.challenge!, zeroed);
      if (!a.mic || !mic.equals(a.mic)) return { ok: false, reason: "bad MIC" };
    }
    return {
      ok: true,
      exportedSessionKey,
      flags: a.flags,
      targetInfo,
      micPresent,
      security: new NtlmSessionSecurity(a.flags, exportedSessionKey, "server"),
    };
  }
}
