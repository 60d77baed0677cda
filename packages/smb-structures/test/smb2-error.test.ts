import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bufferTooSmallRequiredSize,
  ErrorContext,
  ErrorId,
  ErrorResponse,
  errorContexts,
  errorResponseWithContexts,
  MoveDstIpAddrType,
  moveDstIpAddrToString,
  ShareRedirectErrorContext,
  Smb2Header,
  SmbDecodeError,
  SymlinkErrorResponse,
  symlinkError,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, hex, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

/**
 * Symbolic link error response of jborean93/smbprotocol's tests (tests/test_exceptions.py,
 * TestSMB2SymbolicLinkErrorResponse, MIT): PrintName "C:\temp\folder" first, SubstituteName
 * "\??\C:\temp\folder" after it, the layout of Windows symbolic link reparse data.
 */
const SMBPROTOCOL_SYMLINK = hex(`
  58000000 53594d4c 0c0000a0 4c00 0000 1c00 2400 0000 1c00 00000000
  43003a005c00740065006d0070005c0066006f006c00640065007200
  5c003f003f005c0043003a005c00740065006d0070005c0066006f006c00640065007200
`);

/**
 * Share redirect error context of the same test suite (TestSMB2ShareRedirectErrorContext): two
 * addresses and a 4-byte resource name. It sets StructureSize to the whole size (0x4c) where MS-SMB2
 * says 48; decoding ignores the field, encoding writes 48.
 */
const SMBPROTOCOL_SHARE_REDIRECT = hex(`
  4c000000 03000000 48000000 04000000 0000 0000 02000000
  01000000 00000000 c0a80164 0000000000000000 00000000
  02000000 00000000 fe8012ab000000000000000100020000
  01020304
`);

describe("SMB2 ERROR response (MS-SMB2 2.2.2)", () => {
  it("round-trips smbd's empty error bodies (9 bytes: ErrorData is one pad byte)", () => {
    expect(roundTripBody(ErrorResponse, V.SC_NOT_FOUND_RESP)).toEqual({
      errorContextCount: 0,
      errorData: Buffer.alloc(0),
    });
    expect(Smb2Header.decode(V.SC_NOT_FOUND_RESP).status).toBe(0xc0000034);
    roundTripBody(ErrorResponse, V.SC_NO_MORE_FILES_RESP);
    expect(ErrorResponse.encode({ errorContextCount: 0 }).toString("hex")).toBe("090000000000000000");
  });
  it("reads STATUS_BUFFER_TOO_SMALL's required size (smbd: a security descriptor needs 0x80 bytes)", () => {
    const e = roundTripBody(ErrorResponse, V.DRV_QUERY_INFO_SMALL_RESP);
    expect(Smb2Header.decode(V.DRV_QUERY_INFO_SMALL_RESP).status).toBe(0xc0000023);
    expect(bufferTooSmallRequiredSize(e)).toBe(0x80);
    expect(bufferTooSmallRequiredSize({ errorData: Buffer.alloc(0) })).toBeUndefined();
  });
  it("keeps an interim reply's garbage pad byte out of the value (smbd sends 0x21)", () => {
    expect(decodeBody(ErrorResponse, V.DRV_INTERIM_CREATE)).toEqual({
      errorContextCount: 0,
      errorData: Buffer.alloc(0),
    });
  });
});

describe("error contexts (2.2.2.1) and error data formats (2.2.2.2)", () => {
  it("decodes the symbolic link error response of smbprotocol's tests and re-encodes it byte for byte", () => {
    const v = SymlinkErrorResponse.decode(SMBPROTOCOL_SYMLINK);
    expect(v).toEqual({
      unparsedPathLength: 0,
      flags: 0,
      printName: "C:\\temp\\folder",
      substituteName: "\\??\\C:\\temp\\folder",
    });
    expect(SymlinkErrorResponse.encode(v).toString("hex")).toBe(SMBPROTOCOL_SYMLINK.toString("hex"));
  });
  it("finds the symlink error in plain ErrorData (< 3.1.1) and in the DEFAULT error context (3.1.1)", () => {
    const plain = { errorContextCount: 0, errorData: SMBPROTOCOL_SYMLINK };
    expect(symlinkError(plain).substituteName).toBe("\\??\\C:\\temp\\folder");
    const body = ErrorResponse.encode(
      errorResponseWithContexts([
        { errorId: ErrorId.SHARE_REDIRECT, errorContextData: hex("01020304") },
        { errorId: ErrorId.DEFAULT, errorContextData: SMBPROTOCOL_SYMLINK },
      ]),
    );
    expect(body[2]).toBe(2); // ErrorContextCount
    const back = ErrorResponse.decode(body);
    expect(errorContexts(back).map((c) => c.errorId)).toEqual([ErrorId.SHARE_REDIRECT, ErrorId.DEFAULT]);
    expect(back.errorData.readUInt32LE(16)).toBe(92); // second context 8-aligned after 8 + 4 bytes
    expect(symlinkError(back).printName).toBe("C:\\temp\\folder");
    expect(() => symlinkError({ errorContextCount: 0, errorData: Buffer.alloc(0) })).toThrow(SmbDecodeError);
  });
  it("writes ErrorId SHARE_REDIRECT 0x72645253 little-endian, as Linux cifs does (cpu_to_le32)", () => {
    // (smbprotocol's tests put the bytes 72 64 52 53 here, the value byte-swapped.)
    expect(
      ErrorContext.encode({ errorId: ErrorId.SHARE_REDIRECT, errorContextData: hex("01020304") }).toString(
        "hex",
      ),
    ).toBe("04000000" + "53526472" + "01020304");
  });
  it("decodes the share redirect context of smbprotocol's tests (StructureSize ignored)", () => {
    const v = ShareRedirectErrorContext.decode(SMBPROTOCOL_SHARE_REDIRECT);
    expect(v.ipAddrMoveList.map((a) => [a.type, moveDstIpAddrToString(a)])).toEqual([
      [MoveDstIpAddrType.IPV4, "192.168.1.100"],
      [MoveDstIpAddrType.IPV6, "fe80:12ab:0:0:0:1:2:0"],
    ]);
    expect(Buffer.from(v.resourceName, "utf16le").toString("hex")).toBe("01020304");
    const ours = ShareRedirectErrorContext.encode(v);
    expect(ours.readUInt32LE(0)).toBe(48);
    expect(ours.subarray(4).equals(SMBPROTOCOL_SHARE_REDIRECT.subarray(4))).toBe(true);
  });
});

describe("ERROR properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([ErrorResponse, ErrorContext, SymlinkErrorResponse, ShareRedirectErrorContext]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), arb.bytes(60), (n, data) => {
        try {
          errorContexts({ errorContextCount: n, errorData: data });
        } catch (e) {
          if (!(e instanceof SmbDecodeError)) throw e;
        }
      }),
    );
  });
  it("decode(encode(x)) = x", () => {
    propertyRoundTrip(ErrorResponse, fc.record({ errorContextCount: arb.u8, errorData: arb.bytes() }));
    propertyRoundTrip(
      SymlinkErrorResponse,
      fc.record({
        unparsedPathLength: arb.u16,
        flags: arb.u32,
        printName: arb.text(),
        substituteName: arb.text(),
      }),
    );
    propertyRoundTrip(
      ShareRedirectErrorContext,
      fc.record({
        ipAddrMoveList: fc.array(
          fc.record({
            type: arb.u32,
            address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
          }),
          { maxLength: 3 },
        ),
        resourceName: arb.text(),
      }),
    );
  });
});
