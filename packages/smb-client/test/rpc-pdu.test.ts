import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcError } from "../src/rpc/errors.js";
import {
  AlterContextRespPdu,
  BindAckPdu,
  BindNakPdu,
  BindPdu,
  CommonHeader,
  decodeHeader,
  decodePdu,
  encodePdu,
  FaultPdu,
  faultError,
  fragmentRequest,
  NDR_SYNTAX,
  PfcFlags,
  PType,
  RequestPdu,
  ResponsePdu,
  reassembleResponse,
} from "../src/rpc/pdu.js";
import { encodeNetrShareEnumRequest, SRVSVC_SYNTAX } from "../src/rpc/srvsvc.js";
import { fragmentResponse, hex } from "./rpc-helpers.js";
import { SAMBA_ERRORS, SAMBA_L, SAMBA_MANY } from "./rpc-samba-capture.js";

describe("DCE/RPC PDUs against Samba's smbclient -L capture", () => {
  it("BIND (C706 12.6.4.3) is byte-identical to Samba's: srvsvc v3.0 over NDR v2, frags 4280", () => {
    const bind = encodePdu(BindPdu, {
      callId: 1,
      contexts: [{ contextId: 0, abstractSyntax: SRVSVC_SYNTAX, transferSyntaxes: [NDR_SYNTAX] }],
    });
    expect(bind.toString("hex")).toBe(SAMBA_L.bind.toString("hex"));
    // GUIDs in Microsoft byte order: Data1..3 little-endian.
    expect(bind.subarray(32, 36).toString("hex")).toBe("c84f324b");
    expect(decodePdu(BindPdu, SAMBA_L.bind)).toEqual({
      rpcVersMinor: 0,
      pfcFlags: 3,
      authLength: 0,
      callId: 1,
      maxXmitFrag: 4280,
      maxRecvFrag: 4280,
      assocGroupId: 0,
      contexts: [{ contextId: 0, abstractSyntax: SRVSVC_SYNTAX, transferSyntaxes: [NDR_SYNTAX] }],
    });
  });

  it("decodes Samba's BIND_ACK (C706 12.6.4.4): secondary address, 4-byte pad, acceptance of NDR", () => {
    const ack = decodePdu(BindAckPdu, SAMBA_L.bindAck);
    expect(ack).toEqual({
      rpcVersMinor: 0,
      pfcFlags: PfcFlags.FIRST_FRAG | PfcFlags.LAST_FRAG,
      authLength: 0,
      callId: 1,
      maxXmitFrag: 4280,
      maxRecvFrag: 4280,
      assocGroupId: 0x95be,
      secAddr: "\\pipe\\srvsvc",
      resultList: { results: [{ result: 0, reason: 0, transferSyntax: NDR_SYNTAX }] },
    });
    // And encodes back to the same bytes (length 13 counts the NUL; one pad byte to offset 40).
    expect(encodePdu(BindAckPdu, ack as Parameters<typeof BindAckPdu.encode>[0])).toEqual(SAMBA_L.bindAck);
    expect(() => decodePdu(AlterContextRespPdu, SAMBA_L.bindAck)).toThrow(/ptype: expected 15, got 12/);
  });

  it("REQUEST (C706 12.6.4.9) with the NetrShareEnum stub is byte-identical to Samba's", () => {
    const stub = encodeNetrShareEnumRequest({ serverName: "127.0.0.1" });
    const [req, ...rest] = fragmentRequest({ callId: 2, contextId: 0, opnum: 15, stub, maxXmitFrag: 4280 });
    expect(rest).toEqual([]);
    expect(req!.toString("hex")).toBe(SAMBA_L.request.toString("hex"));
    expect(SAMBA_MANY.request).toEqual(SAMBA_L.request);
    const d = decodePdu(RequestPdu, SAMBA_L.request);
    expect(d).toMatchObject({ callId: 2, allocHint: 68, contextId: 0, opnum: 15 });
    expect(d.stub).toEqual(stub);
  });

  it("decodes Samba's single-fragment RESPONSE (C706 12.6.4.10)", () => {
    const r = decodePdu(ResponsePdu, SAMBA_L.response);
    expect(r).toMatchObject({ callId: 2, allocHint: 456, contextId: 0, cancelCount: 0, pfcFlags: 3 });
    expect(r.stub.length).toBe(456);
    expect(reassembleResponse([SAMBA_L.response], 2)).toEqual(r.stub);
  });
});

