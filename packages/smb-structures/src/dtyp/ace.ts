/**
 * MS-DTYP 2.4.4 ACE: a 4-byte ACE_HEADER (AceType, AceFlags, AceSize) then a body chosen by AceType.
 * Declared as a tagged union keyed by AceType; types without a declared body (reserved types, future
 * ones) decode to their raw bytes and encode back unchanged. AceSize bounds the ACE, so padding after
 * the body is skipped.
 */
import { flagged } from "../codec/extras.js";
import { sizeFrom, tagOf } from "../codec/fields.js";
import { u8, u16, u32 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { union } from "../codec/union.js";
import { varBytes } from "../codec/variable.js";
import { guid } from "./guid.js";
import { sid } from "./sid.js";

/** MS-DTYP 2.4.4.1 AceType. */
export const AceType = {
  ACCESS_ALLOWED: 0x00,
  ACCESS_DENIED: 0x01,
  SYSTEM_AUDIT: 0x02,
  SYSTEM_ALARM: 0x03,
  ACCESS_ALLOWED_COMPOUND: 0x04,
  ACCESS_ALLOWED_OBJECT: 0x05,
  ACCESS_DENIED_OBJECT: 0x06,
  SYSTEM_AUDIT_OBJECT: 0x07,
  SYSTEM_ALARM_OBJECT: 0x08,
  ACCESS_ALLOWED_CALLBACK: 0x09,
  ACCESS_DENIED_CALLBACK: 0x0a,
  ACCESS_ALLOWED_CALLBACK_OBJECT: 0x0b,
  ACCESS_DENIED_CALLBACK_OBJECT: 0x0c,
  SYSTEM_AUDIT_CALLBACK: 0x0d,
  SYSTEM_ALARM_CALLBACK: 0x0e,
  SYSTEM_AUDIT_CALLBACK_OBJECT: 0x0f,
  SYSTEM_ALARM_CALLBACK_OBJECT: 0x10,
  SYSTEM_MANDATORY_LABEL: 0x11,
  SYSTEM_RESOURCE_ATTRIBUTE: 0x12,
  SYSTEM_SCOPED_POLICY_ID: 0x13,
} as const;

/** MS-DTYP 2.4.4.1 AceFlags. */
export const AceFlags = {
  OBJECT_INHERIT_ACE: 0x01,
  CONTAINER_INHERIT_ACE: 0x02,
  NO_PROPAGATE_INHERIT_ACE: 0x04,
  INHERIT_ONLY_ACE: 0x08,
  INHERITED_ACE: 0x10,
  CRITICAL_ACE_FLAG: 0x20,
  SUCCESSFUL_ACCESS_ACE_FLAG: 0x40,
  FAILED_ACCESS_ACE_FLAG: 0x80,
} as const;

/** MS-DTYP 2.4.4.3 object ACE Flags: which GUIDs follow. */
export const ObjectAceFlags = {
  ACE_OBJECT_TYPE_PRESENT: 0x1,
  ACE_INHERITED_OBJECT_TYPE_PRESENT: 0x2,
} as const;

/** MS-DTYP 2.4.4.13 SYSTEM_MANDATORY_LABEL_ACE mask bits. */
export const MandatoryLabelMask = {
  SYSTEM_MANDATORY_LABEL_NO_WRITE_UP: 0x1,
  SYSTEM_MANDATORY_LABEL_NO_READ_UP: 0x2,
  SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP: 0x4,
} as const;

const objectTypes = () =>
  flagged("object ACE types", {
    objectType: [ObjectAceFlags.ACE_OBJECT_TYPE_PRESENT, guid],
    inheritedObjectType: [ObjectAceFlags.ACE_INHERITED_OBJECT_TYPE_PRESENT, guid],
  } as const);

/** 2.4.4.2 ACCESS_ALLOWED_ACE body (also DENIED, SYSTEM_AUDIT, MANDATORY_LABEL, SCOPED_POLICY_ID). */
export const BasicAceBody = struct("ACE (mask, SID)", { mask: u32, sid }, { spec: "MS-DTYP 2.4.4.2" });

/** 2.4.4.3 ACCESS_ALLOWED_OBJECT_ACE body (also DENIED_OBJECT, SYSTEM_AUDIT_OBJECT). */
export const ObjectAceBody = struct(
  "object ACE",
  { mask: u32, flags: tagOf("objectTypes", u32), objectTypes: objectTypes(), sid },
  { spec: "MS-DTYP 2.4.4.3" },
);

/**
 * 2.4.4.6 ACCESS_ALLOWED_CALLBACK_ACE body (also DENIED_CALLBACK, SYSTEM_AUDIT_CALLBACK, and the
 * SYSTEM_RESOURCE_ATTRIBUTE_ACE of 2.4.4.15 whose trailing data is the attribute). ApplicationData is
 * the rest of the ACE (padding to AceSize included).
 */
export const CallbackAceBody = struct(
  "callback ACE",
  { mask: u32, sid, applicationData: varBytes() },
  { spec: "MS-DTYP 2.4.4.6" },
);

/** 2.4.4.8 ACCESS_ALLOWED_CALLBACK_OBJECT_ACE body (also DENIED_ and SYSTEM_AUDIT_CALLBACK_OBJECT). */
export const CallbackObjectAceBody = struct(
  "callback object ACE",
  {
    mask: u32,
    flags: tagOf("objectTypes", u32),
    objectTypes: objectTypes(),
    sid,
    applicationData: varBytes(),
  },
  { spec: "MS-DTYP 2.4.4.8" },
);

const aceBodies = {
  [AceType.ACCESS_ALLOWED]: BasicAceBody,
  [AceType.ACCESS_DENIED]: BasicAceBody,
  [AceType.SYSTEM_AUDIT]: BasicAceBody,
  [AceType.ACCESS_ALLOWED_OBJECT]: ObjectAceBody,
  [AceType.ACCESS_DENIED_OBJECT]: ObjectAceBody,
  [AceType.SYSTEM_AUDIT_OBJECT]: ObjectAceBody,
  [AceType.ACCESS_ALLOWED_CALLBACK]: CallbackAceBody,
  [AceType.ACCESS_DENIED_CALLBACK]: CallbackAceBody,
  [AceType.ACCESS_ALLOWED_CALLBACK_OBJECT]: CallbackObjectAceBody,
  [AceType.ACCESS_DENIED_CALLBACK_OBJECT]: CallbackObjectAceBody,
  [AceType.SYSTEM_AUDIT_CALLBACK]: CallbackAceBody,
  [AceType.SYSTEM_AUDIT_CALLBACK_OBJECT]: CallbackObjectAceBody,
  [AceType.SYSTEM_MANDATORY_LABEL]: BasicAceBody,
  [AceType.SYSTEM_RESOURCE_ATTRIBUTE]: CallbackAceBody,
  [AceType.SYSTEM_SCOPED_POLICY_ID]: BasicAceBody,
} as const;

/** An ACE: `{ flags, body: { type: AceType, value } }`; unknown types carry `value` as raw bytes. */
export const Ace = struct(
  "ACE",
  {
    aceType: tagOf("body", u8),
    flags: u8,
    aceSize: sizeFrom(u16, "aceType"),
    body: union("ACE body", aceBodies),
  },
  { offsetsFrom: "self", spec: "MS-DTYP 2.4.4.1" },
);
export type AceValue = Decoded<typeof Ace.fields>;
export type AceInput = Input<typeof Ace.fields>;

/** The SID an ACE names, when its type has one. */
export function aceSid(ace: AceValue): string | undefined {
  const v = ace.body.value;
  return Buffer.isBuffer(v) ? undefined : v.sid;
}
/** The access mask of an ACE, when its type has one. */
export function aceMask(ace: AceValue): number | undefined {
  const v = ace.body.value;
  if (Buffer.isBuffer(v)) return v.length >= 4 ? v.readUInt32LE(0) : undefined;
  return v.mask;
}
