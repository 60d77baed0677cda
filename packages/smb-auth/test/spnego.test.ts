/** DER codec, SPNEGO tokens (real Samba and Windows-style captures) and the SPNEGO initiator. */
import { describe, expect, it } from "vitest";
import {
  type AuthContext,
  type AuthMechanism,
  type AuthMechanismFactory,
  AuthError,
  ContextFlag,
  Credentials,
  DerError,
  decodeNegotiationToken,
  der,
  encodeMechTypeList,
  encodeNegTokenInit,
  encodeNegTokenResp,
  NegState,
  negotiate,
  ntlm,
  Oid,
  SpnegoMechanism,
  spnego,
} from "../src/index.js";
import { NtlmAcceptor } from "./helpers/ntlm-acceptor.js";

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

/**
 * Samba 4.17.12's SMB2 NEGOTIATE security buffer (captured from tools/samba's smbd on 127.0.0.1):
 * a NegTokenInit2 offering NTLMSSP with the negHints hintName "not_defined_in_RFC4178@please_ignore".
 */
const SAMBA_NEG_TOKEN_INIT2 = h(`
  604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65
  645f696e5f5246433431373840706c656173655f69676e6f7265`);

/**
 * A Windows-style NegTokenInit2 (NEGOEX, MS-KRB5, KRB5, KRB5-U2U, NTLMSSP + negHints), published as test
 * data of the Python pyspnego project (tests/data/initial_context_token_neg_token_init2).
 */
const WINDOWS_NEG_TOKEN_INIT2 = h(`
  6076 0606 2b06 0105 0502 a06c 306a a03c 303a 060a 2b06 0104 0182 3702 021e 0609
  2a86 4882 f712 0102 0206 092a 8648 86f7 1201 0202 060a 2a86 4886 f712 0102 0203
  060a 2b06 0104 0182 3702 020a a32a 3028 a026 1b24 6e6f 745f 6465 6669 6e65 645f
  696e 5f52 4643 3431 3738 4070 6c65 6173 655f 6967 6e6f 7265`);

describe("DER", () => {
  it("encodes short and long lengths and reads them back", () => {
    for (const n of [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 70000]) {
      const t = der.tlv(der.Tag.OCTET_STRING, Buffer.alloc(n, 7));
      const back = der.readTlv(t);
      expect(back.value.length).toBe(n);
      expect(back.end).toBe(t.length);
      expect(back.raw).toEqual(t);
    }
    expect(der.encodeLength(0x7f)).toEqual(h("7f"));
    expect(der.encodeLength(0x80)).toEqual(h("8180"));
    expect(der.encodeLength(0x1234)).toEqual(h("821234"));
  });

  it("round-trips OIDs, including large arcs", () => {
    for (const oid of [
      Oid.SPNEGO,
      Oid.NTLMSSP,
      Oid.KRB5,
      Oid.MS_KRB5,
      Oid.NEGOEX,
      "2.999.1",
      "1.2.18446744073709551615",
      "0.0",
    ]) {
      const enc = der.oid(oid);
      expect(der.decodeOid(der.readTlv(enc))).toBe(oid);
    }
    expect(der.oid(Oid.SPNEGO)).toEqual(h("06062b0601050502"));
    expect(der.oid(Oid.MS_KRB5)).toEqual(h("06092a864882f712010202"));
  });

  it("round-trips ENUMERATED and BIT STRING", () => {
    for (const v of [0, 1, 3, 127, 128, 255, 256, 0x7fffffff]) {
      expect(der.decodeSmallInteger(der.readTlv(der.enumerated(v)), "x")).toBe(v);
    }
    expect(der.enumerated(128)).toEqual(h("0a020080"));
    const bits = [ContextFlag.MUTUAL, ContextFlag.INTEG];
    const bs = der.bitString(bits);
    expect(bs).toEqual(h("03020142"));
    expect(der.decodeBitString(der.readTlv(bs), "x")).toEqual(bits);
  });

  it("rejects malformed encodings with DerError", () => {
    const bad: Array<[string, Buffer]> = [
      ["empty", Buffer.alloc(0)],
      ["missing length", h("04")],
      ["indefinite length", h("048000")],
      ["length past the end", h("0405010203")],
      ["truncated long length", h("0482ff")],
      ["5-byte length", h("04850000000001")],
      ["multi-byte tag", h("1f0100")],
    ];
    for (const [what, buf] of bad) {
      expect(() => der.readTlv(buf), what).toThrow(DerError);
    }
    expect(() => der.readWhole(h("040100ff"), der.Tag.OCTET_STRING, "x")).toThrow(/trailing/);
    expect(() => der.decodeOidValue(h("2b8001"))).toThrow(/non-minimal/);
    expect(() => der.decodeOidValue(h("2b86"))).toThrow(/truncated/);
    expect(() => der.decodeSmallInteger(der.readTlv(h("0a0180")), "x")).toThrow(/negative/);
    try {
      der.readTlv(h("0405"));
    } catch (err) {
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe("ERR_SMB_AUTH_BAD_TOKEN");
    }
  });
});

