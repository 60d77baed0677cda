/**
 * Security descriptors (QUERY_INFO / SET_INFO with InfoType SECURITY). SIDs are strings
 * ("S-1-5-21-...-1000"); ACEs are { type, flags, mask, sid }; `sddl` is the SDDL text of what was read.
 */
import {
  AccessMask,
  AceType,
  aceMask,
  aceSid,
  type AceValue,
  decodeSecurityDescriptor,
  encodeSecurityDescriptor,
  formatSddl,
  InfoType,
  SecurityDescriptorControl,
  SecurityInformation,
} from "smb-structures";
import type { ClientCore } from "./core.js";
import { invalidArg } from "./errors.js";
import { Access, compound, Reply, Step } from "./handles.js";
import type { CallOptions } from "./types.js";

const TYPE_NAMES: Record<number, string> = {
  [AceType.ACCESS_ALLOWED]: "allow",
  [AceType.ACCESS_DENIED]: "deny",
  [AceType.SYSTEM_AUDIT]: "audit",
  [AceType.SYSTEM_ALARM]: "alarm",
  [AceType.ACCESS_ALLOWED_OBJECT]: "allow-object",
  [AceType.ACCESS_DENIED_OBJECT]: "deny-object",
  [AceType.SYSTEM_AUDIT_OBJECT]: "audit-object",
  [AceType.ACCESS_ALLOWED_CALLBACK]: "allow-callback",
  [AceType.ACCESS_DENIED_CALLBACK]: "deny-callback",
  [AceType.SYSTEM_MANDATORY_LABEL]: "mandatory-label",
  [AceType.SYSTEM_RESOURCE_ATTRIBUTE]: "resource-attribute",
  [AceType.SYSTEM_SCOPED_POLICY_ID]: "scoped-policy-id",
};
const TYPE_CODES: Record<string, number> = {
  allow: AceType.ACCESS_ALLOWED,
  deny: AceType.ACCESS_DENIED,
  audit: AceType.SYSTEM_AUDIT,
  "mandatory-label": AceType.SYSTEM_MANDATORY_LABEL,
};

/** One ACE. Types other than allow/deny/audit/mandatory-label are reported but cannot be written back. */
export interface AceInfo {
  /** "allow", "deny", "audit", ... or "type-0x.." for unknown types. */
  type: string;
  /** AceFlags (OBJECT_INHERIT_ACE, CONTAINER_INHERIT_ACE, INHERITED_ACE ...). */
  flags: number;
  /** Access mask (FileRights / AccessMask bits). */
  mask: number;
  sid: string;
}

export interface SecurityDescriptorInfo {
  owner?: string;
  group?: string;
  /** null: a NULL DACL (everyone has full access); undefined: not read. */
  dacl?: AceInfo[] | null;
  sacl?: AceInfo[] | null;
  /** SECURITY_DESCRIPTOR Control bits. */
  control: number;
  /** SDDL text ("O:...G:...D:(A;;FA;;;WD)"). */
  sddl: string;
  /** The self-relative descriptor as received. */
  raw: Buffer;
}

export interface GetSecurityOptions extends CallOptions {
  /** Parts to read (default owner, group, dacl; sacl needs SeSecurityPrivilege on the server). */
  owner?: boolean;
  group?: boolean;
  dacl?: boolean;
  sacl?: boolean;
}

function aceInfo(a: AceValue): AceInfo {
  const type = a.body.type as number;
  return {
    type: TYPE_NAMES[type] ?? `type-0x${type.toString(16)}`,
    flags: a.flags,
    mask: (aceMask(a) ?? 0) >>> 0,
    sid: aceSid(a) ?? "",
  };
}

/** Reads a file's security descriptor. */
export async function getSecurity(
  core: ClientCore,
  path: string,
  opts: GetSecurityOptions = {},
): Promise<SecurityDescriptorInfo> {
  const any =
    opts.owner !== undefined ||
    opts.group !== undefined ||
    opts.dacl !== undefined ||
    opts.sacl !== undefined;
  const want = any ? opts : { owner: true, group: true, dacl: true };
  let info = 0;
  if (want.owner) info |= SecurityInformation.OWNER_SECURITY_INFORMATION;
  if (want.group) info |= SecurityInformation.GROUP_SECURITY_INFORMATION;
  if (want.dacl) info |= SecurityInformation.DACL_SECURITY_INFORMATION;
  if (want.sacl) info |= SecurityInformation.SACL_SECURITY_INFORMATION;
  return core.run(path, opts, "getsecurity", async (t) => {
    const r = await compound(
      t,
      t.path.path,
      {
        desiredAccess:
          Access.ATTRIBUTES | AccessMask.READ_CONTROL | (want.sacl ? AccessMask.ACCESS_SYSTEM_SECURITY : 0),
      },
      [
        Step.queryInfo(t, {
          infoType: InfoType.SECURITY,
          infoClass: 0,
          additionalInformation: info,
          outputBufferLength: 65536,
        }),
      ],
    );
    const raw = Buffer.from(Reply.queryInfo(r.replies[0]!));
    const sd = decodeSecurityDescriptor(raw);
    const out: SecurityDescriptorInfo = { control: sd.control, sddl: formatSddl(sd), raw };
    if (sd.owner) out.owner = sd.owner;
    if (sd.group) out.group = sd.group;
    if (want.dacl) out.dacl = sd.dacl ? sd.dacl.aces.map(aceInfo) : null;
    if (want.sacl) out.sacl = sd.sacl ? sd.sacl.aces.map(aceInfo) : null;
    return out;
  });
}

