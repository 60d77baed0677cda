import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Cipher,
  CompressionAlgorithm,
  Dialect,
  findNegotiateContext,
  GlobalCapabilities,
  HashAlgorithm,
  type NegotiateContext,
  NegotiateContextType,
  NegotiateRequest,
  NegotiateResponse,
  SecurityMode,
  SigningAlgorithm,
} from "../src/index.js";
import {
  NEGOTIATE_REQUEST,
  NEGOTIATE_RESPONSE,
  PREAUTH_HASHES,
  SESSION_SETUP_REQUEST_1,
  SESSION_SETUP_REQUEST_2,
  SESSION_SETUP_RESPONSE_1,
} from "./helpers/ms-blog-vectors.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, hex, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("the Microsoft blog vectors are transcribed exactly", () => {
  it("reproduce the published SHA-512 preauth integrity hashes", () => {
    let h = Buffer.alloc(64);
    const msgs = [
      NEGOTIATE_REQUEST,
      NEGOTIATE_RESPONSE,
      SESSION_SETUP_REQUEST_1,
      SESSION_SETUP_RESPONSE_1,
      SESSION_SETUP_REQUEST_2,
    ];
    msgs.forEach((m, i) => {
      h = createHash("sha512").update(h).update(m).digest();
      expect(h.toString("hex")).toBe(PREAUTH_HASHES[i]);
    });
  });
});

describe("SMB2 NEGOTIATE request (MS-SMB2 2.2.3)", () => {
  it("decodes and re-encodes the Windows 10 request of the MS blog byte for byte", () => {
    const v = roundTripBody(NegotiateRequest, NEGOTIATE_REQUEST);
    expect(v.dialects).toEqual([0x0202, 0x0210, 0x0300, 0x0302, 0x0311]);
    expect(v.securityMode).toBe(0); // this client sent SecurityMode 0 (its second channel sends 1)
    expect(v.capabilities).toBe(0x3f);
    expect(v.clientGuid).toBe("326fd8ec-7662-4f02-9f77-52b89bb33f3a");
    expect(v.negotiateContexts.map((c) => c.type)).toEqual([
      NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
      NegotiateContextType.ENCRYPTION_CAPABILITIES,
    ]);
    const pre = findNegotiateContext(
      v.negotiateContexts,
      NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
    );
    expect(pre?.hashAlgorithms).toEqual([HashAlgorithm.SHA_512]);
    expect(pre?.salt.toString("hex")).toBe(
      "fa49e6578f1f3a9f4cd3e9cc14a67aa884b3d05844e0e5a118225c15887f32ff",
    );
    expect(findNegotiateContext(v.negotiateContexts, NegotiateContextType.ENCRYPTION_CAPABILITIES)).toEqual({
      ciphers: [Cipher.AES_128_GCM, Cipher.AES_128_CCM],
    });
  });

  it("pads the dialects to 8 bytes before the context list and points NegotiateContextOffset at it", () => {
    const body = NEGOTIATE_REQUEST.subarray(64);
    expect(body.readUInt32LE(28)).toBe(0x70); // 64 + 36 + 5*2 = 110 -> 112
    expect(body.subarray(46, 48).toString("hex")).toBe("0000");
  });

  it("writes ClientStartTime = 0 (all 8 bytes) and no padding for a request without contexts", () => {
    // MS-SMB2 4.3 example: one dialect 0x0202, SecurityMode signing enabled, zero GUID.
    const buf = NegotiateRequest.encode({
      securityMode: SecurityMode.SIGNING_ENABLED,
      capabilities: 0,
      clientGuid: "00000000-0000-0000-0000-000000000000",
      dialects: [Dialect.SMB2_0_2],
    });
    expect(buf.toString("hex")).toBe(
      `2400010001000000000000000000000000000000000000000000000000000000000000000202`,
    );
    expect(NegotiateRequest.decode(buf).negotiateContexts).toEqual([]);
  });

  it("keeps unknown context types as raw bytes", () => {
    const contexts: NegotiateContext[] = [
      { type: 0x1234, value: hex("aabbcc") },
      {
        type: NegotiateContextType.SIGNING_CAPABILITIES,
        value: { signingAlgorithms: [SigningAlgorithm.AES_GMAC] },
      },
    ];
    const buf = NegotiateRequest.encode({
      securityMode: 1,
      capabilities: 0,
      clientGuid: "00000000-0000-0000-0000-000000000001",
      dialects: [Dialect.SMB3_1_1],
      negotiateContexts: contexts,
    });
    // 38 bytes of fixed part + dialect, contexts at body 40: 8 + 3 bytes, padded to 16, then 8 + 4.
    expect(buf.length).toBe(40 + 16 + 12);
    expect(NegotiateRequest.decode(buf).negotiateContexts).toEqual(contexts);
  });
});