describe("SPNEGO tokens", () => {
  it("decodes Samba's NegTokenInit2 with negHints", () => {
    const t = decodeNegotiationToken(SAMBA_NEG_TOKEN_INIT2);
    expect(t.kind).toBe("init");
    if (t.kind !== "init") return;
    expect(t.mechTypes).toEqual([Oid.NTLMSSP]);
    expect(t.negHints).toEqual({ hintName: "not_defined_in_RFC4178@please_ignore" });
    expect(t.mechToken).toBeUndefined();
    expect(t.mechListMIC).toBeUndefined();
  });

  it("decodes a Windows-style NegTokenInit2 (MS-KRB5 first)", () => {
    const t = decodeNegotiationToken(WINDOWS_NEG_TOKEN_INIT2);
    if (t.kind !== "init") throw new Error("not init");
    expect(t.mechTypes).toEqual([Oid.NEGOEX, Oid.MS_KRB5, Oid.KRB5, Oid.KRB5_U2U, Oid.NTLMSSP]);
    expect(t.negHints?.hintName).toBe("not_defined_in_RFC4178@please_ignore");
  });

  it("round-trips NegTokenInit and keeps the MechTypeList DER", () => {
    const mechTypes = [Oid.KRB5, Oid.NTLMSSP];
    const enc = encodeNegTokenInit({
      mechTypes,
      reqFlags: [ContextFlag.MUTUAL, ContextFlag.INTEG],
      mechToken: Buffer.from("token"),
      mechListMIC: Buffer.alloc(16, 1),
    });
    expect(enc[0]).toBe(0x60);
    const t = decodeNegotiationToken(enc);
    if (t.kind !== "init") throw new Error("not init");
    expect(t.mechTypes).toEqual(mechTypes);
    expect(t.mechTypesDer).toEqual(encodeMechTypeList(mechTypes));
    expect(t.reqFlags).toEqual([1, 6]);
    expect(t.mechToken).toEqual(Buffer.from("token"));
    expect(t.mechListMIC).toEqual(Buffer.alloc(16, 1));
    // The exact bytes of a minimal init (RFC 4178 layout) for the NTLM-only case.
    expect(encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP] })).toEqual(
      h("601c06062b0601050502a0123010a00e300c060a2b06010401823702020a"),
    );
  });

  it("round-trips NegTokenResp", () => {
    const enc = encodeNegTokenResp({
      negState: NegState.ACCEPT_INCOMPLETE,
      supportedMech: Oid.NTLMSSP,
      responseToken: Buffer.from("challenge"),
      mechListMIC: Buffer.alloc(16, 2),
    });
    expect(enc[0]).toBe(0xa1);
    expect(decodeNegotiationToken(enc)).toEqual({
      kind: "resp",
      negState: 1,
      supportedMech: Oid.NTLMSSP,
      responseToken: Buffer.from("challenge"),
      mechListMIC: Buffer.alloc(16, 2),
    });
    expect(decodeNegotiationToken(encodeNegTokenResp({ negState: 0 }))).toEqual({
      kind: "resp",
      negState: 0,
    });
  });

  it("rejects tokens that are not SPNEGO, or malformed", () => {
    const krb = der.tlv(der.Tag.APPLICATION_0, der.oid(Oid.KRB5), h("0100"));
    expect(() => decodeNegotiationToken(krb)).toThrow(/not SPNEGO/);
    expect(() => decodeNegotiationToken(Buffer.from("NTLMSSP\0"))).toThrow(AuthError);
    expect(() => decodeNegotiationToken(SAMBA_NEG_TOKEN_INIT2.subarray(0, 40))).toThrow(DerError);
    // Fields out of order.
    const swapped = der.explicit(
      1,
      der.sequence(der.explicit(2, der.octetString(h("00"))), der.explicit(0, der.enumerated(0))),
    );
    expect(() => decodeNegotiationToken(swapped)).toThrow(/out of order/);
    // mechTypes missing.
    expect(() => decodeNegotiationToken(der.explicit(0, der.sequence()))).toThrow(/mechTypes/);
  });
});

