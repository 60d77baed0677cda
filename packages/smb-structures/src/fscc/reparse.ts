/**
 * MS-FSCC 2.1.2 REPARSE_DATA_BUFFER: ReparseTag, ReparseDataLength (bytes after the 8-byte header),
 * Reserved, then a tag-specific body. Symbolic links (2.1.2.4) and mount points (2.1.2.5) are declared;
 * every other tag (including the GUID-carrying third-party form, 2.1.2.3) keeps its body as raw bytes.
 * Used by FSCTL_GET_REPARSE_POINT / FSCTL_SET_REPARSE_POINT and the SMB2 symbolic link error response.
 */
import { lengthOf, offsetOf, reserved, sizeFrom, tagOf } from "../codec/fields.js";
import { u16, u32 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { union } from "../codec/union.js";
import { utf16 } from "../codec/variable.js";
import { guid } from "../dtyp/guid.js";
import { varBytes } from "../codec/variable.js";
import { ReparseTag, SymlinkFlags } from "./constants.js";

/**
 * 2.1.2.4 SYMBOLIC_LINK_REPARSE_DATA_BUFFER body: offsets count from the start of PathBuffer (the end of
 * the fixed fields). Flags: SYMLINK_FLAG_RELATIVE for a target relative to the link's directory.
 */
export const SymlinkReparseBody = struct(
  "SYMBOLIC_LINK_REPARSE_DATA_BUFFER",
  {
    substituteNameOffset: offsetOf("substituteName", u16),
    substituteNameLength: lengthOf("substituteName", u16),
    printNameOffset: offsetOf("printName", u16),
    printNameLength: lengthOf("printName", u16),
    flags: u32,
    substituteName: utf16(),
    printName: utf16(),
  },
  { offsetsFrom: "fixedEnd", spec: "MS-FSCC 2.1.2.4" },
);

/**
 * 2.1.2.5 MOUNT_POINT_REPARSE_DATA_BUFFER body: like the symlink one without Flags; each name is
 * followed by a NUL that its length leaves out.
 */
export const MountPointReparseBody = struct(
  "MOUNT_POINT_REPARSE_DATA_BUFFER",
  {
    substituteNameOffset: offsetOf("substituteName", u16),
    substituteNameLength: lengthOf("substituteName", u16, { adjust: -2 }),
    printNameOffset: offsetOf("printName", u16),
    printNameLength: lengthOf("printName", u16, { adjust: -2 }),
    substituteName: utf16({ nulTerminated: true }),
    printName: utf16({ nulTerminated: true }),
  },
  { offsetsFrom: "fixedEnd", spec: "MS-FSCC 2.1.2.5" },
);

export const ReparseDataBuffer = struct(
  "REPARSE_DATA_BUFFER",
  {
    reparseTag: tagOf("data", u32),
    reparseDataLength: sizeFrom(u16, "data"),
    reserved: reserved(2),
    data: union("reparse data", {
      [ReparseTag.IO_REPARSE_TAG_SYMLINK]: SymlinkReparseBody,
      [ReparseTag.IO_REPARSE_TAG_MOUNT_POINT]: MountPointReparseBody,
    }),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.1.2.2" },
);
export type ReparseDataBufferValue = Decoded<typeof ReparseDataBuffer.fields>;
export type ReparseDataBufferInput = Input<typeof ReparseDataBuffer.fields>;

/** 2.1.2.3 REPARSE_GUID_DATA_BUFFER (tags without the Microsoft bit): whole buffer, GUID included. */
export const ReparseGuidDataBuffer = struct(
  "REPARSE_GUID_DATA_BUFFER",
  {
    reparseTag: u32,
    reparseDataLength: sizeFrom(u16, "dataBuffer"),
    reserved: reserved(2),
    reparseGuid: guid,
    dataBuffer: varBytes(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.1.2.3" },
);

/** A symbolic link reparse buffer from its target ("\\??\\C:\\x" substitute form, or relative). */
export function symlinkReparseBuffer(opts: {
  substituteName: string;
  printName?: string;
  relative?: boolean;
}): ReparseDataBufferInput {
  return {
    data: {
      type: ReparseTag.IO_REPARSE_TAG_SYMLINK,
      value: {
        substituteName: opts.substituteName,
        printName: opts.printName ?? opts.substituteName,
        flags: opts.relative ? SymlinkFlags.SYMLINK_FLAG_RELATIVE : 0,
      },
    },
  };
}
