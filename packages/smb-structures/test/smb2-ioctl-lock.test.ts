import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ErrorResponse,
  IoctlFlags,
  IoctlRequest,
  IoctlResponse,
  LockFlags,
  LockRequest,
  LockResponse,
  RELATED_FILE_ID,
  Smb2Header,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 IOCTL (MS-SMB2 2.2.31, 2.2.32)", () => {
  it("decodes smbclient's FSCTL_DFS_GET_REFERRALS (Samba points OutputOffset at the input)", () => {
    const v = decodeBody(IoctlRequest, V.SC_IOCTL_DFS_REQ);
    expect(v).toMatchObject({ ctlCode: 0x00060194, fileId: RELATED_FILE_ID, maxOutputResponse: 0xffff });
    expect(v.flags).toBe(IoctlFlags.IS_FSCTL);
    expect(v.input.length).toBe(0x24);
    expect(v.output.length).toBe(0);
    // Ours writes OutputOffset 0 for the empty output; the rest is byte-identical.
    const ours = IoctlRequest.encode(v);
    const theirs = Buffer.from(V.SC_IOCTL_DFS_REQ.subarray(64));
    theirs.writeUInt32LE(0, 36);
    expect(ours.toString("hex")).toBe(theirs.toString("hex"));
    expect(roundTripBody(IoctlRequest, V.SC_IOCTL_SNAPSHOTS_REQ).input.length).toBe(0);
    expect(roundTripBody(IoctlRequest, V.DRV_IOCTL_DFS_REQ).input.length).toBe(0x20);
    expect(roundTripBody(IoctlRequest, V.DRV_IOCTL_NETIF_REQ).ctlCode).toBe(0x001401fc);
  });
  it("round-trips smbd's responses: empty input and output both at 0x70", () => {
    const r = roundTripBody(IoctlResponse, V.DRV_IOCTL_NETIF_RESP);
    expect(r.input.length).toBe(0);
    expect(r.output.length).toBe(0x98);
    expect(V.DRV_IOCTL_NETIF_RESP.readUInt32LE(64 + 24)).toBe(0x70);
    expect(V.DRV_IOCTL_NETIF_RESP.readUInt32LE(64 + 32)).toBe(0x70);
    const key = roundTripBody(IoctlResponse, V.DRV_IOCTL_RESUME_KEY_RESP);
    expect(key.output.length).toBe(32);
  });
  it("reads the output wherever OutputOffset points, even before the input", () => {
    const body = IoctlResponse.encode({
      ctlCode: 1,
      fileId: RELATED_FILE_ID,
      input: Buffer.from("in"),
      output: Buffer.from("out"),
    });
    const swapped = Buffer.concat([body.subarray(0, 48), Buffer.from("outin")]);
    swapped.writeUInt32LE(0x70 + 3, 24); // InputOffset
    swapped.writeUInt32LE(0x70, 32); // OutputOffset
    const v = IoctlResponse.decode(swapped);
    expect(v.output.toString()).toBe("out");
    expect(v.input.toString()).toBe("in");
  });
  it("rejects an output that leaves the message", () => {
    const bad = Buffer.from(V.DRV_IOCTL_NETIF_RESP);
    bad.writeUInt32LE(0x1000, 64 + 36);
    expect(() => decodeBody(IoctlResponse, bad)).toThrow(/output/);
  });
});

describe("SMB2 LOCK (MS-SMB2 2.2.26, 2.2.27)", () => {
  it("round-trips one- and two-element lock requests, UNLOCK with a sequence number, and responses", () => {
    expect(roundTripBody(LockRequest, V.DRV_LOCK_REQ).locks).toEqual([
      { offset: 0n, length: 10n, flags: LockFlags.EXCLUSIVE_LOCK | LockFlags.FAIL_IMMEDIATELY },
    ]);
    const u = roundTripBody(LockRequest, V.DRV_UNLOCK_REQ);
    expect(u.lockSequence).toEqual({ number: 1, index: 0 });
    expect(u.locks[0]!.flags).toBe(LockFlags.UNLOCK);
    expect(roundTripBody(LockRequest, V.DRV_LOCK2_REQ).locks).toHaveLength(2);
    expect(roundTripBody(LockResponse, V.DRV_LOCK_RESP)).toEqual({});
    expect(Smb2Header.decode(V.DRV_LOCK_CONFLICT_RESP).status).toBe(0xc0000055);
    roundTripBody(ErrorResponse, V.DRV_LOCK_CONFLICT_RESP);
  });
  it("packs LockSequenceNumber in the low 4 bits and LockSequenceIndex above", () => {
    const buf = LockRequest.encode({
      lockSequence: { number: 3, index: 5 },
      fileId: RELATED_FILE_ID,
      locks: [{ offset: 0n, length: 1n, flags: 1 }],
    });
    expect(buf.readUInt32LE(4)).toBe(0x53);
    expect(() =>
      LockRequest.encode({ lockSequence: { number: 16, index: 0 }, fileId: RELATED_FILE_ID, locks: [] }),
    ).toThrow(/LockSequence/);
  });
});

describe("IOCTL / LOCK properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    fuzzDecode([IoctlRequest, IoctlResponse, LockRequest, LockResponse]);
  });
  it("decode(encode(x)) = x", () => {
    propertyRoundTrip(
      IoctlRequest,
      fc.record({
        ctlCode: arb.u32,
        fileId: arb.fileId,
        maxInputResponse: arb.u32,
        maxOutputResponse: arb.u32,
        flags: arb.u32,
        input: arb.bytes(50),
        output: arb.bytes(50),
      }),
    );
    propertyRoundTrip(
      IoctlResponse,
      fc.record({
        ctlCode: arb.u32,
        fileId: arb.fileId,
        flags: arb.u32,
        input: arb.bytes(50),
        output: arb.bytes(50),
      }),
    );
    propertyRoundTrip(
      LockRequest,
      fc.record({
        lockSequence: fc.record({
          number: fc.integer({ min: 0, max: 15 }),
          index: fc.integer({ min: 0, max: 0xfffffff }),
        }),
        fileId: arb.fileId,
        locks: fc.array(fc.record({ offset: arb.u64, length: arb.u64, flags: arb.u32 }), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
    );
  });
});
