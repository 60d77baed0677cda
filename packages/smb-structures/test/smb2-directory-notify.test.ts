import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  asyncIdOf,
  CancelRequest,
  ChangeNotifyFlags,
  ChangeNotifyRequest,
  ChangeNotifyResponse,
  CompletionFilter,
  ErrorResponse,
  HeaderFlags,
  isAsync,
  QueryDirectoryFlags,
  QueryDirectoryRequest,
  QueryDirectoryResponse,
  Smb2Header,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 QUERY_DIRECTORY (MS-SMB2 2.2.33, 2.2.34)", () => {
  it("round-trips smbclient's request and smbd's response; the output buffer is a view", () => {
    const q = roundTripBody(QueryDirectoryRequest, V.SC_QUERY_DIRECTORY_REQ);
    expect(q).toMatchObject({
      fileInformationClass: 0x25,
      flags: 0,
      fileName: "*",
      outputBufferLength: 0x800000,
    });
    const r = roundTripBody(QueryDirectoryResponse, V.SC_QUERY_DIRECTORY_RESP);
    expect(V.SC_QUERY_DIRECTORY_RESP.readUInt16LE(64 + 2)).toBe(0x48);
    expect(r.buffer.length).toBe(0x1d2);
    expect(r.buffer.buffer).toBe(V.SC_QUERY_DIRECTORY_RESP.buffer);
    expect(roundTripBody(QueryDirectoryResponse, V.DRV_QUERY_DIRECTORY_RESP).buffer.length).toBe(0xdc);
  });
  it("encodes the flags and the pattern at header offset 0x60", () => {
    const buf = QueryDirectoryRequest.encode({
      fileInformationClass: 1,
      flags: QueryDirectoryFlags.RESTART_SCANS | QueryDirectoryFlags.RETURN_SINGLE_ENTRY,
      fileId: { persistent: 1n, volatile: 2n },
      fileName: "a*",
      outputBufferLength: 4096,
    });
    expect(buf[3]).toBe(3);
    expect(buf.readUInt16LE(24)).toBe(0x60);
    expect(buf.subarray(32).toString("utf16le")).toBe("a*");
  });
});

describe("SMB2 CHANGE_NOTIFY (MS-SMB2 2.2.35, 2.2.36) and CANCEL (2.2.30)", () => {
  it("round-trips the request, the async interim reply and the final response", () => {
    const q = roundTripBody(ChangeNotifyRequest, V.DRV_CHANGE_NOTIFY_REQ);
    expect(q).toMatchObject({
      flags: ChangeNotifyFlags.WATCH_TREE,
      outputBufferLength: 4096,
      completionFilter: CompletionFilter.FILE_NAME | CompletionFilter.DIR_NAME,
    });
    const interimHeader = Smb2Header.decode(V.DRV_CHANGE_NOTIFY_INTERIM);
    expect(isAsync(interimHeader)).toBe(true);
    expect(interimHeader.status).toBe(0x103);
    expect(decodeBody(ErrorResponse, V.DRV_CHANGE_NOTIFY_INTERIM)).toEqual({
      errorContextCount: 0,
      errorData: Buffer.alloc(0),
    });
    const r = roundTripBody(ChangeNotifyResponse, V.DRV_CHANGE_NOTIFY_RESP);
    // FILE_NOTIFY_INFORMATION: NextEntryOffset 0, Action 1 (ADDED), FileNameLength 12, "n1.txt"
    expect(r.buffer.readUInt32LE(4)).toBe(1);
    expect(r.buffer.subarray(12).toString("utf16le")).toBe("n1.txt");
  });
  it("round-trips the CANCEL sent with the interim reply's AsyncId", () => {
    expect(roundTripBody(CancelRequest, V.DRV_CANCEL_REQ)).toEqual({});
    const h = Smb2Header.decode(V.DRV_CANCEL_REQ);
    expect(h.flags & HeaderFlags.ASYNC_COMMAND).toBeTruthy();
    expect(asyncIdOf(h)).toBeGreaterThan(0n);
    expect(Smb2Header.decode(V.DRV_CANCELLED_RESP).status).toBe(0xc0000120);
    expect(roundTripBody(ErrorResponse, V.DRV_CANCELLED_RESP).errorData.length).toBe(0);
  });
});

describe("QUERY_DIRECTORY / CHANGE_NOTIFY properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([QueryDirectoryRequest, QueryDirectoryResponse, ChangeNotifyRequest, ChangeNotifyResponse]);
  });
  it("decode(encode(x)) = x", () => {
    propertyRoundTrip(
      QueryDirectoryRequest,
      fc.record({
        fileInformationClass: arb.u8,
        flags: arb.u8,
        fileIndex: arb.u32,
        fileId: arb.fileId,
        outputBufferLength: arb.u32,
        fileName: arb.text(),
      }),
    );
    propertyRoundTrip(QueryDirectoryResponse, fc.record({ buffer: arb.bytes(100) }));
    propertyRoundTrip(
      ChangeNotifyRequest,
      fc.record({
        flags: arb.u16,
        outputBufferLength: arb.u32,
        fileId: arb.fileId,
        completionFilter: arb.u32,
      }),
    );
    propertyRoundTrip(ChangeNotifyResponse, fc.record({ buffer: arb.bytes(100) }));
  });
});