describe("SMB2 NEGOTIATE response (MS-SMB2 2.2.4)", () => {
  it("decodes and re-encodes the Windows Server 2016 response of the MS blog byte for byte", () => {
    const v = roundTripBody(NegotiateResponse, NEGOTIATE_RESPONSE);
    expect(v.dialectRevision).toBe(Dialect.SMB3_1_1);
    expect(v.securityMode).toBe(SecurityMode.SIGNING_ENABLED);
    expect(v.serverGuid).toBe("f3cacb39-7129-4249-bdce-5d60f09ab3fb");
    expect(v.capabilities).toBe(
      GlobalCapabilities.DFS |
        GlobalCapabilities.LEASING |
        GlobalCapabilities.LARGE_MTU |
        GlobalCapabilities.MULTI_CHANNEL |
        GlobalCapabilities.DIRECTORY_LEASING,
    );
    expect([v.maxTransactSize, v.maxReadSize, v.maxWriteSize]).toEqual([0x800000, 0x800000, 0x800000]);
    expect(v.securityBuffer.length).toBe(320);
    expect(v.securityBuffer.subarray(0, 2).toString("hex")).toBe("6082");
    const pre = findNegotiateContext(
      v.negotiateContexts,
      NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
    );
    expect(pre?.hashAlgorithms).toEqual([HashAlgorithm.SHA_512]);
    expect(
      findNegotiateContext(v.negotiateContexts, NegotiateContextType.ENCRYPTION_CAPABILITIES)?.ciphers,
    ).toEqual([Cipher.AES_128_GCM]);
  });

  it("decodes the response as a view of the received buffer", () => {
    const v = decodeBody(NegotiateResponse, NEGOTIATE_RESPONSE);
    expect(v.securityBuffer.buffer).toBe(NEGOTIATE_RESPONSE.buffer);
  });
});

const contextArb: fc.Arbitrary<NegotiateContext> = fc.oneof(
  fc.record({
    type: fc.constant(NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES),
    value: fc.record({ hashAlgorithms: fc.array(arb.u16, { maxLength: 3 }), salt: arb.bytes(32) }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.ENCRYPTION_CAPABILITIES),
    value: fc.record({ ciphers: fc.array(arb.u16, { maxLength: 4 }) }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.COMPRESSION_CAPABILITIES),
    value: fc.record({
      flags: arb.u32,
      compressionAlgorithms: fc.array(fc.constantFrom(...Object.values(CompressionAlgorithm)), {
        maxLength: 4,
      }),
    }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID),
    value: fc.record({ netName: arb.text() }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.TRANSPORT_CAPABILITIES),
    value: fc.record({ flags: arb.u32 }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.RDMA_TRANSFORM_CAPABILITIES),
    value: fc.record({ rdmaTransformIds: fc.array(arb.u16, { maxLength: 3 }) }),
  }),
  fc.record({
    type: fc.constant(NegotiateContextType.SIGNING_CAPABILITIES),
    value: fc.record({ signingAlgorithms: fc.array(arb.u16, { maxLength: 3 }) }),
  }),
  fc.record({ type: fc.integer({ min: 9, max: 0xffff }), value: arb.bytes(20) }),
);

describe("NEGOTIATE with Samba 4.17 (smbclient -> smbd)", () => {
  it("round-trips smbclient's request (four contexts incl. signing and netname) and smbd's response", () => {
    const q = roundTripBody(NegotiateRequest, V.SC_NEGOTIATE_REQ);
    expect(q.negotiateContexts.map((c) => c.type)).toEqual([1, 2, 8, 5]);
    expect(
      findNegotiateContext(q.negotiateContexts, NegotiateContextType.ENCRYPTION_CAPABILITIES)?.ciphers,
    ).toEqual([Cipher.AES_128_GCM, Cipher.AES_128_CCM, Cipher.AES_256_GCM, Cipher.AES_256_CCM]);
    expect(
      findNegotiateContext(q.negotiateContexts, NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID)?.netName,
    ).toBe("127.0.0.1");
    const r = roundTripBody(NegotiateResponse, V.SC_NEGOTIATE_RESP);
    expect(r.dialectRevision).toBe(Dialect.SMB3_1_1);
    expect(r.serverGuid).toBe("6a626d73-7473-7365-7400-000000000000"); // "smbjstest" padded with zeros
    expect(
      findNegotiateContext(r.negotiateContexts, NegotiateContextType.SIGNING_CAPABILITIES)?.signingAlgorithms,
    ).toEqual([SigningAlgorithm.AES_GMAC]);
  });
});

describe("NEGOTIATE properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([NegotiateRequest, NegotiateResponse]);
  });
  it("request: decode(encode(x)) = x", () => {
    propertyRoundTrip(
      NegotiateRequest,
      fc.record({
        securityMode: arb.u16,
        capabilities: arb.u32,
        clientGuid: arb.guid,
        dialects: fc.array(arb.u16, { minLength: 1, maxLength: 6 }),
        negotiateContexts: fc.array(contextArb, { maxLength: 4 }),
      }),
    );
  });
  it("response: decode(encode(x)) = x", () => {
    propertyRoundTrip(
      NegotiateResponse,
      fc.record({
        securityMode: arb.u16,
        dialectRevision: arb.u16,
        serverGuid: arb.guid,
        capabilities: arb.u32,
        maxTransactSize: arb.u32,
        maxReadSize: arb.u32,
        maxWriteSize: arb.u32,
        systemTime: arb.u64,
        serverStartTime: arb.u64,
        securityBuffer: arb.bytes(80),
        negotiateContexts: fc.array(contextArb, { maxLength: 4 }),
      }),
    );
  });
});
