/**
 * MS-NLMP 4.2 known-answer vectors (https://learn.microsoft.com/openspecs/windows_protocols/ms-nlmp):
 * 4.2.1 common values, 4.2.2 NTLMv1, 4.2.3 NTLMv1 with client challenge (NTLM2 session response),
 * 4.2.4 NTLMv2, and the GSS_WrapEx examples 4.2.2.4 / 4.2.3.4 / 4.2.4.4. The messages of 4.2.2.3 and
 * 4.2.4.3 are reproduced byte for byte by NtlmMechanism with injected randomness, time and version.
 */
import { describe, expect, it } from "vitest";
import {
  AvId,
  Credentials,
  computeResponseV1,
  computeResponseV2,
  decodeAuthenticate,
  decodeChallenge,
  kxkey,
  lmowfv1,
  NegotiateFlags as F,
  NtlmMechanism,
  NtlmSessionSecurity,
  ntowfv1,
  ntowfv2,
  rc4k,
  sealKey,
  signKey,
  TargetInfo,
} from "../src/index.js";

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// 4.2.1 Common Values
const USER = "User";
const DOMAIN = "Domain";
const PASSWORD = "Password";
const RANDOM_SESSION_KEY = Buffer.alloc(16, 0x55);
const TIME = Buffer.alloc(8);
const CLIENT_CHALLENGE = Buffer.alloc(8, 0xaa);
const SERVER_CHALLENGE = h("0123456789abcdef");
const PLAINTEXT = Buffer.from("Plaintext", "utf16le");
/** The client version of the examples: Windows XP (5.1.2600), NTLMSSP_REVISION_W2K3. */
const XP = { major: 5, minor: 1, build: 2600, revision: 15 };

/** Randomness of the examples: the client challenge (8 bytes) and the RandomSessionKey (16). */
const specRandom = (n: number): Buffer => (n === 8 ? CLIENT_CHALLENGE : RANDOM_SESSION_KEY);

// 4.2.2 flags: KEY_EXCH, 56, 128, VERSION, TARGET_TYPE_SERVER, ALWAYS_SIGN, NTLM, SEAL, SIGN, OEM, UNICODE.
const V1_FLAGS = 0xe2028233;
// 4.2.3 flags: 56, VERSION, EXTENDED_SESSIONSECURITY, TARGET_TYPE_SERVER, ALWAYS_SIGN, NTLM, SEAL, SIGN, OEM, UNICODE.
const V1_ESS_FLAGS = 0x820a8233;
// 4.2.4 flags: 4.2.2's plus TARGET_INFO and EXTENDED_SESSIONSECURITY.
const V2_FLAGS = 0xe28a8233;

