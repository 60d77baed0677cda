/**
 * MS-SMB2 2.2.31 SMB2 IOCTL Request and 2.2.32 SMB2 IOCTL Response. Input and output are raw bytes;
 * the control codes are the FsctlCode table and the FSCTL structures live in fsctl/.
 *
 * Offsets: in a request, an empty input or output gets offset 0. A response normally carries an empty
 * input (InputCount 0) whose InputOffset still points at the buffer (0x70), the output after it
 * (8-byte aligned); servers vary, so decoding goes by the offsets alone and never assumes the output
 * follows the input.
 */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.31 Flags. */
export const IoctlFlags = { IS_IOCTL: 0x00000000, IS_FSCTL: 0x00000001 } as const;

export const IoctlRequest = struct(
  "SMB2 IOCTL Request",
  {
    structureSize: constant(u16, 57),
    reserved: reserved(2),
    ctlCode: u32,
    fileId,
    inputOffset: offsetOf("input", u32, { zeroIfEmpty: true }),
    inputCount: lengthOf("input", u32),
    maxInputResponse: withDefault(u32, 0),
    outputOffset: offsetOf("output", u32, { zeroIfEmpty: true }),
    outputCount: lengthOf("output", u32),
    maxOutputResponse: u32,
    flags: withDefault(u32, IoctlFlags.IS_FSCTL),
    reserved2: reserved(4),
    input: varBytes(),
    output: varBytes({ align: 8 }),
  },
  { encodeBase: 64, minSize: 57, spec: "MS-SMB2 2.2.31" },
);
export type IoctlRequest = Decoded<typeof IoctlRequest.fields>;

export const IoctlResponse = struct(
  "SMB2 IOCTL Response",
  {
    structureSize: constant(u16, 49),
    reserved: reserved(2),
    ctlCode: u32,
    fileId,
    inputOffset: offsetOf("input", u32),
    inputCount: lengthOf("input", u32),
    outputOffset: offsetOf("output", u32),
    outputCount: lengthOf("output", u32),
    flags: withDefault(u32, 0),
    reserved2: reserved(4),
    input: varBytes(),
    output: varBytes({ align: 8 }),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.32" },
);
export type IoctlResponse = Decoded<typeof IoctlResponse.fields>;