// ---------------------------------------------------------------------------------------------------
// The initiator against scripted servers

const ctx: AuthContext = { targetName: "server.test" };
const creds = new Credentials({ username: "alice", domain: "TESTDOM", password: "S3cret!pw" });

/** A scripted mechanism: emits `tokens` in turn; complete after the last; integrity with a fixed tag. */
function fakeFactory(name: string, oid: string, tokens: string[], withMic = true): AuthMechanismFactory {
  return {
    name,
    oid,
    create(): AuthMechanism {
      let i = 0;
      let done = false;
      const mech: AuthMechanism = {
        name,
        oid,
        get complete() {
          return done;
        },
        get sessionKey() {
          return done ? Buffer.alloc(16, 9) : undefined;
        },
        async step(input?: Uint8Array) {
          if (i > 0 && (!input || input.length === 0)) throw new Error(`${name} expected input`);
          const out = tokens[i++];
          if (i >= tokens.length) done = true;
          return out === undefined || out === "" ? undefined : Buffer.from(out);
        },
        ...(withMic && {
          getMic: (data: Uint8Array) =>
            Buffer.concat([Buffer.from(`${name}:`), Buffer.from(data).subarray(0, 4)]),
          verifyMic: (data: Uint8Array, mic: Uint8Array) =>
            Buffer.from(mic).equals(Buffer.concat([Buffer.from(`srv:`), Buffer.from(data).subarray(0, 4)])),
        }),
      };
      return mech;
    },
  };
}

