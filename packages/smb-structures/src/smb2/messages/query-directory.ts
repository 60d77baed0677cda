/**
 * MS-SMB2 2.2.33 SMB2 QUERY_DIRECTORY Request and 2.2.34 SMB2 QUERY_DIRECTORY Response. The output
 * buffer is raw bytes: the directory information classes (MS-FSCC 2.4, FileInformationClass) are
 * declared in fscc/.
 */
import { constant, lengthOf, offsetOf, withDefault } from "../../codec/fields.js";
import { u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { utf16, varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.33 Flags. */
export const QueryDirectoryFlags = {
  RESTART_SCANS: 0x01,
  RETURN_SINGLE_ENTRY: 0x02,
  INDEX_SPECIFIED: 0x04,
  REOPEN: 0x10,
} as const;

/** 2.2.33: FileName is the search pattern ("*" for all). */
export const QueryDirectoryRequest = struct(
  "SMB2 QUERY_DIRECTORY Request",
  {
    structureSize: constant(u16, 33),
    fileInformationClass: u8,
    flags: withDefault(u8, 0),
    fileIndex: withDefault(u32, 0),
    fileId,
    fileNameOffset: offsetOf("fileName", u16),
    fileNameLength: lengthOf("fileName", u16),
    outputBufferLength: u32,
    fileName: utf16(),
  },
  { encodeBase: 64, minSize: 33, spec: "MS-SMB2 2.2.33" },
);
export type QueryDirectoryRequest = Decoded<typeof QueryDirectoryRequest.fields>;

/** 2.2.34: Buffer holds the entries of the requested class (a view into the received message). */
export const QueryDirectoryResponse = struct(
  "SMB2 QUERY_DIRECTORY Response",
  {
    structureSize: constant(u16, 9),
    outputBufferOffset: offsetOf("buffer", u16),
    outputBufferLength: lengthOf("buffer", u32),
    buffer: varBytes(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.34" },
);
export type QueryDirectoryResponse = Decoded<typeof QueryDirectoryResponse.fields>;
