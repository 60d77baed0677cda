import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CancelRequest,
  EchoRequest,
  EchoResponse,
  GlobalCapabilities,
  LogoffRequest,
  LogoffResponse,
  SecurityMode,
  SessionFlags,
  SessionSetupRequest,
  SessionSetupResponse,
  TreeDisconnectRequest,
  TreeDisconnectResponse,
} from "../src/index.js";
import {
  SESSION_SETUP_REQUEST_1,
  SESSION_SETUP_REQUEST_2,
  SESSION_SETUP_RESPONSE_1,
  SESSION_SETUP_RESPONSE_2,
} from "./helpers/ms-blog-vectors.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, fuzzDecode, hex, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 SESSION_SETUP (MS-SMB2 2.2.5, 2.2.6)", () => {
  it("round-trips the NTLMSSP exchange of the MS blog byte for byte", () => {
    const r1 = roundTripBody(SessionSetupRequest, SESSION_SETUP_REQUEST_1);
    expect(r1).toMatchObject({
      flags: 0,
      securityMode: SecurityMode.SIGNING_ENABLED,
      capabilities: GlobalCapabilities.DFS,
      channel: 0,
      previousSessionId: 0n,
    });
    expect(r1.securityBuffer.length).toBe(0x4a);
    expect(r1.securityBuffer.subarray(0, 2).toString("hex")).toBe("6048"); // SPNEGO NegTokenInit
    const a1 = roundTripBody(SessionSetupResponse, SESSION_SETUP_RESPONSE_1);
    expect(a1.sessionFlags).toBe(0);
    expect(a1.securityBuffer.length).toBe(0xb3);
    const r2 = roundTripBody(SessionSetupRequest, SESSION_SETUP_REQUEST_2);
    expect(r2.securityBuffer.length).toBe(0x1cf);
    const a2 = roundTripBody(SessionSetupResponse, SESSION_SETUP_RESPONSE_2);
    expect(a2.securityBuffer.toString("hex")).toBe(
      "a11b3019a0030a0100a3120410010000003b453cdc3524164200000000",
    );
  });

  it("encodes a request with the defaults and the buffer at header offset 0x58", () => {
    const buf = SessionSetupRequest.encode({ securityMode: 1, securityBuffer: hex("6048") });
    expect(buf.toString("hex")).toBe("19000001000000000000000058000200000000000000000060" + "48");
    expect(SessionSetupResponse.encode({ sessionFlags: SessionFlags.IS_GUEST }).toString("hex")).toBe(
      "090001004800000000",
    );
  });

  it("decode(encode(x)) = x and random bytes only give SmbDecodeError", () => {
    propertyRoundTrip(
      SessionSetupRequest,
      fc.record({
        flags: arb.u8,
        securityMode: arb.u8,
        capabilities: arb.u32,
        channel: arb.u32,
        previousSessionId: arb.u64,
        securityBuffer: arb.bytes(),
      }),
    );
    propertyRoundTrip(
      SessionSetupResponse,
      fc.record({ sessionFlags: arb.u16, securityBuffer: arb.bytes() }),
    );
    fuzzDecode([SessionSetupRequest, SessionSetupResponse]);
  });
});

describe("StructureSize-4 bodies: LOGOFF (2.2.7/8), TREE_DISCONNECT (2.2.11/12), ECHO (2.2.28/29), CANCEL (2.2.30)", () => {
  const all = [
    LogoffRequest,
    LogoffResponse,
    TreeDisconnectRequest,
    TreeDisconnectResponse,
    EchoRequest,
    EchoResponse,
    CancelRequest,
  ];
  it("are 04 00 00 00 and ignore the reserved bytes on receipt", () => {
    for (const s of all) {
      expect(s.encode({}).toString("hex")).toBe("04000000");
      expect(s.decode(hex("0400ffff"))).toEqual({});
      expect(() => s.decode(hex("0500"))).toThrow(/needs 4 bytes/);
      expect(() => s.decode(hex("05000000"))).toThrow(/structureSize/);
    }
    fuzzDecode(all, 100);
  });
  it("round-trip the captured LOGOFF, ECHO and CANCEL messages", () => {
    roundTripBody(LogoffRequest, V.DRV_LOGOFF_REQ);
    roundTripBody(LogoffResponse, V.DRV_LOGOFF_RESP);
    roundTripBody(EchoRequest, V.SC_ECHO_REQ);
    roundTripBody(EchoResponse, V.SC_ECHO_RESP);
    roundTripBody(CancelRequest, V.DRV_CANCEL_REQ);
  });
});