describe("fragmentation (C706 12.6.2)", () => {
  it("reassembles Samba's two-fragment response (FIRST in the IOCTL reply, LAST by READ)", () => {
    const [a, b] = SAMBA_MANY.fragments;
    expect(decodeHeader(a!)).toMatchObject({ pfcFlags: PfcFlags.FIRST_FRAG, fragLength: 4280, callId: 2 });
    expect(decodeHeader(b!)).toMatchObject({ pfcFlags: PfcFlags.LAST_FRAG, fragLength: 1704, callId: 2 });
    expect(decodePdu(ResponsePdu, a!).allocHint).toBe(5936);
    const stub = reassembleResponse(SAMBA_MANY.fragments, 2);
    expect(stub.length).toBe(5936);
    expect(() => reassembleResponse([a!], 2)).toThrow(/last RESPONSE fragment lacks PFC_LAST_FRAG/);
    expect(() => reassembleResponse([b!], 2)).toThrow(/first RESPONSE fragment lacks PFC_FIRST_FRAG/);
    expect(() => reassembleResponse([a!, a!, b!], 2)).toThrow(/repeats PFC_FIRST_FRAG/);
    expect(() => reassembleResponse([a!, b!], 3)).toThrow(/call_id 2, expected 3/);
    expect(() => reassembleResponse([], 2)).toThrow(RpcError);
  });

  it("reassembles a captured response split into fragments of any size", () => {
    const stub = decodePdu(ResponsePdu, SAMBA_L.response).stub;
    for (const maxFrag of [32, 40, 64, 100, 457 + 24, 4280]) {
      const frags = fragmentResponse(stub, 7, maxFrag);
      for (const [i, f] of frags.entries()) {
        expect(f.length).toBeLessThanOrEqual(maxFrag);
        const h = decodePdu(ResponsePdu, f);
        expect(h.allocHint).toBe(stub.length - i * (frags[0]!.length - 24));
        if (i < frags.length - 1) expect(h.stub.length % 8).toBe(0);
      }
      expect(reassembleResponse(frags, 7)).toEqual(stub);
    }
    expect(fragmentResponse(stub, 7, 64)).toHaveLength(Math.ceil(456 / 40));
  });

  it("splits a large request into fragments of at most max_xmit_frag, 8-byte multiples, alloc_hint remaining", () => {
    const stub = Buffer.alloc(10_000, 0xab);
    for (const max of [32, 33, 1432, 4280]) {
      const frags = fragmentRequest({ callId: 9, contextId: 1, opnum: 15, stub, maxXmitFrag: max });
      let off = 0;
      for (const [i, f] of frags.entries()) {
        expect(f.length).toBeLessThanOrEqual(max);
        const d = decodePdu(RequestPdu, f);
        expect(d).toMatchObject({ callId: 9, contextId: 1, opnum: 15, allocHint: stub.length - off });
        expect(d.pfcFlags).toBe((i === 0 ? 1 : 0) | (i === frags.length - 1 ? 2 : 0));
        if (i < frags.length - 1) expect(d.stub.length % 8).toBe(0);
        off += d.stub.length;
      }
      expect(off).toBe(stub.length);
    }
    expect(() => fragmentRequest({ callId: 1, contextId: 0, opnum: 0, stub, maxXmitFrag: 30 })).toThrow(
      /leaves no room/,
    );
  });
});

