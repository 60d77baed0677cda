import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InfoType,
  QueryInfoRequest,
  QueryInfoResponse,
  QueryQuotaInfo,
  SecurityInformation,
  SetInfoRequest,
  SetInfoResponse,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 QUERY_INFO (MS-SMB2 2.2.37, 2.2.38)", () => {
  it("round-trips smbclient's and the driver's queries (no input: InputBufferOffset 0, one pad byte)", () => {
    const fs = roundTripBody(QueryInfoRequest, V.SC_QUERY_INFO_FS_REQ);
    expect(fs).toMatchObject({ infoType: InfoType.FILESYSTEM, fileInfoClass: 3, outputBufferLength: 0xffff });
    expect(V.SC_QUERY_INFO_FS_REQ.length - 64).toBe(41);
    const sec = roundTripBody(QueryInfoRequest, V.SC_QUERY_INFO_SECURITY_REQ);
    expect(sec.additionalInformation).toBe(
      SecurityInformation.OWNER_SECURITY_INFORMATION |
        SecurityInformation.GROUP_SECURITY_INFORMATION |
        SecurityInformation.DACL_SECURITY_INFORMATION,
    );
    expect(roundTripBody(QueryInfoRequest, V.DRV_QUERY_INFO_ALL_REQ).fileInfoClass).toBe(18);
  });
  it("round-trips the responses", () => {
    expect(roundTripBody(QueryInfoResponse, V.SC_QUERY_INFO_FS_RESP).buffer.length).toBe(24);
    const sd = roundTripBody(QueryInfoResponse, V.SC_QUERY_INFO_SECURITY_RESP).buffer;
    expect(sd[0]).toBe(1); // SECURITY_DESCRIPTOR Revision
    const all = roundTripBody(QueryInfoResponse, V.DRV_QUERY_INFO_ALL_RESP).buffer;
    expect(all.subarray(all.length - 14).toString("utf16le")).toBe("\\f1.txt");
  });
  it("carries the quota query (2.2.37.1) as its input buffer", () => {
    const q = roundTripBody(QueryInfoRequest, V.DRV_QUERY_QUOTA_REQ);
    expect(q.infoType).toBe(InfoType.QUOTA);
    expect(V.DRV_QUERY_QUOTA_REQ.readUInt16LE(64 + 8)).toBe(0x68);
    expect(QueryQuotaInfo.decode(q.inputBuffer)).toEqual({
      returnSingle: 0,
      restartScan: 1,
      sidList: Buffer.alloc(0),
      startSid: Buffer.alloc(0),
    });
  });
  it("places StartSid by its offset from SidBuffer", () => {
    const sid = Buffer.from("010100000000000100000000", "hex"); // S-1-1-0
    const buf = QueryQuotaInfo.encode({ returnSingle: 1, restartScan: 0, startSid: sid });
    expect(buf.readUInt32LE(4)).toBe(0); // SidListLength
    expect(buf.readUInt32LE(8)).toBe(12); // StartSidLength
    expect(buf.readUInt32LE(12)).toBe(0); // StartSidOffset: at the start of SidBuffer
    expect(QueryQuotaInfo.decode(buf).startSid).toEqual(sid);
    // SidListLength 4, StartSidLength 3, StartSidOffset 4: the SID right after the list
    const both = QueryQuotaInfo.decode(
      Buffer.from("00000000" + "04000000" + "03000000" + "04000000" + "aabbccdd112233", "hex"),
    );
    expect(both.sidList.toString("hex")).toBe("aabbccdd");
    expect(both.startSid.toString("hex")).toBe("112233");
  });
});

describe("SMB2 SET_INFO (MS-SMB2 2.2.39, 2.2.40)", () => {
  it("round-trips smbclient's setmode and smbd's 2-byte response", () => {
    const v = roundTripBody(SetInfoRequest, V.SC_SET_INFO_REQ);
    expect(v).toMatchObject({ infoType: InfoType.FILE, fileInfoClass: 4 });
    expect(v.buffer.length).toBe(40);
    expect(roundTripBody(SetInfoRequest, V.DRV_SET_INFO_EOF_REQ).buffer.readBigUInt64LE(0)).toBe(50n);
    expect(roundTripBody(SetInfoResponse, V.SC_SET_INFO_RESP)).toEqual({});
    expect(decodeBody(SetInfoResponse, V.SC_SET_INFO_RESP)).toEqual({});
  });
});

describe("QUERY_INFO / SET_INFO properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([QueryInfoRequest, QueryInfoResponse, QueryQuotaInfo, SetInfoRequest, SetInfoResponse]);
  });
  it("decode(encode(x)) = x", () => {
    propertyRoundTrip(
      QueryInfoRequest,
      fc.record({
        infoType: arb.u8,
        fileInfoClass: arb.u8,
        outputBufferLength: arb.u32,
        additionalInformation: arb.u32,
        flags: arb.u32,
        fileId: arb.fileId,
        inputBuffer: arb.bytes(40),
      }),
    );
    propertyRoundTrip(
      QueryQuotaInfo,
      fc.record({
        returnSingle: arb.u8,
        restartScan: arb.u8,
        sidList: arb.bytes(30),
        startSid: arb.bytes(30),
      }),
    );
    propertyRoundTrip(
      SetInfoRequest,
      fc.record({
        infoType: arb.u8,
        fileInfoClass: arb.u8,
        additionalInformation: arb.u32,
        fileId: arb.fileId,
        buffer: arb.bytes(60),
      }),
    );
  });
});