/** What setSecurity writes: the parts given (owner, group, dacl, sacl), or a raw self-relative descriptor. */
export interface SecurityDescriptorInput {
  owner?: string;
  group?: string;
  /** null sets a NULL DACL. */
  dacl?: AceInput[] | null;
  sacl?: AceInput[] | null;
  /** Extra Control bits (e.g. SE_DACL_PROTECTED to stop inheritance). */
  control?: number;
}

export interface AceInput {
  type: "allow" | "deny" | "audit" | "mandatory-label";
  flags?: number;
  mask: number;
  sid: string;
}

function aclOf(aces: AceInput[]) {
  return {
    aces: aces.map((a) => {
      const type = TYPE_CODES[a.type];
      if (type === undefined) throw invalidArg(`cannot write an ACE of type ${a.type}`);
      return { flags: a.flags ?? 0, body: { type, value: { mask: a.mask >>> 0, sid: a.sid } } };
    }),
  };
}

/** Writes the given parts of a file's security descriptor. */
export async function setSecurity(
  core: ClientCore,
  path: string,
  sd: SecurityDescriptorInput | Buffer,
  opts: CallOptions & { securityInformation?: number } = {},
): Promise<void> {
  let buffer: Buffer;
  let info = opts.securityInformation ?? 0;
  if (Buffer.isBuffer(sd)) {
    buffer = sd;
    if (!info) {
      const d = decodeSecurityDescriptor(sd);
      if (d.owner) info |= SecurityInformation.OWNER_SECURITY_INFORMATION;
      if (d.group) info |= SecurityInformation.GROUP_SECURITY_INFORMATION;
      if (d.control & SecurityDescriptorControl.SE_DACL_PRESENT)
        info |= SecurityInformation.DACL_SECURITY_INFORMATION;
      if (d.control & SecurityDescriptorControl.SE_SACL_PRESENT)
        info |= SecurityInformation.SACL_SECURITY_INFORMATION;
    }
  } else {
    const dacl = sd.dacl === undefined || sd.dacl === null ? undefined : aclOf(sd.dacl);
    const sacl = sd.sacl === undefined || sd.sacl === null ? undefined : aclOf(sd.sacl);
    buffer = encodeSecurityDescriptor({
      control: sd.control ?? 0,
      ...(sd.owner ? { owner: sd.owner } : {}),
      ...(sd.group ? { group: sd.group } : {}),
      ...(dacl ? { dacl } : {}),
      ...(sacl ? { sacl } : {}),
      nullDacl: sd.dacl === null,
    } as Parameters<typeof encodeSecurityDescriptor>[0]);
    if (!info) {
      if (sd.owner) info |= SecurityInformation.OWNER_SECURITY_INFORMATION;
      if (sd.group) info |= SecurityInformation.GROUP_SECURITY_INFORMATION;
      if (sd.dacl !== undefined) info |= SecurityInformation.DACL_SECURITY_INFORMATION;
      if (sd.sacl !== undefined) info |= SecurityInformation.SACL_SECURITY_INFORMATION;
    }
  }
  if (!info) throw invalidArg("setSecurity: nothing to set (give owner, group, dacl or sacl)");
  let access: number = Access.ATTRIBUTES;
  if (
    info &
    (SecurityInformation.OWNER_SECURITY_INFORMATION | SecurityInformation.GROUP_SECURITY_INFORMATION)
  )
    access |= AccessMask.WRITE_OWNER;
  if (info & SecurityInformation.DACL_SECURITY_INFORMATION) access |= AccessMask.WRITE_DACL;
  if (info & SecurityInformation.SACL_SECURITY_INFORMATION) access |= AccessMask.ACCESS_SYSTEM_SECURITY;
  await core.run(path, opts, "setsecurity", (t) =>
    compound(t, t.path.path, { desiredAccess: access }, [
      Step.setInfo(t, { infoType: InfoType.SECURITY, infoClass: 0, additionalInformation: info, buffer }),
    ]),
  );
}