describe("FAULT and BIND_NAK", () => {
  it("turns a FAULT (C706 12.6.4.7) into an RpcError naming the fault code", () => {
    const pdu = encodePdu(FaultPdu, {
      callId: 2,
      pfcFlags: PfcFlags.FIRST_FRAG | PfcFlags.LAST_FRAG | PfcFlags.DID_NOT_EXECUTE,
      status: 0x1c010002,
    });
    expect(pdu.toString("hex")).toBe("05000323100000002000000002000000000000000000000002000" + "11c00000000");
    const err = faultError(decodePdu(FaultPdu, pdu), 200);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({
      code: "ERR_RPC_FAULT",
      status: 0x1c010002,
      statusName: "nca_s_op_rng_error",
    });
    expect(err.message).toBe(
      "RPC fault for opnum 200: nca_s_op_rng_error (0x1c010002), the call did not execute",
    );
    expect(() => reassembleResponse([pdu], 2, 200)).toThrow(err.message);
    const denied = encodePdu(FaultPdu, { callId: 3, status: 5 });
    expect(() => reassembleResponse([denied], 3)).toThrow(/nca_s_fault_access_denied \(0x00000005\)/);
    const unknown = encodePdu(FaultPdu, { callId: 3, status: 0xdead });
    expect(faultError(decodePdu(FaultPdu, unknown))).toMatchObject({ statusName: "0x0000dead" });
  });

  it("decodes Samba's real FAULT for an unknown opnum (and our REQUEST that caused it)", () => {
    expect(
      fragmentRequest({ callId: 2, contextId: 0, opnum: 200, stub: Buffer.alloc(0), maxXmitFrag: 4280 }),
    ).toEqual([SAMBA_ERRORS.badOpnum]);
    const f = decodePdu(FaultPdu, SAMBA_ERRORS.fault);
    expect(f).toEqual({
      rpcVersMinor: 0,
      pfcFlags: PfcFlags.FIRST_FRAG | PfcFlags.LAST_FRAG | PfcFlags.DID_NOT_EXECUTE,
      authLength: 0,
      callId: 2,
      allocHint: 24,
      contextId: 0,
      cancelCount: 0,
      flags: 0,
      status: 0x1c010002,
      stub: Buffer.alloc(0),
    });
    expect(() => reassembleResponse([SAMBA_ERRORS.fault], 2, 200)).toThrow(
      "RPC fault for opnum 200: nca_s_op_rng_error (0x1c010002), the call did not execute",
    );
  });

  it("decodes Samba's BIND_ACK refusing an interface the pipe does not serve", () => {
    const ack = decodePdu(BindAckPdu, SAMBA_ERRORS.bindAckRejected);
    expect(ack.resultList!.results).toEqual([
      {
        result: 2,
        reason: 1,
        transferSyntax: { uuid: "00000000-0000-0000-0000-000000000000", version: 0, versionMinor: 0 },
      },
    ]);
    expect(decodePdu(BindPdu, SAMBA_ERRORS.bindOther).contexts[0]!.abstractSyntax).toEqual({
      uuid: "12345678-1234-abcd-ef00-0123456789ab",
      version: 1,
      versionMinor: 0,
    });
  });

  it("decodes BIND_NAK (C706 12.6.4.5)", () => {
    const nak = encodePdu(BindNakPdu, {
      callId: 1,
      providerRejectReason: 4,
      versions: [{ major: 5, minor: 0 }],
    });
    expect(nak.toString("hex")).toBe("05000d03100000001500000001000000040001" + "0500");
    expect(decodePdu(BindNakPdu, nak)).toMatchObject({
      providerRejectReason: 4,
      versions: [{ major: 5, minor: 0 }],
    });
  });
});

