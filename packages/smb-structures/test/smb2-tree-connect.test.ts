import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTreeConnectRequest,
  findTreeConnectContext,
  ShareCaching,
  ShareCapabilities,
  ShareFlags,
  ShareType,
  TreeConnectContextType,
  TreeConnectFlags,
  TreeConnectRequest,
  TreeConnectRequestExtended,
  TreeConnectResponse,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, fuzzDecode, hex, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 TREE_CONNECT request (MS-SMB2 2.2.9)", () => {
  it("encodes the path right after the 8 fixed bytes (header offset 0x48)", () => {
    const buf = TreeConnectRequest.encode({ path: "\\\\h\\s" });
    expect(buf.toString("hex")).toBe("0900000048000a005c005c0068005c007300");
    expect(TreeConnectRequest.decode(buf)).toEqual({ flags: 0, path: "\\\\h\\s" });
  });

  it("carries the 3.1.1 extension (2.2.9.1) with a remoted identity context (2.2.9.2.1)", () => {
    const v: TreeConnectRequestExtended = {
      flags: TreeConnectFlags.EXTENSION_PRESENT,
      path: "\\\\srv\\share",
      treeConnectContexts: [
        {
          type: TreeConnectContextType.REMOTED_IDENTITY,
          value: {
            user: 28,
            userName: 0,
            domain: 0,
            groups: 0,
            restrictedGroups: 0,
            privileges: 0,
            primaryGroup: 0,
            owner: 0,
            defaultDacl: 0,
            deviceGroups: 0,
            userClaims: 0,
            deviceClaims: 0,
            ticketInfo: hex("0102030405"),
          },
        },
      ],
    };
    const buf = TreeConnectRequestExtended.encode(v);
    // PathOffset: header 64 + 8 fixed + 16 extension header = 88; path 24 bytes ends at body 48.
    expect(buf.readUInt16LE(4)).toBe(88);
    expect(buf.readUInt32LE(8)).toBe(48); // TreeConnectContextOffset counts from the request start
    expect(buf.readUInt16LE(48 + 2)).toBe(33); // DataLength: 28 + 5
    expect(buf.readUInt16LE(56 + 2)).toBe(33); // TicketSize
    const back = decodeTreeConnectRequest(buf) as TreeConnectRequestExtended;
    expect(back).toEqual(v);
    expect(findTreeConnectContext(back.treeConnectContexts, 1)?.user).toBe(28);
    expect(decodeTreeConnectRequest(TreeConnectRequest.encode({ path: "x" }))).toEqual({
      flags: 0,
      path: "x",
    });
  });

  it("round-trips smbclient's request", () => {
    expect(roundTripBody(TreeConnectRequest, V.SC_TREE_CONNECT_REQ)).toEqual({
      flags: 0,
      path: "\\\\127.0.0.1\\share",
    });
  });

  it("decode(encode(x)) = x and random bytes only give SmbDecodeError", () => {
    propertyRoundTrip(TreeConnectRequest, fc.record({ flags: arb.u16, path: arb.text() }));
    fuzzDecode([TreeConnectRequest, TreeConnectRequestExtended, TreeConnectResponse]);
  });
});

describe("SMB2 TREE_CONNECT response (MS-SMB2 2.2.10)", () => {
  it("round-trips smbd's responses for a disk share and IPC$", () => {
    expect(roundTripBody(TreeConnectResponse, V.SC_TREE_CONNECT_RESP)).toMatchObject({
      shareType: ShareType.DISK,
    });
    expect(roundTripBody(TreeConnectResponse, V.SC_TREE_CONNECT_IPC_RESP)).toMatchObject({
      shareType: ShareType.PIPE,
    });
  });
  it("decodes share type, flags, capabilities and maximal access", () => {
    const v = TreeConnectResponse.decode(hex("1000 01 00 00080000 00000000 ff011f00"));
    expect(v).toEqual({
      shareType: ShareType.DISK,
      shareFlags: 0x800,
      capabilities: 0,
      maximalAccess: 0x1f01ff,
    });
    expect(v.shareFlags & ShareFlags.ACCESS_BASED_DIRECTORY_ENUM).toBeTruthy();
    expect(v.shareFlags & ShareCaching.MASK).toBe(ShareCaching.MANUAL);
    propertyRoundTrip(
      TreeConnectResponse,
      fc.record({
        shareType: arb.u8,
        shareFlags: arb.u32,
        capabilities: fc.constantFrom(0, ShareCapabilities.DFS, ShareCapabilities.CONTINUOUS_AVAILABILITY),
        maximalAccess: arb.u32,
      }),
    );
  });
});
