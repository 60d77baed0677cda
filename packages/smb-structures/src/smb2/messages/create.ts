/** MS-SMB2 2.2.13 SMB2 CREATE Request and 2.2.14 SMB2 CREATE Response. */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u8, u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { utf16 } from "../../codec/variable.js";
import { AccessMask, DirectoryAccessRights, FileAccessRights } from "../../dtyp/access-mask.js";
import { filetime } from "../../dtyp/filetime.js";
import { fileId } from "../file-id.js";
import { createContextList } from "./create-contexts.js";

/** 2.2.13 RequestedOplockLevel / 2.2.14 OplockLevel (also OPLOCK_BREAK's). */
export const OplockLevel = {
  NONE: 0x00,
  II: 0x01,
  EXCLUSIVE: 0x08,
  BATCH: 0x09,
  LEASE: 0xff,
} as const;

/** 2.2.13 ImpersonationLevel. */
export const ImpersonationLevel = {
  ANONYMOUS: 0x00000000,
  IDENTIFICATION: 0x00000001,
  IMPERSONATION: 0x00000002,
  DELEGATE: 0x00000003,
} as const;

/** 2.2.13.1.1 File_Pipe_Printer_Access_Mask: specific, standard and generic rights (for formatFlags). */
export const FilePipePrinterAccessMask = { ...FileAccessRights, ...AccessMask } as const;
/** 2.2.13.1.2 Directory_Access_Mask. */
export const DirectoryAccessMask = { ...DirectoryAccessRights, ...AccessMask } as const;

/** 2.2.13 ShareAccess (FILE_SHARE_*). */
export const ShareAccess = { READ: 0x00000001, WRITE: 0x00000002, DELETE: 0x00000004 } as const;

/** 2.2.13 CreateDisposition (FILE_*). */
export const CreateDisposition = {
  SUPERSEDE: 0x00000000,
  OPEN: 0x00000001,
  CREATE: 0x00000002,
  OPEN_IF: 0x00000003,
  OVERWRITE: 0x00000004,
  OVERWRITE_IF: 0x00000005,
} as const;

/** 2.2.13 CreateOptions (FILE_* without the prefix). */
export const CreateOptions = {
  DIRECTORY_FILE: 0x00000001,
  WRITE_THROUGH: 0x00000002,
  SEQUENTIAL_ONLY: 0x00000004,
  NO_INTERMEDIATE_BUFFERING: 0x00000008,
  SYNCHRONOUS_IO_ALERT: 0x00000010,
  SYNCHRONOUS_IO_NONALERT: 0x00000020,
  NON_DIRECTORY_FILE: 0x00000040,
  COMPLETE_IF_OPLOCKED: 0x00000100,
  NO_EA_KNOWLEDGE: 0x00000200,
  OPEN_REMOTE_INSTANCE: 0x00000400,
  RANDOM_ACCESS: 0x00000800,
  DELETE_ON_CLOSE: 0x00001000,
  OPEN_BY_FILE_ID: 0x00002000,
  OPEN_FOR_BACKUP_INTENT: 0x00004000,
  NO_COMPRESSION: 0x00008000,
  OPEN_REQUIRING_OPLOCK: 0x00010000,
  DISALLOW_EXCLUSIVE: 0x00020000,
  RESERVE_OPFILTER: 0x00100000,
  OPEN_REPARSE_POINT: 0x00200000,
  OPEN_NO_RECALL: 0x00400000,
  OPEN_FOR_FREE_SPACE_QUERY: 0x00800000,
} as const;

/** 2.2.14 CreateAction. */
export const CreateAction = {
  SUPERSEDED: 0x00000000,
  OPENED: 0x00000001,
  CREATED: 0x00000002,
  OVERWRITTEN: 0x00000003,
} as const;

/** 2.2.14 Flags (3.x). */
export const CreateResponseFlags = { REPARSEPOINT: 0x01 } as const;

/**
 * 2.2.13 SMB2 CREATE Request. Name is relative to the share, without a leading backslash (UTF-16LE,
 * not terminated); CreateContextsOffset is 0 when there are none.
 */
export const CreateRequest = struct(
  "SMB2 CREATE Request",
  {
    structureSize: constant(u16, 57),
    securityFlags: reserved(1),
    requestedOplockLevel: withDefault(u8, OplockLevel.NONE),
    impersonationLevel: withDefault(u32, ImpersonationLevel.IMPERSONATION),
    smbCreateFlags: reserved(8),
    reserved: reserved(8),
    desiredAccess: u32,
    fileAttributes: withDefault(u32, 0),
    shareAccess: u32,
    createDisposition: u32,
    createOptions: withDefault(u32, 0),
    nameOffset: offsetOf("name", u16),
    nameLength: lengthOf("name", u16),
    createContextsOffset: offsetOf("createContexts", u32, { zeroIfEmpty: true }),
    createContextsLength: lengthOf("createContexts", u32),
    name: utf16(),
    createContexts: createContextList(),
  },
  { encodeBase: 64, minSize: 57, spec: "MS-SMB2 2.2.13" },
);
export type CreateRequest = Decoded<typeof CreateRequest.fields>;

/** 2.2.14 SMB2 CREATE Response (88 bytes without contexts, as Samba sends it; StructureSize says 89). */
export const CreateResponse = struct(
  "SMB2 CREATE Response",
  {
    structureSize: constant(u16, 89),
    oplockLevel: u8,
    flags: withDefault(u8, 0),
    createAction: u32,
    creationTime: filetime,
    lastAccessTime: filetime,
    lastWriteTime: filetime,
    changeTime: filetime,
    allocationSize: u64,
    endOfFile: u64,
    fileAttributes: u32,
    reserved2: reserved(4),
    fileId,
    createContextsOffset: offsetOf("createContexts", u32, { zeroIfEmpty: true }),
    createContextsLength: lengthOf("createContexts", u32),
    createContexts: createContextList(),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.14" },
);
export type CreateResponse = Decoded<typeof CreateResponse.fields>;