describe("malformed PDUs are RpcErrors naming the field", () => {
  const cases: [string, Buffer, RegExp][] = [
    ["short header", hex("05000c03"), /PDU header: needs 16 bytes, has 4/],
    ["version 4", hex("04000c0310000000440000000100000000"), /PDU header\.rpc_vers: version 4\.0/],
    ["big-endian drep", hex("05000c0300000000440000000100000000"), /packed_drep: 0x00000000 is not NDR/],
    ["frag_length < 16", hex("05000c03100000000800000001000000"), /frag_length: 8 is shorter/],
    ["frag_length > data", hex("05000c03100000004400000001000000"), /frag_length: 68 exceeds the 16 bytes/],
    [
      "auth_length too big",
      hex("05000203100000001c00100002000000000000000000000000000000"),
      /auth_length: 16/,
    ],
  ];
  for (const [name, buf, re] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        decodePdu(ResponsePdu, buf);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RpcError);
      expect((err as RpcError).code).toBe("ERR_RPC_MALFORMED");
      expect((err as RpcError).message).toMatch(re);
    });
  }

  it("a BIND_ACK whose secondary address runs past the fragment", () => {
    const bad = Buffer.from(SAMBA_L.bindAck);
    bad.writeUInt16LE(200, 24);
    expect(() => decodePdu(BindAckPdu, bad)).toThrow(/BIND_ACK\.secAddr: length 200 at offset 26 exceeds/);
    const noResults = Buffer.from(SAMBA_L.bindAck);
    noResults[40] = 9;
    expect(() => decodePdu(BindAckPdu, noResults)).toThrow(RpcError);
  });

  it("strips an auth verifier (sec_trailer + auth_value, MS-RPCE 2.2.2.11) off the stub", () => {
    const stub = hex("0102030405060708aabb");
    const body = Buffer.concat([stub, hex("0000"), hex("0a06020000000000"), Buffer.alloc(16, 0xcc)]);
    const pdu = encodePdu(ResponsePdu, { callId: 4, allocHint: 10, contextId: 0, stub: body });
    pdu.writeUInt16LE(16, 10);
    expect(decodePdu(ResponsePdu, pdu).stub).toEqual(stub);
  });

  const decoders: [string, (b: Buffer) => unknown][] = [
    ["header", (b) => decodeHeader(b)],
    ["common", (b) => CommonHeader.decode(b.length >= 16 ? b : Buffer.alloc(16))],
    ["BIND", (b) => decodePdu(BindPdu, b)],
    ["BIND_ACK", (b) => decodePdu(BindAckPdu, b)],
    ["BIND_NAK", (b) => decodePdu(BindNakPdu, b)],
    ["REQUEST", (b) => decodePdu(RequestPdu, b)],
    ["RESPONSE", (b) => decodePdu(ResponsePdu, b)],
    ["FAULT", (b) => decodePdu(FaultPdu, b)],
    ["reassemble", (b) => reassembleResponse([b], 2)],
  ];
  const valid = [...Object.values(SAMBA_L), ...SAMBA_MANY.fragments, ...Object.values(SAMBA_ERRORS)];

  it("random bytes: every decoder returns a value or throws RpcError (fast-check)", () => {
    const header = fc
      .record({
        ptype: fc.oneof(fc.constantFrom(0, 2, 3, 11, 12, 13, 14, 15), fc.nat(255)),
        flags: fc.nat(255),
        authLength: fc.oneof(fc.constant(0), fc.nat(0xffff)),
        body: fc.uint8Array({ maxLength: 200 }),
      })
      .map(({ ptype, flags, authLength, body }) => {
        const b = Buffer.alloc(16 + body.length);
        b.set([5, 0, ptype, flags, 0x10, 0, 0, 0]);
        b.writeUInt16LE(b.length, 8);
        b.writeUInt16LE(authLength, 10);
        b.writeUInt32LE(2, 12);
        b.set(body, 16);
        return b;
      });
    const anyBytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.oneof(header, anyBytes), fc.constantFrom(...decoders), (buf, [, decode]) => {
        try {
          decode(buf);
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("mutated captured PDUs: every decoder returns a value or throws RpcError (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(5000), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.nat(5000),
        fc.constantFrom(...decoders),
        (pdu, flips, cut, [, decode]) => {
          const b = Buffer.from(pdu.subarray(0, Math.max(cut, 16)));
          for (const [at, v] of flips) b[at % b.length] = v;
          try {
            decode(b);
          } catch (e) {
            if (!(e instanceof RpcError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("PDU constants", () => {
  it("PTYPE and flags per C706", () => {
    expect(PType).toMatchObject({ REQUEST: 0, RESPONSE: 2, FAULT: 3, BIND: 11, BIND_ACK: 12, BIND_NAK: 13 });
    expect(decodeHeader(SAMBA_L.request)).toEqual({
      rpcVers: 5,
      rpcVersMinor: 0,
      ptype: 0,
      pfcFlags: 3,
      drep: 0x10,
      fragLength: 92,
      authLength: 0,
      callId: 2,
    });
  });
});
