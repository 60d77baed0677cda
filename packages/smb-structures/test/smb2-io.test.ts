import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CloseFlags,
  CloseRequest,
  CloseResponse,
  FlushRequest,
  FlushResponse,
  ReadRequest,
  ReadResponse,
  RELATED_FILE_ID,
  WriteRequest,
  WriteResponse,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

const fid = { persistent: 1n, volatile: 2n };

describe("SMB2 READ (MS-SMB2 2.2.19, 2.2.20)", () => {
  it("round-trips smbclient's and the driver's READ request (49 bytes: one Buffer byte)", () => {
    const r = roundTripBody(ReadRequest, V.SC_READ_REQ);
    expect(r).toMatchObject({
      padding: 0,
      length: 12,
      offset: 0n,
      minimumCount: 0,
      readChannelInfo: Buffer.alloc(0),
    });
    expect(V.SC_READ_REQ.length - 64).toBe(49);
    expect(roundTripBody(ReadRequest, V.DRV_READ_REQ)).toMatchObject({
      padding: 0x50,
      length: 16,
      offset: 4n,
    });
  });
  it("decodes the response data as a view at the u8 DataOffset", () => {
    const v = roundTripBody(ReadResponse, V.SC_READ_RESP);
    expect(v.data.toString()).toBe("hello world\n");
    expect(V.SC_READ_RESP[64 + 2]).toBe(0x50);
    expect(v.data.buffer).toBe(V.SC_READ_RESP.buffer);
    expect(decodeBody(ReadResponse, V.DRV_READ_RESP).data.toString()).toBe("456789abcdef");
  });
  it("puts read channel info at 0x70 with its offset, or writes offset 0 without it", () => {
    const buf = ReadRequest.encode({
      length: 1,
      offset: 0n,
      fileId: fid,
      readChannelInfo: Buffer.from([1, 2]),
    });
    expect(buf.readUInt16LE(44)).toBe(0x70);
    expect(ReadRequest.encode({ length: 1, offset: 0n, fileId: fid }).readUInt16LE(44)).toBe(0);
  });
});

describe("SMB2 WRITE (MS-SMB2 2.2.21, 2.2.22)", () => {
  it("round-trips smbclient's WRITE; encodeParts hands the data out as its own segment", () => {
    const v = roundTripBody(WriteRequest, V.SC_WRITE_REQ);
    expect(v.data.toString()).toBe("uploaded by smbclient\n");
    const data = Buffer.from("0123456789");
    const parts = WriteRequest.encodeParts({ offset: 7n, fileId: fid, data });
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(data);
    expect(parts[0]!.length).toBe(48);
    expect(parts[0]!.readUInt16LE(2)).toBe(0x70);
    expect(Buffer.concat(parts).equals(WriteRequest.encode({ offset: 7n, fileId: fid, data }))).toBe(true);
    expect(WriteRequest.encodeParts({ offset: 0n, fileId: fid })).toHaveLength(1);
  });
  it("decodes smbd's 16-byte response", () => {
    expect(roundTripBody(WriteResponse, V.SC_WRITE_RESP)).toEqual({ count: 22, remaining: 0 });
    expect(roundTripBody(WriteResponse, V.DRV_WRITE_RESP).count).toBe(16);
  });
});

describe("SMB2 CLOSE and FLUSH (MS-SMB2 2.2.15-2.2.18)", () => {
  it("round-trip the captured messages", () => {
    expect(roundTripBody(CloseRequest, V.SC_CLOSE_REQ).flags).toBe(0);
    expect(roundTripBody(CloseResponse, V.SC_CLOSE_RESP).endOfFile).toBe(0n);
    expect(roundTripBody(CloseRequest, V.DRV_CLOSE_POSTQUERY_REQ).flags).toBe(CloseFlags.POSTQUERY_ATTRIB);
    const v = roundTripBody(CloseResponse, V.DRV_CLOSE_POSTQUERY_RESP);
    expect(v).toMatchObject({ flags: CloseFlags.POSTQUERY_ATTRIB, endOfFile: 16n, fileAttributes: 0x20 });
    expect(roundTripBody(FlushRequest, V.DRV_FLUSH_REQ).fileId.persistent).toBeGreaterThan(0n);
    expect(roundTripBody(FlushResponse, V.DRV_FLUSH_RESP)).toEqual({});
  });
  it("encodes the related-operation FileId as all ones", () => {
    expect(CloseRequest.encode({ flags: 0, fileId: RELATED_FILE_ID }).subarray(8).toString("hex")).toBe(
      "ff".repeat(16),
    );
  });
});

describe("I/O properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([
      ReadRequest,
      ReadResponse,
      WriteRequest,
      WriteResponse,
      CloseRequest,
      CloseResponse,
      FlushRequest,
    ]);
  });
  it("decode(encode(x)) = x", () => {
    propertyRoundTrip(
      ReadRequest,
      fc.record({
        padding: arb.u8,
        flags: arb.u8,
        length: arb.u32,
        offset: arb.u64,
        fileId: arb.fileId,
        minimumCount: arb.u32,
        channel: arb.u32,
        remainingBytes: arb.u32,
        readChannelInfo: arb.bytes(16),
      }),
    );
    propertyRoundTrip(
      ReadResponse,
      fc.record({ dataRemaining: arb.u32, flags: arb.u32, data: arb.bytes(100) }),
    );
    propertyRoundTrip(
      WriteRequest,
      fc.record({
        offset: arb.u64,
        fileId: arb.fileId,
        channel: arb.u32,
        remainingBytes: arb.u32,
        flags: arb.u32,
        writeChannelInfo: arb.bytes(16),
        data: arb.bytes(100),
      }),
    );
    propertyRoundTrip(WriteResponse, fc.record({ count: arb.u32, remaining: arb.u32 }));
    propertyRoundTrip(
      CloseResponse,
      fc.record({
        flags: arb.u16,
        creationTime: arb.u64,
        lastAccessTime: arb.u64,
        lastWriteTime: arb.u64,
        changeTime: arb.u64,
        allocationSize: arb.u64,
        endOfFile: arb.u64,
        fileAttributes: arb.u32,
      }),
    );
    propertyRoundTrip(FlushRequest, fc.record({ fileId: arb.fileId }));
  });
});
