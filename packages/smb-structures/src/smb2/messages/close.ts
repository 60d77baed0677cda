/** MS-SMB2 2.2.15 SMB2 CLOSE Request and 2.2.16 SMB2 CLOSE Response. */
import { constant, reserved } from "../../codec/fields.js";
import { u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { filetime } from "../../dtyp/filetime.js";
import { fileId } from "../file-id.js";

/** 2.2.15 Flags. */
export const CloseFlags = { POSTQUERY_ATTRIB: 0x0001 } as const;

export const CloseRequest = struct(
  "SMB2 CLOSE Request",
  { structureSize: constant(u16, 24), flags: u16, reserved: reserved(4), fileId },
  { encodeBase: 64, spec: "MS-SMB2 2.2.15" },
);
export type CloseRequest = Decoded<typeof CloseRequest.fields>;

/** 2.2.16: the times, sizes and attributes are 0 unless the request had POSTQUERY_ATTRIB. */
export const CloseResponse = struct(
  "SMB2 CLOSE Response",
  {
    structureSize: constant(u16, 60),
    flags: u16,
    reserved: reserved(4),
    creationTime: filetime,
    lastAccessTime: filetime,
    lastWriteTime: filetime,
    changeTime: filetime,
    allocationSize: u64,
    endOfFile: u64,
    fileAttributes: u32,
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.16" },
);
export type CloseResponse = Decoded<typeof CloseResponse.fields>;