describe("SpnegoMechanism", () => {
  it("runs SPNEGO(NTLM) with mechListMICs both ways against an NTLM acceptor", async () => {
    const acceptor = new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: "S3cret!pw" });
    const mech = negotiate(creds).create(ctx) as SpnegoMechanism;
    expect(mech.name).toBe("spnego(ntlm)");
    expect(mech.oid).toBe(Oid.SPNEGO);

    // No initial token from the server (empty NEGOTIATE security buffer).
    const init = decodeNegotiationToken((await mech.step(Buffer.alloc(0)))!);
    if (init.kind !== "init") throw new Error("not init");
    expect(init.mechTypes).toEqual([Oid.NTLMSSP]);
    const challenge = acceptor.challengeFor(init.mechToken!);

    const out2 = await mech.step(
      encodeNegTokenResp({
        negState: NegState.ACCEPT_INCOMPLETE,
        supportedMech: Oid.NTLMSSP,
        responseToken: challenge,
      }),
    );
    const resp2 = decodeNegotiationToken(out2!);
    if (resp2.kind !== "resp") throw new Error("not resp");
    const accepted = acceptor.accept(resp2.responseToken!);
    expect(accepted).toMatchObject({ ok: true, micPresent: true });
    // The client's mechListMIC covers the MechTypeList as sent.
    expect(accepted.security!.verify(init.mechTypesDer, resp2.mechListMIC!)).toBe(true);
    expect(mech.complete).toBe(false);

    const serverMic = accepted.security!.sign(init.mechTypesDer);
    const out3 = await mech.step(
      encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED, mechListMIC: serverMic }),
    );
    expect(out3).toBeUndefined();
    expect(mech.complete).toBe(true);
    expect(mech.sessionKey).toEqual(accepted.exportedSessionKey);
    // Target info echoed (unknown pair included) plus the SPN.
    expect(accepted.targetInfo!.get(0x00ff)).toEqual(Buffer.from([1, 2, 3]));
    expect(accepted.targetInfo!.getString(9)).toBe("cifs/server.test");
  });

  it("rejects a tampered server mechListMIC", async () => {
    const acceptor = new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: "S3cret!pw" });
    const mech = negotiate(creds).create(ctx);
    const init = decodeNegotiationToken((await mech.step())!);
    if (init.kind !== "init") throw new Error("not init");
    const out2 = await mech.step(
      encodeNegTokenResp({
        negState: 1,
        supportedMech: Oid.NTLMSSP,
        responseToken: acceptor.challengeFor(init.mechToken!),
      }),
    );
    const resp2 = decodeNegotiationToken(out2!);
    if (resp2.kind !== "resp") throw new Error("not resp");
    const accepted = acceptor.accept(resp2.responseToken!);
    const serverMic = accepted.security!.sign(init.mechTypesDer);
    serverMic[serverMic.length - 1]! ^= 0x01;
    await expect(
      mech.step(encodeNegTokenResp({ negState: 0, mechListMIC: serverMic })),
    ).rejects.toMatchObject({
      code: "ERR_SMB_AUTH_MIC",
    });
    expect(mech.complete).toBe(false);
    expect(mech.sessionKey).toBeUndefined();
  });

  it("accepts a final accept-completed without a token or MIC (unless requireServerMic)", async () => {
    for (const requireServerMic of [false, true]) {
      const acceptor = new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: "S3cret!pw" });
      const mech = spnego([ntlm(creds)], { requireServerMic }).create(ctx);
      const init = decodeNegotiationToken((await mech.step())!);
      if (init.kind !== "init") throw new Error("not init");
      await mech.step(
        encodeNegTokenResp({
          negState: 1,
          supportedMech: Oid.NTLMSSP,
          responseToken: acceptor.challengeFor(init.mechToken!),
        }),
      );
      const last = mech.step(encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED }));
      if (requireServerMic) await expect(last).rejects.toMatchObject({ code: "ERR_SMB_AUTH_MIC" });
      else {
        await expect(last).resolves.toBeUndefined();
        expect(mech.complete).toBe(true);
        // A final SESSION_SETUP success without a security buffer is fine too.
        await expect(mech.step(Buffer.alloc(0))).resolves.toBeUndefined();
      }
    }
  });

  it("follows the server to another mechanism and then requires mechListMICs", async () => {
    const a = fakeFactory("alpha", "1.2.3.1", ["a-init", ""]);
    const b = fakeFactory("beta", "1.2.3.2", ["b-init", "b-2"]);
    const mech = new SpnegoMechanism([a, b], ctx);
    const init = decodeNegotiationToken((await mech.step())!);
    if (init.kind !== "init") throw new Error("not init");
    expect(init.mechTypes).toEqual(["1.2.3.1", "1.2.3.2"]);
    expect(init.mechToken).toEqual(Buffer.from("a-init"));

    // The server picks beta without a token: beta's first token goes out.
    const out2 = decodeNegotiationToken(
      (await mech.step(encodeNegTokenResp({ negState: 1, supportedMech: "1.2.3.2" })))!,
    );
    expect(out2).toEqual({ kind: "resp", responseToken: Buffer.from("b-init") });
    // beta completes with the next token; the MIC is required since beta was not the optimistic mech.
    const out3 = decodeNegotiationToken(
      (await mech.step(encodeNegTokenResp({ negState: 1, responseToken: Buffer.from("srv-1") })))!,
    );
    if (out3.kind !== "resp") throw new Error("not resp");
    expect(out3.responseToken).toEqual(Buffer.from("b-2"));
    expect(out3.mechListMIC).toEqual(Buffer.concat([Buffer.from("beta:"), init.mechTypesDer.subarray(0, 4)]));
    const serverMic = Buffer.concat([Buffer.from("srv:"), init.mechTypesDer.subarray(0, 4)]);
    await mech.step(encodeNegTokenResp({ negState: 0, mechListMIC: serverMic }));
    expect(mech.complete).toBe(true);
    expect(mech.selectedMechanism?.name).toBe("beta");
  });

  it("treats the MS-KRB5 OID as Kerberos", async () => {
    const krb = fakeFactory("kerberos", Oid.KRB5, ["ap-req", ""]);
    const mech = negotiate(creds, { kerberos: krb }).create(ctx) as SpnegoMechanism;
    expect(mech.name).toBe("spnego(kerberos,ntlm)");
    // A Windows hint listing MS-KRB5 keeps Kerberos in the offer.
    const init = decodeNegotiationToken((await mech.step(WINDOWS_NEG_TOKEN_INIT2))!);
    if (init.kind !== "init") throw new Error("not init");
    expect(init.mechTypes).toEqual([Oid.KRB5, Oid.NTLMSSP]);
    // The server answers with the MS-KRB5 OID, accept-completed and an AP-REP: same mechanism, done.
    const out = await mech.step(
      encodeNegTokenResp({ negState: 0, supportedMech: Oid.MS_KRB5, responseToken: Buffer.from("ap-rep") }),
    );
    expect(out).toBeUndefined();
    expect(mech.complete).toBe(true);
    expect(mech.selectedMechanism?.name).toBe("kerberos");
  });

  it("drops a mechanism that cannot start (Kerberos without a ticket) from the offer", async () => {
    const noTicket: AuthMechanismFactory = {
      name: "kerberos",
      oid: Oid.KRB5,
      create() {
        throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "no ticket for cifs/server.test");
      },
    };
    const mech = negotiate(creds, { kerberos: noTicket }).create(ctx);
    const init = decodeNegotiationToken((await mech.step())!);
    if (init.kind !== "init") throw new Error("not init");
    expect(init.mechTypes).toEqual([Oid.NTLMSSP]);
    expect(init.mechToken?.subarray(0, 8).toString("latin1")).toBe("NTLMSSP\0");

    const only = spnego([noTicket]).create(ctx);
    await expect(only.step()).rejects.toThrow(/no ticket/);
  });

  it("narrows the offer to what the server's hint lists", async () => {
    const krb = fakeFactory("kerberos", Oid.KRB5, ["ap-req", ""]);
    const mech = negotiate(creds, { kerberos: krb }).create(ctx);
    const init = decodeNegotiationToken((await mech.step(SAMBA_NEG_TOKEN_INIT2))!);
    if (init.kind !== "init") throw new Error("not init");
    expect(init.mechTypes).toEqual([Oid.NTLMSSP]);
    expect(init.mechToken?.subarray(0, 8).toString("latin1")).toBe("NTLMSSP\0");
  });

  it("fails with typed errors: reject, unknown mechanism, garbage", async () => {
    const m1 = negotiate(creds).create(ctx);
    await m1.step();
    await expect(m1.step(encodeNegTokenResp({ negState: NegState.REJECT }))).rejects.toMatchObject({
      code: "ERR_SMB_AUTH_REJECTED",
    });
    await expect(m1.step(Buffer.from([1]))).rejects.toMatchObject({ code: "ERR_SMB_AUTH_STATE" });

    const m2 = negotiate(creds).create(ctx);
    await m2.step();
    await expect(m2.step(encodeNegTokenResp({ negState: 1, supportedMech: Oid.KRB5 }))).rejects.toMatchObject(
      {
        code: "ERR_SMB_AUTH_NO_MECH",
      },
    );

    const m3 = negotiate(creds).create(ctx);
    await m3.step();
    await expect(m3.step(Buffer.from("garbage"))).rejects.toBeInstanceOf(AuthError);

    // supportedMech may only change in the first reply.
    const a = fakeFactory("alpha", "1.2.3.1", ["a-1", "a-2", "a-3"]);
    const b = fakeFactory("beta", "1.2.3.2", ["b-1"]);
    const m5 = new SpnegoMechanism([a, b], ctx);
    await m5.step();
    await m5.step(
      encodeNegTokenResp({ negState: 1, supportedMech: "1.2.3.1", responseToken: Buffer.from("x") }),
    );
    await expect(m5.step(encodeNegTokenResp({ negState: 1, supportedMech: "1.2.3.2" }))).rejects.toThrow(
      /mid-exchange/,
    );

    const m4 = negotiate(creds).create(ctx);
    await m4.step();
    await expect(m4.step(Buffer.alloc(0))).rejects.toMatchObject({ code: "ERR_SMB_AUTH_BAD_TOKEN" });

    expect(() => new SpnegoMechanism([], ctx)).toThrow(AuthError);
    expect(() => negotiate(creds, { ntlm: false })).toThrow(/no mechanism/);
  });

  it("a mechanism without integrity cannot satisfy a required mechListMIC", async () => {
    const a = fakeFactory("alpha", "1.2.3.1", ["a-init", ""]);
    const b = fakeFactory("beta", "1.2.3.2", ["b-init"], false);
    const mech = new SpnegoMechanism([a, b], ctx);
    await mech.step();
    await expect(
      mech.step(encodeNegTokenResp({ negState: 3, supportedMech: "1.2.3.2" })),
    ).rejects.toMatchObject({
      code: "ERR_SMB_AUTH_MIC",
    });
  });
});
