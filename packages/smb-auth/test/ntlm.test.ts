/** NtlmMechanism behaviour: flags, target info, MIC, anonymous, NTLMv1 opt-in, session security, errors. */
import { describe, expect, it } from "vitest";
import {
  AuthError,
  AvFlags,
  AvId,
  Credentials,
  channelBindingsHash,
  DEFAULT_NEGOTIATE_FLAGS,
  decodeAuthenticate,
  decodeChallenge,
  decodeNegotiate,
  encodeChallenge,
  NegotiateFlags as F,
  NtlmMechanism,
  NtlmSessionSecurity,
  ntlm,
  TargetInfo,
} from "../src/index.js";
import { NtlmAcceptor, SERVER_FLAGS } from "./helpers/ntlm-acceptor.js";

const ctx = { targetName: "fileserver.test" };
const creds = new Credentials({ username: "alice", domain: "TESTDOM", password: "S3cret!pw" });
const acceptorFor = (opts: Partial<ConstructorParameters<typeof NtlmAcceptor>[0]> = {}) =>
  new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: "S3cret!pw", ...opts });

async function run(mech: NtlmMechanism, acceptor: NtlmAcceptor) {
  const negotiate = (await mech.step())!;
  const challenge = acceptor.challengeFor(negotiate);
  const authenticate = (await mech.step(challenge))!;
  return { negotiate, challenge, authenticate, decoded: decodeAuthenticate(authenticate) };
}

