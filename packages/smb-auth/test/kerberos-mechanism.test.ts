// DER subset, Kerberos messages, GSS framing and the GSS mechanism against a scripted acceptor (the
// service ticket comes from a ccache written here, so no KDC is involved).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Asn1Error, DerReader, decodeValue, flags32, int, ktime, oid, seq } from "../src/kerberos/asn1.js";
import { KeyUsage } from "../src/kerberos/crypto/enctypes.js";
import { GssFlags, KRB5_OID, MS_KRB5_OID, TokId, unwrapGssToken, wrapGssToken } from "../src/kerberos/gss.js";
import {
  KerberosError,
  KerberosKey,
  type KerberosMechanism,
  kerberos,
  parsePrincipal,
  writeCcache,
} from "../src/kerberos/index.js";
import {
  ApOptions,
  decodeApReq,
  decodeAuthenticator,
  decodeKdcReply,
  encodeApRep,
  encodeEncApRepPart,
  encodeKrbError,
  encodeTicket,
} from "../src/kerberos/messages.js";

const dir = mkdtempSync(join(tmpdir(), "smbjs-krb-mech-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("DER subset", () => {
  it("encodes minimal INTEGERs and decodes them back", () => {
    for (const [n, hex] of [
      [0, "020100"],
      [127, "02017f"],
      [128, "02020080"],
      [-1, "0201ff"],
      [-129, "0202ff7f"],
      [0xffffffff, "020500ffffffff"],
      [-138, "0202ff76"],
    ] as [number, string][]) {
      expect(int(n).toString("hex"), String(n)).toBe(hex);
      expect(decodeValue(int(n), "int").int()).toBe(n);
    }
  });

  it("encodes KerberosTime, flags and OIDs", () => {
    expect(ktime(new Date("2026-01-02T03:04:05.678Z")).toString("latin1").slice(2)).toBe("20260102030405Z");
    expect(flags32(0x40810010).toString("hex")).toBe("03050040810010");
    expect(decodeValue(flags32(0x40810010), "f").flags()).toBe(0x40810010);
    expect(oid(KRB5_OID).toString("hex")).toBe("06092a864886f712010202");
    expect(decodeValue(oid(MS_KRB5_OID), "oid").oid()).toBe(MS_KRB5_OID);
  });

  it("refuses lengths past the end, indefinite lengths, trailing bytes and wrong tags", () => {
    const cases: [string, RegExp][] = [
      ["3005020101", /runs past the end/],
      ["3080020101", /indefinite length/],
      ["020101ff", /trailing bytes/],
      ["3003020101", /expected \[0\], got tag 0x02/],
      ["", /unexpected end/],
    ];
    for (const [hex, msg] of cases) {
      expect(() => {
        const v = decodeValue(Buffer.from(hex, "hex"), "test");
        v.reader().field(0, "x");
      }, hex).toThrow(msg);
    }
    const r = DerReader.of(seq(int(1)), 0x30, "S");
    expect(() => r.field(0, "pvno")).toThrow(Asn1Error);
    expect(() => decodeValue(int(1), "x").octets()).toThrow(/expected tag 0x04, got tag 0x02/);
  });

  it("decodes a KRB-ERROR reply from a KDC", () => {
    const stime = new Date("2026-05-06T07:08:09Z");
    const bytes = encodeKrbError({
      stime,
      susec: 12,
      errorCode: 25,
      realm: "R",
      sname: parsePrincipal("krbtgt/R@R").name,
      eText: "NEEDED_PREAUTH",
      eData: Buffer.from("3000", "hex"),
    });
    const r = decodeKdcReply(bytes, 11);
    expect(r.kind).toBe("error");
    if (r.kind === "error") {
      expect(r.error.errorCode).toBe(25);
      expect(r.error.stime).toEqual(stime);
      expect(r.error.eText).toBe("NEEDED_PREAUTH");
      expect(r.error.eData?.toString("hex")).toBe("3000");
    }
    expect(() => decodeKdcReply(int(5), 11)).toThrow(KerberosError);
  });
});