describe("MS-NLMP 4.2.2 NTLM v1 authentication", () => {
  const ntHash = ntowfv1(PASSWORD);
  const lmHash = lmowfv1(PASSWORD)!;

  it("4.2.2.1 LMOWFv1, NTOWFv1 and the session base key", () => {
    expect(hex(lmHash)).toBe("e52cac67419a9a224a3b108f3fa6cb6d");
    expect(hex(ntHash)).toBe("a4f49c406510bdcab6824ee7c30fd852");
    const r = computeResponseV1({
      flags: V1_FLAGS,
      responseKeyNT: ntHash,
      responseKeyLM: lmHash,
      serverChallenge: SERVER_CHALLENGE,
      clientChallenge: CLIENT_CHALLENGE,
    });
    expect(hex(r.sessionBaseKey)).toBe("d87262b0cde4b1cb7499becccdf10784");
  });

  it("4.2.2.2 NTLMv1 and LMv1 responses, key exchange key and encrypted session key", () => {
    const r = computeResponseV1({
      flags: V1_FLAGS,
      responseKeyNT: ntHash,
      responseKeyLM: lmHash,
      serverChallenge: SERVER_CHALLENGE,
      clientChallenge: CLIENT_CHALLENGE,
    });
    expect(hex(r.ntChallengeResponse)).toBe("67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
    expect(hex(r.lmChallengeResponse)).toBe("98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
    const base = {
      sessionBaseKey: r.sessionBaseKey,
      lmowf: lmHash,
      lmChallengeResponse: r.lmChallengeResponse,
      serverChallenge: SERVER_CHALLENGE,
      v2: false,
    };
    const kek = kxkey({ ...base, flags: V1_FLAGS });
    expect(hex(kek)).toBe("d87262b0cde4b1cb7499becccdf10784");
    expect(hex(rc4k(kek, RANDOM_SESSION_KEY))).toBe("518822b1b3f350c8958682ecbb3e3cb7");
    // 4.2.2.2.3 variants: NTLMSSP_REQUEST_NON_NT_SESSION_KEY and NTLMSSP_NEGOTIATE_LM_KEY.
    const nonNt = kxkey({ ...base, flags: V1_FLAGS | F.REQUEST_NON_NT_SESSION_KEY });
    expect(hex(nonNt)).toBe("e52cac67419a9a220000000000000000");
    expect(hex(rc4k(nonNt, RANDOM_SESSION_KEY))).toBe("7452ca55c225a1ca04b48fae32cf56fc");
    const lmKey = kxkey({ ...base, flags: V1_FLAGS | F.LM_KEY });
    expect(hex(lmKey)).toBe("b09e379f7fbecb1eaf0afdcb0383c8a0");
    expect(hex(rc4k(lmKey, RANDOM_SESSION_KEY))).toBe("4cd7bb57d697ef9b549f02b8f9b37864");
  });

  it("NoLMResponseNTLMv1 repeats the NT response in the LM field", () => {
    const r = computeResponseV1({
      flags: V1_FLAGS,
      responseKeyNT: ntHash,
      responseKeyLM: lmHash,
      serverChallenge: SERVER_CHALLENGE,
      clientChallenge: CLIENT_CHALLENGE,
      noLmResponse: true,
    });
    expect(r.lmChallengeResponse).toEqual(r.ntChallengeResponse);
  });

  // 4.2.2.3 Messages
  const challenge = h(`
    4e544c4d53535000 02000000 0c000c00 38000000 338202e2 0123456789abcdef 0000000000000000
    0000 0000 00000000 060070170000000f
    530065007200760065007200`);
  const authenticate = h(`
    4e544c4d53535000 03000000
    18001800 6c000000 18001800 84000000 0c000c00 48000000 08000800 54000000 10001000 5c000000
    10001000 9c000000 358280e2 0501280a0000000f
    44006f006d00610069006e00 5500730065007200 43004f004d0050005500540045005200
    98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13
    67c43011f30298a2ad35ece64f16331c44bdbed927841f94
    518822b1b3f350c8958682ecbb3e3cb7`);

  it("4.2.2.3 CHALLENGE_MESSAGE decodes", () => {
    const c = decodeChallenge(challenge);
    expect(c.flags >>> 0).toBe(V1_FLAGS);
    expect(c.targetName.toString("utf16le")).toBe("Server");
    expect(c.serverChallenge).toEqual(SERVER_CHALLENGE);
    expect(c.targetInfo.length).toBe(0);
    expect(c.version).toEqual({ major: 6, minor: 0, build: 6000, revision: 15 });
  });

  it("4.2.2.3 AUTHENTICATE_MESSAGE is reproduced by NtlmMechanism (LM + NTLMv1, level 1)", async () => {
    const mech = new NtlmMechanism(
      new Credentials({ username: USER, domain: DOMAIN, password: PASSWORD }),
      { lmCompatibilityLevel: 1, workstation: "COMPUTER", version: XP, randomBytes: specRandom },
      { targetName: "Server" },
    );
    await mech.step();
    const auth = await mech.step(challenge);
    expect(hex(auth!)).toBe(hex(authenticate));
    expect(mech.complete).toBe(true);
    expect(mech.sessionKey).toEqual(RANDOM_SESSION_KEY);
    const d = decodeAuthenticate(auth!);
    expect(d.version).toEqual(XP);
    expect(d.mic).toBeUndefined();
  });

  it("4.2.2.4 GSS_WrapEx: sealing without extended session security", () => {
    // SEALKEY without ESS, LM_KEY or DATAGRAM is the ExportedSessionKey itself.
    expect(sealKey(V1_FLAGS, RANDOM_SESSION_KEY, "client")).toEqual(RANDOM_SESSION_KEY);
    expect(signKey(V1_FLAGS, RANDOM_SESSION_KEY, "client")).toBeUndefined();
    const client = new NtlmSessionSecurity(V1_FLAGS, RANDOM_SESSION_KEY, "client");
    const { data, signature } = client.seal(PLAINTEXT);
    expect(hex(data)).toBe("56fe04d861f9319af0d7238a2e3b4d457fb8");
    // The example shows RandomPad = RC4(Handle, RandomPad) = 45c844e5 in the assembled signature, but the
    // MAC of 3.4.4.1 ends with "Set RandomPad to 0" (what Windows sends): version, 0, checksum, seqnum.
    expect(hex(signature)).toBe("01000000" + "00000000" + "09dcd1df" + "2e459d36");
    const server = new NtlmSessionSecurity(V1_FLAGS, RANDOM_SESSION_KEY, "server");
    expect(server.unseal(data, h("0100000045c844e509dcd1df2e459d36"))).toEqual(PLAINTEXT);
  });
});

describe("MS-NLMP 4.2.3 NTLM v1 with client challenge (NTLM2 session response)", () => {
  const ntHash = ntowfv1(PASSWORD);
  const lmHash = lmowfv1(PASSWORD)!;
  const r = computeResponseV1({
    flags: V1_ESS_FLAGS,
    responseKeyNT: ntHash,
    responseKeyLM: lmHash,
    serverChallenge: SERVER_CHALLENGE,
    clientChallenge: CLIENT_CHALLENGE,
  });
  const kek = kxkey({
    flags: V1_ESS_FLAGS,
    sessionBaseKey: r.sessionBaseKey,
    lmowf: lmHash,
    lmChallengeResponse: r.lmChallengeResponse,
    serverChallenge: SERVER_CHALLENGE,
    v2: false,
  });

  it("4.2.3.2 responses and 4.2.3.1.3 key exchange key", () => {
    expect(hex(r.lmChallengeResponse)).toBe(`${"aa".repeat(8)}${"00".repeat(16)}`);
    expect(hex(r.ntChallengeResponse)).toBe("7537f803ae367128ca458204bde7caf81e97ed2683267232");
    expect(hex(r.sessionBaseKey)).toBe("d87262b0cde4b1cb7499becccdf10784");
    expect(hex(kek)).toBe("eb93429a8bd952f8b89c55b87f475edc");
  });

  it("4.2.3.4 GSS_WrapEx with a 56-bit key and no key exchange", () => {
    // No KEY_EXCH: the ExportedSessionKey is the KeyExchangeKey.
    const client = new NtlmSessionSecurity(V1_ESS_FLAGS, kek, "client");
    const { data, signature } = client.seal(PLAINTEXT);
    expect(hex(data)).toBe("a02372f6530273f3aa1eb90190ce5200c99d");
    expect(hex(signature)).toBe("01000000ff2aeb52f681793a00000000");
    const server = new NtlmSessionSecurity(V1_ESS_FLAGS, kek, "server");
    expect(server.unseal(data, signature)).toEqual(PLAINTEXT);
  });
});

describe("MS-NLMP 4.2.4 NTLMv2 authentication", () => {
  const responseKey = ntowfv2(ntowfv1(PASSWORD), USER, DOMAIN);
  // 4.2.4.1.3: AV pairs NetBIOS domain "Domain", NetBIOS server "Server", EOL.
  const avPairs = h(`
    02000c0044006f006d00610069006e00
    01000c0053006500720076006500720000000000`);
  const v2 = computeResponseV2({
    responseKeyNT: responseKey,
    serverChallenge: SERVER_CHALLENGE,
    clientChallenge: CLIENT_CHALLENGE,
    time: TIME,
    targetInfo: avPairs,
  });
  const temp = h(`
    0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000
    02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000 00000000`);

  it("4.2.4.1.1 NTOWFv2 (and LMOWFv2)", () => {
    expect(hex(responseKey)).toBe("0c868a403bfd7a93a3001ef22ef02e3f");
  });

  it("4.2.4.2 LMv2 response, NTProofStr, temp, session base key, encrypted session key", () => {
    expect(hex(v2.lmChallengeResponse)).toBe("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
    expect(hex(v2.ntProofStr)).toBe("68cd0ab851e51c96aabc927bebef6a1c");
    expect(hex(v2.temp)).toBe(hex(temp));
    expect(hex(v2.ntChallengeResponse)).toBe(`68cd0ab851e51c96aabc927bebef6a1c${hex(temp)}`);
    expect(hex(v2.sessionBaseKey)).toBe("8de40ccadbc14a82f15cb0ad0de95ca3");
    const kek = kxkey({
      flags: V2_FLAGS,
      sessionBaseKey: v2.sessionBaseKey,
      lmChallengeResponse: v2.lmChallengeResponse,
      serverChallenge: SERVER_CHALLENGE,
      v2: true,
    });
    expect(hex(rc4k(kek, RANDOM_SESSION_KEY))).toBe("c5dad2544fc9799094ce1ce90bc9d03e");
  });

  it("a wrong password gives a different NTProofStr", () => {
    const other = computeResponseV2({
      responseKeyNT: ntowfv2(ntowfv1("Passw0rd"), USER, DOMAIN),
      serverChallenge: SERVER_CHALLENGE,
      clientChallenge: CLIENT_CHALLENGE,
      time: TIME,
      targetInfo: avPairs,
    });
    expect(hex(other.ntProofStr)).not.toBe(hex(v2.ntProofStr));
  });

  // 4.2.4.3 Messages
  const challenge = h(`
    4e544c4d53535000 02000000 0c000c00 38000000 33828ae2 0123456789abcdef 0000000000000000
    24002400 44000000 060070170000000f
    530065007200760065007200
    02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`);
  const authenticate = h(`
    4e544c4d53535000 03000000
    18001800 6c000000 54005400 84000000 0c000c00 48000000 08000800 54000000 10001000 5c000000
    10001000 d8000000 358288e2 0501280a0000000f
    44006f006d00610069006e00 5500730065007200 43004f004d0050005500540045005200
    86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa
    68cd0ab851e51c96aabc927bebef6a1c ${hex(temp)}
    c5dad2544fc9799094ce1ce90bc9d03e`);

  it("4.2.4.3 CHALLENGE_MESSAGE decodes with its target info", () => {
    const c = decodeChallenge(challenge);
    expect(c.flags >>> 0).toBe(V2_FLAGS);
    const info = TargetInfo.decode(c.targetInfo);
    expect(info.getString(AvId.NB_DOMAIN_NAME)).toBe("Domain");
    expect(info.getString(AvId.NB_COMPUTER_NAME)).toBe("Server");
    expect(info.encode()).toEqual(avPairs);
  });

  it("4.2.4.3 AUTHENTICATE_MESSAGE is reproduced by NtlmMechanism", async () => {
    const mech = new NtlmMechanism(
      new Credentials({ username: USER, domain: DOMAIN, password: PASSWORD }),
      {
        workstation: "COMPUTER",
        version: XP,
        randomBytes: specRandom,
        now: () => 0n,
        // The example predates MsvAvTargetName / MsvAvChannelBindings; its server sends no timestamp, so no MIC.
        extendedProtection: false,
      },
      { targetName: "Server" },
    );
    await mech.step();
    const auth = await mech.step(challenge);
    expect(hex(auth!)).toBe(hex(authenticate));
    expect(mech.sessionKey).toEqual(RANDOM_SESSION_KEY);
    expect(mech.negotiatedFlags).toBe(0xe2888235);
    expect(mech.requiresMechListMic).toBe(false);
  });

  it("4.2.4.4 GSS_WrapEx: SEALKEY, SIGNKEY, sealed data and signature", () => {
    expect(hex(sealKey(V2_FLAGS, RANDOM_SESSION_KEY, "client"))).toBe("59f600973cc4960a25480a7c196e4c58");
    expect(hex(signKey(V2_FLAGS, RANDOM_SESSION_KEY, "client")!)).toBe("4788dc861b4782f35d43fd98fe1a2d39");
    const client = new NtlmSessionSecurity(V2_FLAGS, RANDOM_SESSION_KEY, "client");
    const { data, signature } = client.seal(PLAINTEXT);
    expect(hex(data)).toBe("54e50165bf1936dc996020c1811b0f06fb5f");
    expect(hex(signature)).toBe("010000007fb38ec5c55d497600000000");
    const server = new NtlmSessionSecurity(V2_FLAGS, RANDOM_SESSION_KEY, "server");
    expect(server.unseal(data, signature)).toEqual(PLAINTEXT);
  });
});
