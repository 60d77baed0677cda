/**
 * A readable SDDL rendering of a decoded security descriptor (MS-DTYP 2.5.1), for logs and CLI output:
 * "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;WD)". Well-known SIDs print as their aliases, masks as the
 * file-right aliases when they match exactly, otherwise as hex. Formatting only (no SDDL parser).
 */
import { AceFlags, AceType, type AceValue } from "./ace.js";
import type { AclValue, SecurityDescriptorValue } from "./security-descriptor.js";
import { SecurityDescriptorControl as C } from "./security-descriptor.js";
import { sddlSid } from "./sid.js";

const ACE_TYPE: Record<number, string> = {
  [AceType.ACCESS_ALLOWED]: "A",
  [AceType.ACCESS_DENIED]: "D",
  [AceType.SYSTEM_AUDIT]: "AU",
  [AceType.SYSTEM_ALARM]: "AL",
  [AceType.ACCESS_ALLOWED_OBJECT]: "OA",
  [AceType.ACCESS_DENIED_OBJECT]: "OD",
  [AceType.SYSTEM_AUDIT_OBJECT]: "OU",
  [AceType.SYSTEM_ALARM_OBJECT]: "OL",
  [AceType.ACCESS_ALLOWED_CALLBACK]: "XA",
  [AceType.ACCESS_DENIED_CALLBACK]: "XD",
  [AceType.ACCESS_ALLOWED_CALLBACK_OBJECT]: "ZA",
  [AceType.SYSTEM_AUDIT_CALLBACK]: "XU",
  [AceType.SYSTEM_MANDATORY_LABEL]: "ML",
  [AceType.SYSTEM_RESOURCE_ATTRIBUTE]: "RA",
  [AceType.SYSTEM_SCOPED_POLICY_ID]: "SP",
};

const ACE_FLAG: [number, string][] = [
  [AceFlags.OBJECT_INHERIT_ACE, "OI"],
  [AceFlags.CONTAINER_INHERIT_ACE, "CI"],
  [AceFlags.NO_PROPAGATE_INHERIT_ACE, "NP"],
  [AceFlags.INHERIT_ONLY_ACE, "IO"],
  [AceFlags.INHERITED_ACE, "ID"],
  [AceFlags.SUCCESSFUL_ACCESS_ACE_FLAG, "SA"],
  [AceFlags.FAILED_ACCESS_ACE_FLAG, "FA"],
];

/** Whole-mask aliases tried first, then per-bit aliases (MS-DTYP 2.5.1.1 ace_rights). */
const MASK_WHOLE: [number, string][] = [
  [0x001f01ff, "FA"],
  [0x00120089, "FR"],
  [0x00120116, "FW"],
  [0x001200a0, "FX"],
];
const MASK_BITS: [number, string][] = [
  [0x10000000, "GA"],
  [0x80000000, "GR"],
  [0x40000000, "GW"],
  [0x20000000, "GX"],
  [0x00020000, "RC"],
  [0x00010000, "SD"],
  [0x00040000, "WD"],
  [0x00080000, "WO"],
];

function formatMask(mask: number): string {
  const m = mask >>> 0;
  for (const [v, s] of MASK_WHOLE) if (m === v) return s;
  let rest = m;
  let out = "";
  for (const [bit, s] of MASK_BITS) {
    if ((rest & bit) >>> 0 === bit) {
      out += s;
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest === 0 && out) return out;
  return `0x${m.toString(16).padStart(8, "0")}`;
}

function formatAce(ace: AceValue): string {
  const type = ACE_TYPE[ace.body.type] ?? `0x${ace.body.type.toString(16)}`;
  let flags = "";
  let rest = ace.flags;
  for (const [bit, s] of ACE_FLAG) {
    if (rest & bit) {
      flags += s;
      rest &= ~bit;
    }
  }
  if (rest) flags += `0x${rest.toString(16)}`;
  const v = ace.body.value;
  if (Buffer.isBuffer(v)) return `(${type};${flags};;;;;${v.toString("hex")})`;
  const objects = "objectTypes" in v ? v.objectTypes : {};
  return `(${type};${flags};${formatMask(v.mask)};${objects.objectType ?? ""};${objects.inheritedObjectType ?? ""};${sddlSid(v.sid)})`;
}

function aclFlags(control: number, sacl: boolean): string {
  const [prot, auto, req] = sacl
    ? [C.SE_SACL_PROTECTED, C.SE_SACL_AUTO_INHERITED, C.SE_SACL_AUTO_INHERIT_REQ]
    : [C.SE_DACL_PROTECTED, C.SE_DACL_AUTO_INHERITED, C.SE_DACL_AUTO_INHERIT_REQ];
  return `${control & prot ? "P" : ""}${control & req ? "AR" : ""}${control & auto ? "AI" : ""}`;
}

function formatAcl(acl: AclValue | undefined, present: boolean, flags: string): string {
  if (!acl) return present ? `${flags}NO_ACCESS_CONTROL` : "";
  return flags + acl.aces.map(formatAce).join("");
}

/** SDDL text of a decoded descriptor. */
export function formatSddl(sd: SecurityDescriptorValue): string {
  let s = "";
  if (sd.owner) s += `O:${sddlSid(sd.owner)}`;
  if (sd.group) s += `G:${sddlSid(sd.group)}`;
  if (sd.dacl || sd.control & C.SE_DACL_PRESENT) {
    s += `D:${formatAcl(sd.dacl, (sd.control & C.SE_DACL_PRESENT) !== 0, aclFlags(sd.control, false))}`;
  }
  if (sd.sacl || sd.control & C.SE_SACL_PRESENT) {
    s += `S:${formatAcl(sd.sacl, (sd.control & C.SE_SACL_PRESENT) !== 0, aclFlags(sd.control, true))}`;
  }
  return s;
}
