/**
 * MS-DTYP 2.4.5 ACL and 2.4.6 SECURITY_DESCRIPTOR (self-relative form, the only one on the wire: SMB2
 * QUERY_INFO/SET_INFO with InfoType SECURITY, the SD_BUFFER create context).
 */
import { constant, countOf, offsetOf, reserved, sizeFrom, withDefault } from "../codec/fields.js";
import { u8, u16, u32 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { varArray, varStruct } from "../codec/variable.js";
import { Ace } from "./ace.js";
import { optionalSid } from "./sid.js";

/** AclRevision: 2 for ACLs of basic ACEs, 4 (DS) when object ACEs are present. */
export const AclRevision = {
  ACL_REVISION: 2,
  ACL_REVISION_DS: 4,
} as const;

export const Acl = struct(
  "ACL",
  {
    aclRevision: withDefault(u8, AclRevision.ACL_REVISION as number),
    sbz1: reserved(1),
    aclSize: sizeFrom(u16, "aclRevision"),
    aceCount: countOf("aces", u16),
    sbz2: reserved(2),
    aces: varArray(Ace),
  },
  { offsetsFrom: "self", spec: "MS-DTYP 2.4.5" },
);
export type AclValue = Decoded<typeof Acl.fields>;
export type AclInput = Input<typeof Acl.fields>;

/** MS-DTYP 2.4.6 SECURITY_DESCRIPTOR Control. */
export const SecurityDescriptorControl = {
  SE_OWNER_DEFAULTED: 0x0001,
  SE_GROUP_DEFAULTED: 0x0002,
  SE_DACL_PRESENT: 0x0004,
  SE_DACL_DEFAULTED: 0x0008,
  SE_SACL_PRESENT: 0x0010,
  SE_SACL_DEFAULTED: 0x0020,
  SE_DACL_TRUSTED: 0x0040,
  SE_SERVER_SECURITY: 0x0080,
  SE_DACL_AUTO_INHERIT_REQ: 0x0100,
  SE_SACL_AUTO_INHERIT_REQ: 0x0200,
  SE_DACL_AUTO_INHERITED: 0x0400,
  SE_SACL_AUTO_INHERITED: 0x0800,
  SE_DACL_PROTECTED: 0x1000,
  SE_SACL_PROTECTED: 0x2000,
  SE_RM_CONTROL_VALID: 0x4000,
  SE_SELF_RELATIVE: 0x8000,
} as const;

/**
 * Self-relative SECURITY_DESCRIPTOR: the four offsets count from the descriptor's start and are 0 for
 * an absent part. Encoded in the order owner, group, SACL, DACL (as Windows and Samba write them);
 * decoded from wherever the offsets point. A DACL absent with SE_DACL_PRESENT set is a NULL DACL.
 */
export const SecurityDescriptor = struct(
  "SECURITY_DESCRIPTOR",
  {
    revision: constant(u8, 1),
    /** Sbz1, or the resource manager control bits when SE_RM_CONTROL_VALID is set. */
    sbz1: withDefault(u8, 0),
    control: u16,
    offsetOwner: offsetOf("owner", u32, { zeroIfEmpty: true }),
    offsetGroup: offsetOf("group", u32, { zeroIfEmpty: true }),
    offsetSacl: offsetOf("sacl", u32, { zeroIfEmpty: true }),
    offsetDacl: offsetOf("dacl", u32, { zeroIfEmpty: true }),
    owner: optionalSid,
    group: optionalSid,
    sacl: varStruct(Acl),
    dacl: varStruct(Acl),
  },
  { offsetsFrom: "self", spec: "MS-DTYP 2.4.6" },
);
export type SecurityDescriptorValue = Decoded<typeof SecurityDescriptor.fields>;
export type SecurityDescriptorInput = Input<typeof SecurityDescriptor.fields>;

/**
 * A self-relative descriptor with Control completed: SE_SELF_RELATIVE always, SE_DACL_PRESENT /
 * SE_SACL_PRESENT when the ACL is given (pass `nullDacl: true` for a present-but-NULL DACL).
 */
export function securityDescriptor(
  sd: Omit<SecurityDescriptorInput, "control"> & { control?: number; nullDacl?: boolean },
): SecurityDescriptorInput {
  const { nullDacl, ...rest } = sd;
  let control = (sd.control ?? 0) | SecurityDescriptorControl.SE_SELF_RELATIVE;
  if (sd.dacl || nullDacl) control |= SecurityDescriptorControl.SE_DACL_PRESENT;
  if (sd.sacl) control |= SecurityDescriptorControl.SE_SACL_PRESENT;
  return { ...rest, control };
}

export function encodeSecurityDescriptor(
  sd: Omit<SecurityDescriptorInput, "control"> & { control?: number; nullDacl?: boolean },
): Buffer {
  return SecurityDescriptor.encode(securityDescriptor(sd));
}
export function decodeSecurityDescriptor(buf: Buffer): SecurityDescriptorValue {
  return SecurityDescriptor.decode(buf);
}
