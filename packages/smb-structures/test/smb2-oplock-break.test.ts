import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeOplockBreak,
  LeaseBreakAcknowledgment,
  LeaseBreakFlags,
  LeaseBreakNotification,
  LeaseBreakResponse,
  LeaseState,
  OplockBreakAcknowledgment,
  OplockBreakForm,
  OplockBreakNotification,
  OplockBreakResponse,
  OplockLevel,
  oplockBreakForm,
  SmbDecodeError,
  Smb2Header,
  UNSOLICITED_MESSAGE_ID,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 OPLOCK_BREAK (MS-SMB2 2.2.23-2.2.25)", () => {
  it("round-trips smbd's oplock break notification, our acknowledgment and smbd's response", () => {
    expect(Smb2Header.decode(V.DRV_OPLOCK_BREAK_NOTIFY).messageId).toBe(UNSOLICITED_MESSAGE_ID);
    const n = roundTripBody(OplockBreakNotification, V.DRV_OPLOCK_BREAK_NOTIFY);
    expect(n.oplockLevel).toBe(OplockLevel.II);
    expect(roundTripBody(OplockBreakAcknowledgment, V.DRV_OPLOCK_BREAK_ACK)).toEqual(n);
    expect(roundTripBody(OplockBreakResponse, V.DRV_OPLOCK_BREAK_RESP)).toEqual(n);
  });
  it("round-trips the lease break notification, acknowledgment and response", () => {
    const n = roundTripBody(LeaseBreakNotification, V.DRV_LEASE_BREAK_NOTIFY_2);
    expect(n).toEqual({
      newEpoch: 2,
      flags: LeaseBreakFlags.ACK_REQUIRED,
      leaseKey: "01020304-0506-0708-090a-0b0c0d0e0f10",
      currentLeaseState: LeaseState.READ_CACHING | LeaseState.HANDLE_CACHING | LeaseState.WRITE_CACHING,
      newLeaseState: LeaseState.READ_CACHING | LeaseState.HANDLE_CACHING,
    });
    expect(roundTripBody(LeaseBreakAcknowledgment, V.DRV_LEASE_BREAK_ACK)).toEqual({
      leaseKey: n.leaseKey,
      leaseState: 3,
    });
    expect(roundTripBody(LeaseBreakResponse, V.DRV_LEASE_BREAK_RESP).leaseState).toBe(3);
  });
  it("tells the received forms apart by StructureSize", () => {
    expect(oplockBreakForm(V.DRV_OPLOCK_BREAK_NOTIFY, 64)).toBe(OplockBreakForm.OPLOCK);
    expect(oplockBreakForm(V.DRV_LEASE_BREAK_NOTIFY_2, 64)).toBe(OplockBreakForm.LEASE_NOTIFICATION);
    expect(oplockBreakForm(V.DRV_LEASE_BREAK_RESP, 64)).toBe(OplockBreakForm.LEASE_ACK);
    expect(oplockBreakForm(Buffer.from("0900", "hex"))).toBeUndefined();
    expect(decodeOplockBreak(V.DRV_LEASE_BREAK_NOTIFY_2, 64).form).toBe("leaseNotification");
    const o = decodeOplockBreak(V.DRV_OPLOCK_BREAK_NOTIFY, 64);
    expect(o.form === "oplock" && o.value.oplockLevel).toBe(1);
    expect(() => decodeOplockBreak(Buffer.from("0900000000", "hex"))).toThrow(SmbDecodeError);
  });
  it("random bytes decode or fail with SmbDecodeError; decode(encode(x)) = x", () => {
    fuzzDecode([OplockBreakNotification, LeaseBreakNotification, LeaseBreakAcknowledgment]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
        try {
          decodeOplockBreak(Buffer.from(b));
        } catch (e) {
          if (!(e instanceof SmbDecodeError)) throw e;
        }
      }),
    );
    propertyRoundTrip(OplockBreakAcknowledgment, fc.record({ oplockLevel: arb.u8, fileId: arb.fileId }));
    propertyRoundTrip(
      LeaseBreakNotification,
      fc.record({
        newEpoch: arb.u16,
        flags: arb.u32,
        leaseKey: arb.guid,
        currentLeaseState: arb.u32,
        newLeaseState: arb.u32,
      }),
    );
    propertyRoundTrip(LeaseBreakAcknowledgment, fc.record({ leaseKey: arb.guid, leaseState: arb.u32 }));
  });
});