describe("GSS token framing", () => {
  it("wraps and unwraps with the KRB5 OID and TOK_ID", () => {
    const body = Buffer.alloc(300, 1);
    const t = wrapGssToken(TokId.AP_REQ, body);
    expect(t[0]).toBe(0x60);
    const u = unwrapGssToken(t);
    expect(u.oid).toBe(KRB5_OID);
    expect(u.tokId).toBe(0x0100);
    expect(u.body.equals(body)).toBe(true);
    const raw = unwrapGssToken(Buffer.from([0x6f, 0x00]));
    expect(raw.tokId).toBeUndefined();
  });
});

/** A client whose only ticket (for cifs/srv.example.com) sits in a ccache, plus the acceptor's view. */
function setup(enctype = 18, extra: Parameters<typeof kerberos>[0] = {}) {
  const sessionKey = KerberosKey.random(enctype);
  const client = parsePrincipal("alice@EXAMPLE.COM");
  const server = parsePrincipal("cifs/srv.example.com@EXAMPLE.COM");
  const ticket = encodeTicket({
    realm: "EXAMPLE.COM",
    sname: server.name,
    encPart: { etype: 18, kvno: 2, cipher: Buffer.alloc(64, 9) },
  });
  const path = join(dir, `cc-${enctype}-${Math.random().toString(36).slice(2)}`);
  const now = Date.now();
  writeCcache(path, {
    primary: client,
    credentials: [
      {
        client,
        server,
        key: sessionKey,
        keytype: enctype,
        authtime: new Date(now),
        starttime: new Date(now),
        endtime: new Date(now + 3600_000),
        renewTill: undefined,
        isSkey: false,
        flags: 0,
        ticket,
        secondTicket: Buffer.alloc(0),
        isConfig: false,
      },
    ],
    kdcOffsetMs: undefined,
  });
  const factory = kerberos({ ccache: path, env: { KRB5_CONFIG: join(dir, "none") }, ...extra });
  return { factory, sessionKey, ticket };
}

/** What the acceptor does with the AP-REQ: decrypt the authenticator with the ticket session key. */
function accept(token: Buffer, sessionKey: KerberosKey) {
  const u = unwrapGssToken(token);
  expect(u.oid).toBe(KRB5_OID);
  expect(u.tokId).toBe(TokId.AP_REQ);
  const apReq = decodeApReq(u.body);
  const auth = decodeAuthenticator(
    sessionKey.decrypt(KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher),
  );
  return { apReq, auth };
}

function apRep(
  sessionKey: KerberosKey,
  auth: ReturnType<typeof accept>["auth"],
  subkey?: KerberosKey,
  cusecDelta = 0,
) {
  const part = encodeEncApRepPart({
    ctime: auth.ctime,
    cusec: auth.cusec + cusecDelta,
    subkey: subkey && { keytype: subkey.enctype, keyvalue: subkey.exportBytes() },
    seqNumber: 12345,
  });
  const rep = encodeApRep({
    etype: sessionKey.enctype,
    cipher: sessionKey.encrypt(KeyUsage.AP_REP_ENC_PART, part),
  });
  return wrapGssToken(TokId.AP_REP, rep);
}

