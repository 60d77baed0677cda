/**
 * MS-SMB2 2.2.35 SMB2 CHANGE_NOTIFY Request and 2.2.36 SMB2 CHANGE_NOTIFY Response. The output buffer
 * is raw bytes (FILE_NOTIFY_INFORMATION entries, MS-FSCC 2.7.1, declared in fscc/).
 */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.35 Flags. */
export const ChangeNotifyFlags = { WATCH_TREE: 0x0001 } as const;

/** 2.2.35 CompletionFilter (FILE_NOTIFY_CHANGE_*). */
export const CompletionFilter = {
  FILE_NAME: 0x00000001,
  DIR_NAME: 0x00000002,
  ATTRIBUTES: 0x00000004,
  SIZE: 0x00000008,
  LAST_WRITE: 0x00000010,
  LAST_ACCESS: 0x00000020,
  CREATION: 0x00000040,
  EA: 0x00000080,
  SECURITY: 0x00000100,
  STREAM_NAME: 0x00000200,
  STREAM_SIZE: 0x00000400,
  STREAM_WRITE: 0x00000800,
} as const;

export const ChangeNotifyRequest = struct(
  "SMB2 CHANGE_NOTIFY Request",
  {
    structureSize: constant(u16, 32),
    flags: withDefault(u16, 0),
    outputBufferLength: u32,
    fileId,
    completionFilter: u32,
    reserved: reserved(4),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.35" },
);
export type ChangeNotifyRequest = Decoded<typeof ChangeNotifyRequest.fields>;

export const ChangeNotifyResponse = struct(
  "SMB2 CHANGE_NOTIFY Response",
  {
    structureSize: constant(u16, 9),
    outputBufferOffset: offsetOf("buffer", u16),
    outputBufferLength: lengthOf("buffer", u32),
    buffer: varBytes(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.36" },
);
export type ChangeNotifyResponse = Decoded<typeof ChangeNotifyResponse.fields>;