describe("NtlmMechanism", () => {
  it("sends the documented NEGOTIATE flags and version", async () => {
    const mech = ntlm(creds).create(ctx) as NtlmMechanism;
    expect(mech.name).toBe("ntlm");
    expect(mech.oid).toBe("1.3.6.1.4.1.311.2.2.10");
    const neg = decodeNegotiate((await mech.step())!);
    expect(neg.flags).toBe(DEFAULT_NEGOTIATE_FLAGS);
    expect(DEFAULT_NEGOTIATE_FLAGS).toBe(0xe2888235);
    expect(neg.version).toEqual({ major: 10, minor: 0, build: 0, revision: 15 });
    expect(neg.domainName.length + neg.workstation.length).toBe(0);
  });

  it("NTLMv2 with a server timestamp: Z(24) LM response, MIC, MsvAvFlags, SPN, channel bindings", async () => {
    const acceptor = acceptorFor();
    const mech = new NtlmMechanism(creds, { workstation: "WS1" }, ctx);
    const { decoded, authenticate } = await run(mech, acceptor);
    expect(decoded.lmChallengeResponse).toEqual(Buffer.alloc(24));
    expect(decoded.mic).toHaveLength(16);
    expect(decoded.workstation.toString("utf16le")).toBe("WS1");
    expect(decoded.userName.toString("utf16le")).toBe("alice");
    expect(decoded.domainName.toString("utf16le")).toBe("TESTDOM");
    const result = acceptor.accept(authenticate);
    expect(result.ok).toBe(true);
    const info = result.targetInfo!;
    expect(info.flags! & AvFlags.MIC_PRESENT).toBe(AvFlags.MIC_PRESENT);
    expect(info.getString(AvId.TARGET_NAME)).toBe("cifs/fileserver.test");
    expect(info.get(AvId.CHANNEL_BINDINGS)).toEqual(Buffer.alloc(16));
    expect(info.get(AvId.TIMESTAMP)!.readBigUInt64LE()).toBe(133000000000000000n);
    expect(info.get(0x00ff)).toEqual(Buffer.from([1, 2, 3]));
    expect(mech.sessionKey).toEqual(result.exportedSessionKey);
    expect(mech.requiresMechListMic).toBe(true);
    expect(mech.isAnonymous).toBe(false);
  });

  it("detects a tampered MIC (acceptor side) and a wrong password", async () => {
    const acceptor = acceptorFor();
    const { authenticate, decoded } = await run(new NtlmMechanism(creds, {}, ctx), acceptor);
    decoded.mic![0]! ^= 1; // decoded.mic is a view into `authenticate`
    expect(acceptor.accept(authenticate)).toMatchObject({ ok: false, reason: "bad MIC" });

    const a2 = acceptorFor();
    const wrong = await run(new NtlmMechanism(creds.with({ password: "S3cret!pW" }), {}, ctx), a2);
    expect(a2.accept(wrong.authenticate)).toMatchObject({ ok: false, reason: "bad response" });
  });

  it("hashes channel bindings into MsvAvChannelBindings", async () => {
    const appData = Buffer.from("tls-server-end-point:0123456789abcdef0123456789abcdef");
    const acceptor = acceptorFor();
    const mech = new NtlmMechanism(creds, {}, { ...ctx, channelBindings: appData });
    const { authenticate } = await run(mech, acceptor);
    const info = acceptor.accept(authenticate).targetInfo!;
    expect(info.get(AvId.CHANNEL_BINDINGS)).toEqual(channelBindingsHash(appData));
    expect(channelBindingsHash(appData)).not.toEqual(Buffer.alloc(16));
  });

  it("without a server timestamp: LMv2 response, own timestamp, no MIC", async () => {
    const acceptor = acceptorFor({ timestamp: false });
    const when = new Date("2024-01-02T03:04:05Z");
    const mech = new NtlmMechanism(creds, { now: () => when }, ctx);
    const { decoded, authenticate } = await run(mech, acceptor);
    expect(decoded.lmChallengeResponse).toHaveLength(24);
    expect(decoded.lmChallengeResponse).not.toEqual(Buffer.alloc(24));
    expect(decoded.mic).toBeUndefined();
    const result = acceptor.accept(authenticate);
    expect(result.ok).toBe(true);
    expect(result.micPresent).toBe(false);
    // FILETIME of `when` in the client challenge.
    expect(decoded.ntChallengeResponse.readBigUInt64LE(16 + 8)).toBe(
      BigInt(when.getTime()) * 10000n + 116444736000000000n,
    );
  });

  it("mic: false and extendedProtection: false leave the server's AV pairs as they are", async () => {
    const acceptor = acceptorFor();
    const mech = new NtlmMechanism(creds, { mic: false, extendedProtection: false }, ctx);
    const { authenticate, challenge } = await run(mech, acceptor);
    const result = acceptor.accept(authenticate);
    expect(result.ok).toBe(true);
    expect(result.micPresent).toBe(false);
    const sent = TargetInfo.decode(result.targetInfo!.encode());
    const server = TargetInfo.decode(decodeChallengeInfo(challenge));
    expect(sent.toJSON()).toEqual(server.toJSON());
  });

  it("drops what the server does not grant and falls back to OEM strings", async () => {
    const acceptor = acceptorFor({
      serverFlags: (SERVER_FLAGS & ~(F.UNICODE | F.KEY_EXCH | F.SEAL | F.NEGOTIATE_56)) | F.OEM,
    });
    const mech = new NtlmMechanism(creds, { workstation: "WS" }, ctx);
    const { decoded, authenticate } = await run(mech, acceptor);
    expect(decoded.flags & F.UNICODE).toBe(0);
    expect(decoded.flags & F.OEM).toBe(F.OEM);
    expect(decoded.flags & F.KEY_EXCH).toBe(0);
    expect(decoded.flags & F.SEAL).toBe(0);
    expect(decoded.userName.toString("latin1")).toBe("alice");
    expect(decoded.encryptedRandomSessionKey).toHaveLength(0);
    // No key exchange: the session key is the session base key, which the acceptor derives too.
    const result = acceptor.accept(authenticate);
    expect(result.ok).toBe(true);
    expect(mech.sessionKey).toEqual(result.exportedSessionKey);
  });

  it("require128BitKey refuses a server without NEGOTIATE_128", async () => {
    const acceptor = acceptorFor({ serverFlags: SERVER_FLAGS & ~F.NEGOTIATE_128 });
    const mech = new NtlmMechanism(creds, { require128BitKey: true }, ctx);
    await expect(run(mech, acceptor)).rejects.toMatchObject({ code: "ERR_SMB_AUTH_POLICY" });
  });

  it("anonymous: empty NT response, LM Z(1), ANONYMOUS flag, no user", async () => {
    const mech = new NtlmMechanism(Credentials.anonymous(), {}, ctx);
    expect(mech.isAnonymous).toBe(true);
    const { decoded } = await run(mech, acceptorFor());
    expect(decoded.ntChallengeResponse).toHaveLength(0);
    expect(decoded.lmChallengeResponse).toEqual(Buffer.alloc(1));
    expect(decoded.userName).toHaveLength(0);
    expect(decoded.flags & F.ANONYMOUS).toBe(F.ANONYMOUS);
    expect(decoded.flags & F.KEY_EXCH).toBe(0);
    expect(mech.complete).toBe(true);
    expect(mech.sessionKey).toEqual(Buffer.alloc(16));
  });

  it("NTLMv1 only on request: 24-byte responses and the NTLM2 session response with ESS", async () => {
    const v2 = await run(
      new NtlmMechanism(creds, {}, ctx),
      acceptorFor({ serverFlags: SERVER_FLAGS & ~F.EXTENDED_SESSIONSECURITY }),
    );
    expect(v2.decoded.ntChallengeResponse.length).toBeGreaterThan(24);

    const ess = await run(new NtlmMechanism(creds, { allowNtlmV1: true }, ctx), acceptorFor());
    expect(ess.decoded.ntChallengeResponse).toHaveLength(24);
    expect(ess.decoded.lmChallengeResponse.subarray(8)).toEqual(Buffer.alloc(16));
    expect(ess.decoded.flags & F.EXTENDED_SESSIONSECURITY).toBe(F.EXTENDED_SESSIONSECURITY);

    const level0 = new NtlmMechanism(creds, { lmCompatibilityLevel: 0 }, ctx);
    const l0 = await run(level0, acceptorFor());
    expect(decodeNegotiate(l0.negotiate).flags & F.EXTENDED_SESSIONSECURITY).toBe(0);
    expect(l0.decoded.lmChallengeResponse).not.toEqual(l0.decoded.ntChallengeResponse);

    const l2 = await run(
      new NtlmMechanism(creds, { lmCompatibilityLevel: 2 }, ctx),
      acceptorFor({ serverFlags: SERVER_FLAGS & ~F.EXTENDED_SESSIONSECURITY }),
    );
    expect(l2.decoded.lmChallengeResponse).toEqual(l2.decoded.ntChallengeResponse);

    expect(() => new NtlmMechanism(creds, { allowNtlmV1: false, lmCompatibilityLevel: 1 })).toThrow(
      AuthError,
    );
    expect(() => new NtlmMechanism(creds, { lmCompatibilityLevel: 9 as 0 })).toThrow(/0\.\.5/);
  });

  it("session security: sign/verify and seal/unseal both ways with sequence numbers", async () => {
    const acceptor = acceptorFor();
    const mech = new NtlmMechanism(creds, {}, ctx);
    const { authenticate } = await run(mech, acceptor);
    const server = acceptor.accept(authenticate).security!;
    const msg = Buffer.from("DCE/RPC request");
    const s0 = mech.sign(msg);
    const s1 = mech.sign(msg);
    expect(s0).not.toEqual(s1); // sequence numbers 0 and 1
    expect(server.verify(msg, s0)).toBe(true);
    expect(server.verify(msg, s0)).toBe(false); // replay: the server now expects sequence 1
    const sealed = mech.seal(Buffer.from("secret payload"));
    expect(sealed.data.toString()).not.toContain("secret");
    const s1b = server.sign(Buffer.from("reply"));
    expect(mech.verify(Buffer.from("reply"), s1b)).toBe(true);
    const reply = server.seal(Buffer.from("sealed reply"));
    expect(mech.unseal(reply.data, reply.signature).toString()).toBe("sealed reply");
    const again = server.seal(Buffer.from("tampered reply"));
    again.data[0]! ^= 1;
    expect(() => mech.unseal(again.data, again.signature)).toThrow(
      expect.objectContaining({ code: "ERR_SMB_AUTH_MIC" }),
    );
  });

  it("session security without SIGN: only ALWAYS_SIGN's dummy signature", () => {
    const s = new NtlmSessionSecurity(F.ALWAYS_SIGN, Buffer.alloc(16));
    expect(s.sign(Buffer.from("x"))).toEqual(Buffer.from("01000000000000000000000000000000", "hex"));
    expect(() => new NtlmSessionSecurity(0, Buffer.alloc(16)).sign(Buffer.from("x"))).toThrow(
      /not negotiated/,
    );
    expect(() => new NtlmSessionSecurity(F.SIGN, Buffer.alloc(16)).seal(Buffer.from("x"))).toThrow(
      /not negotiated/,
    );
  });

  it("state errors are typed", async () => {
    const mech = new NtlmMechanism(creds, {}, ctx);
    expect(() => mech.sign(Buffer.from("x"))).toThrow(
      expect.objectContaining({ code: "ERR_SMB_AUTH_STATE" }),
    );
    await mech.step();
    await expect(mech.step()).rejects.toMatchObject({ code: "ERR_SMB_AUTH_BAD_TOKEN" });
    await expect(mech.step(Buffer.from("NTLMSSP\0"))).rejects.toMatchObject({ code: "ERR_SMB_AUTH_STATE" });

    const m2 = new NtlmMechanism(creds, {}, ctx);
    await m2.step();
    const wrongType = encodeChallenge({
      flags: SERVER_FLAGS,
      targetName: Buffer.alloc(0),
      serverChallenge: Buffer.alloc(8),
      targetInfo: Buffer.alloc(0),
    });
    wrongType[8] = 3;
    await expect(m2.step(wrongType)).rejects.toMatchObject({ code: "ERR_SMB_AUTH_BAD_TOKEN" });

    const m3 = new NtlmMechanism(creds, {}, ctx);
    await m3.step(acceptorFor().challengeFor((await m3.step())!));
    await expect(m3.step(Buffer.from([1]))).rejects.toMatchObject({ code: "ERR_SMB_AUTH_STATE" });
    await expect(m3.step()).resolves.toBeUndefined();

    expect(() => new NtlmMechanism(new Credentials({ username: "bob" }))).toThrow(/password or an NT hash/);
  });
});

function decodeChallengeInfo(challenge: Buffer): Buffer {
  return decodeChallenge(challenge).targetInfo;
}