describe("Kerberos GSS mechanism", () => {
  it("builds an AP-REQ with subkey, sequence number and the 0x8003 checksum, then verifies the AP-REP", async () => {
    const { factory, sessionKey, ticket } = setup();
    expect(factory.oid).toBe(KRB5_OID);
    const mech = factory.create({ targetName: "SRV.example.com" });
    const token = (await mech.step())!;
    const { apReq, auth } = accept(token, sessionKey);
    expect(apReq.apOptions).toBe(ApOptions.MUTUAL_REQUIRED);
    expect(apReq.ticket.raw.equals(ticket)).toBe(true);
    expect(auth.crealm).toBe("EXAMPLE.COM");
    expect(auth.cname.names).toEqual(["alice"]);
    expect(auth.subkey?.keytype).toBe(18);
    expect(auth.seqNumber).toBeTypeOf("number");
    expect(auth.cksum?.cksumtype).toBe(0x8003);
    const ck = auth.cksum!.checksum;
    expect(ck.readUInt32LE(0)).toBe(16);
    expect(ck.subarray(4, 20).equals(Buffer.alloc(16))).toBe(true);
    expect(ck.readUInt32LE(20)).toBe(
      GssFlags.MUTUAL | GssFlags.REPLAY | GssFlags.SEQUENCE | GssFlags.CONF | GssFlags.INTEG,
    );
    expect(Math.abs(auth.ctime.getTime() - Date.now())).toBeLessThan(5000);
    expect(mech.complete).toBe(false);
    expect(mech.sessionKey).toBeUndefined();

    const acceptorSubkey = KerberosKey.random(18);
    expect(await mech.step(apRep(sessionKey, auth, acceptorSubkey))).toBeUndefined();
    expect(mech.complete).toBe(true);
    expect(mech.sessionKeySource).toBe("acceptor-subkey");
    expect(mech.sessionKey?.equals(acceptorSubkey.exportBytes())).toBe(true);
    expect(mech.sessionKeyFrom("initiator-subkey")?.equals(Buffer.from(auth.subkey!.keyvalue))).toBe(true);
    expect(mech.sessionKeyFrom("ticket")?.equals(sessionKey.exportBytes())).toBe(true);
    expect(mech.credential).toEqual({
      client: "alice@EXAMPLE.COM",
      server: "cifs/srv.example.com@EXAMPLE.COM",
      enctype: "aes256-cts-hmac-sha1-96",
    });
  });

  it("uses the authenticator subkey when the AP-REP has none", async () => {
    const { factory, sessionKey } = setup(17);
    const mech = factory.create({ targetName: "srv.example.com" });
    const { auth } = accept((await mech.step())!, sessionKey);
    await mech.step(apRep(sessionKey, auth));
    expect(mech.sessionKeySource).toBe("initiator-subkey");
    expect(mech.sessionKey?.equals(Buffer.from(auth.subkey!.keyvalue))).toBe(true);
  });

  it("hashes channel bindings into the checksum", async () => {
    const { factory, sessionKey } = setup();
    const cb = Buffer.from("tls-server-end-point:abc");
    const mech = factory.create({ targetName: "srv.example.com", channelBindings: cb });
    const { auth } = accept((await mech.step())!, sessionKey);
    const header = Buffer.alloc(20);
    header.writeUInt32LE(cb.length, 16);
    const expected = createHash("md5").update(header).update(cb).digest();
    expect(auth.cksum!.checksum.subarray(4, 20).equals(expected)).toBe(true);
  });

  it("fails mutual authentication when the AP-REP does not echo the authenticator time", async () => {
    const { factory, sessionKey } = setup();
    const mech = factory.create({ targetName: "srv.example.com" });
    const { auth } = accept((await mech.step())!, sessionKey);
    const err = await mech.step(apRep(sessionKey, auth, undefined, 1)).catch((e) => e);
    expect(err).toBeInstanceOf(KerberosError);
    expect(err.krbCode).toBe("KRB_AP_ERR_MUT_FAIL");
    expect(mech.complete).toBe(false);
  });

  it("fails mutual authentication when the AP-REP is encrypted with another key", async () => {
    const { factory, sessionKey } = setup();
    const mech = factory.create({ targetName: "srv.example.com" });
    const { auth } = accept((await mech.step())!, sessionKey);
    const err = await mech.step(apRep(KerberosKey.random(18), auth)).catch((e) => e);
    expect(err.krbCode).toBe("KRB_AP_ERR_MUT_FAIL");
  });

  it("turns a KRB-ERROR token from the server into a typed error", async () => {
    const { factory } = setup();
    const mech = factory.create({ targetName: "srv.example.com" });
    await mech.step();
    const err = encodeKrbError({
      stime: new Date(Date.now() + 3600_000),
      susec: 0,
      errorCode: 37,
      realm: "EXAMPLE.COM",
      sname: parsePrincipal("cifs/srv.example.com@EXAMPLE.COM").name,
    });
    const e = await mech.step(wrapGssToken(TokId.KRB_ERROR, err)).catch((x) => x);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.krbCode).toBe("KRB_AP_ERR_SKEW");
    expect(e.message).toMatch(/local clock is 60 min behind the server's/);
  });

  it("without mutual authentication, completes at once with the initiator subkey", async () => {
    const { factory, sessionKey } = setup(18, { mutual: false });
    const mech = factory.create({ targetName: "srv.example.com" });
    const { apReq, auth } = accept((await mech.step())!, sessionKey);
    expect(apReq.apOptions).toBe(0);
    expect(auth.cksum!.checksum.readUInt32LE(20) & GssFlags.MUTUAL).toBe(0);
    expect(mech.complete).toBe(true);
    expect(mech.sessionKey?.equals(Buffer.from(auth.subkey!.keyvalue))).toBe(true);
  });

  it("makes and verifies RFC 4121 MIC tokens for SPNEGO's mechListMIC", async () => {
    const { factory, sessionKey } = setup(19);
    const mech: KerberosMechanism = factory.create({ targetName: "srv.example.com" });
    const { auth } = accept((await mech.step())!, sessionKey);
    const acceptorSubkey = KerberosKey.random(19);
    await mech.step(apRep(sessionKey, auth, acceptorSubkey));
    const data = Buffer.from("mechTypes DER");
    const mic = mech.getMic(data);
    expect(mic.subarray(0, 8).toString("hex")).toBe("040404ffffffffff");
    expect(mic.readBigUInt64BE(8)).toBe(BigInt(auth.seqNumber!));
    const header = mic.subarray(0, 16);
    expect(
      mic
        .subarray(16)
        .equals(acceptorSubkey.checksum(KeyUsage.GSS_INITIATOR_SIGN, Buffer.concat([data, header]))),
    ).toBe(true);
    // The acceptor's MIC: sent-by-acceptor | acceptor-subkey, key usage 23.
    const h = Buffer.from("040405ffffffffff0000000000003039", "hex");
    const theirs = Buffer.concat([
      h,
      acceptorSubkey.checksum(KeyUsage.GSS_ACCEPTOR_SIGN, Buffer.concat([data, h])),
    ]);
    expect(mech.verifyMic(data, theirs)).toBe(true);
    expect(mech.verifyMic(Buffer.from("other"), theirs)).toBe(false);
    expect(mech.verifyMic(data, mic)).toBe(false); // our own token is not the acceptor's
  });

  it("keeps keys out of util.inspect and JSON", async () => {
    const { factory, sessionKey } = setup();
    const mech = factory.create({ targetName: "srv.example.com" });
    const { auth } = accept((await mech.step())!, sessionKey);
    await mech.step(apRep(sessionKey, auth, KerberosKey.random(18)));
    const key = mech.sessionKey!.toString("hex");
    for (const text of [
      inspect(mech, { depth: 10, showHidden: true }),
      inspect(factory, { depth: 10, showHidden: true }),
      inspect(factory.client, { depth: 10, showHidden: true }),
      JSON.stringify(sessionKey),
    ]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(sessionKey.exportBytes().toString("hex"));
    }
    expect(inspect(mech)).toContain("sessionKey: <redacted>");
  });

  it("offers the same mechanism under the MS-KRB5 OID", () => {
    const { factory } = setup();
    const ms = factory.msAlias();
    expect(ms.oid).toBe(MS_KRB5_OID);
    expect(ms.client).toBe(factory.client);
    expect(ms.create({ targetName: "x" }).oid).toBe(MS_KRB5_OID);
  });

  it("refuses a server token before its own and a missing AP-REP", async () => {
    const { factory } = setup();
    await expect(factory.create({ targetName: "srv.example.com" }).step(Buffer.from([1]))).rejects.toThrow(
      KerberosError,
    );
    const mech = factory.create({ targetName: "srv.example.com" });
    await mech.step();
    await expect(mech.step(Buffer.alloc(0))).rejects.toThrow(/needs the server's AP-REP/);
  });
});
