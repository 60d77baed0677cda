/**
 * MS-SMB2 2.2.23-2.2.25 SMB2 OPLOCK_BREAK: one command, five bodies told apart by StructureSize:
 * 24 = oplock break notification / acknowledgment / response (2.2.23.1, 2.2.24.1, 2.2.25.1),
 * 44 = lease break notification (2.2.23.2), 36 = lease break acknowledgment / response (2.2.24.2, 2.2.25.2).
 */
import { constant, reserved } from "../../codec/fields.js";
import { u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, type Fields, type Struct, struct } from "../../codec/struct.js";
import { SmbDecodeError } from "../../codec/errors.js";
import { guid } from "../../dtyp/guid.js";
import { fileId } from "../file-id.js";

/** 2.2.23.2 Flags. */
export const LeaseBreakFlags = { ACK_REQUIRED: 0x00000001 } as const;

const oplockFields = {
  structureSize: constant(u16, 24),
  oplockLevel: u8,
  reserved: reserved(1),
  reserved2: reserved(4),
  fileId,
};
const oplock = (name: string, spec: string) => struct(name, oplockFields, { encodeBase: 64, spec });

/** 2.2.23.1 Oplock Break Notification (server -> client; MessageId 0xFFFFFFFFFFFFFFFF). */
export const OplockBreakNotification = oplock("SMB2 Oplock Break Notification", "MS-SMB2 2.2.23.1");
export type OplockBreakNotification = Decoded<typeof OplockBreakNotification.fields>;
/** 2.2.24.1 Oplock Break Acknowledgment (client -> server). */
export const OplockBreakAcknowledgment = oplock("SMB2 Oplock Break Acknowledgment", "MS-SMB2 2.2.24.1");
export type OplockBreakAcknowledgment = Decoded<typeof OplockBreakAcknowledgment.fields>;
/** 2.2.25.1 Oplock Break Response. */
export const OplockBreakResponse = oplock("SMB2 Oplock Break Response", "MS-SMB2 2.2.25.1");
export type OplockBreakResponse = Decoded<typeof OplockBreakResponse.fields>;

/** 2.2.23.2 Lease Break Notification. */
export const LeaseBreakNotification = struct(
  "SMB2 Lease Break Notification",
  {
    structureSize: constant(u16, 44),
    newEpoch: u16,
    flags: u32,
    leaseKey: guid,
    currentLeaseState: u32,
    newLeaseState: u32,
    breakReason: reserved(4),
    accessMaskHint: reserved(4),
    shareMaskHint: reserved(4),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.23.2" },
);
export type LeaseBreakNotification = Decoded<typeof LeaseBreakNotification.fields>;

const leaseAckFields = {
  structureSize: constant(u16, 36),
  reserved: reserved(2),
  flags: reserved(4),
  leaseKey: guid,
  leaseState: u32,
  leaseDuration: reserved(8),
};
/** 2.2.24.2 Lease Break Acknowledgment. */
export const LeaseBreakAcknowledgment = struct("SMB2 Lease Break Acknowledgment", leaseAckFields, {
  encodeBase: 64,
  spec: "MS-SMB2 2.2.24.2",
});
export type LeaseBreakAcknowledgment = Decoded<typeof LeaseBreakAcknowledgment.fields>;
/** 2.2.25.2 Lease Break Response. */
export const LeaseBreakResponse = struct("SMB2 Lease Break Response", leaseAckFields, {
  encodeBase: 64,
  spec: "MS-SMB2 2.2.25.2",
});
export type LeaseBreakResponse = Decoded<typeof LeaseBreakResponse.fields>;

/** The form of an OPLOCK_BREAK body, from its StructureSize. */
export const OplockBreakForm = {
  /** 24: oplock break notification, acknowledgment or response. */
  OPLOCK: "oplock",
  /** 44: lease break notification. */
  LEASE_NOTIFICATION: "leaseNotification",
  /** 36: lease break acknowledgment or response. */
  LEASE_ACK: "leaseAck",
} as const;
export type OplockBreakForm = (typeof OplockBreakForm)[keyof typeof OplockBreakForm];

/** Which OPLOCK_BREAK body starts at `start`, or undefined for an unknown StructureSize. */
export function oplockBreakForm(buf: Buffer, start = 0): OplockBreakForm | undefined {
  if (start + 2 > buf.length) return undefined;
  switch (buf.readUInt16LE(start)) {
    case 24:
      return OplockBreakForm.OPLOCK;
    case 44:
      return OplockBreakForm.LEASE_NOTIFICATION;
    case 36:
      return OplockBreakForm.LEASE_ACK;
    default:
      return undefined;
  }
}

export type ReceivedOplockBreak =
  | { form: "oplock"; value: OplockBreakNotification }
  | { form: "leaseNotification"; value: LeaseBreakNotification }
  | { form: "leaseAck"; value: LeaseBreakResponse };

const received: Record<OplockBreakForm, Struct<Fields>> = {
  oplock: OplockBreakNotification,
  leaseNotification: LeaseBreakNotification,
  leaseAck: LeaseBreakResponse,
};

/** Decodes a received OPLOCK_BREAK body (a notification, or the response to an acknowledgment). */
export function decodeOplockBreak(buf: Buffer, start = 0, end = buf.length): ReceivedOplockBreak {
  const form = oplockBreakForm(buf, start);
  if (!form) throw new SmbDecodeError("SMB2 OPLOCK_BREAK", "StructureSize", "not 24, 36 or 44");
  return { form, value: received[form].decode(buf, start, end) } as ReceivedOplockBreak;
}
