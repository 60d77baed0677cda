/** MS-SMB2 2.2.39 SMB2 SET_INFO Request and 2.2.40 SMB2 SET_INFO Response. */
import { constant, lengthOf, offsetOf, reserved, withDefault } from "../../codec/fields.js";
import { u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";
import { fileId } from "../file-id.js";

/** 2.2.39: InfoType as in QUERY_INFO; Buffer is the MS-FSCC structure of the class (raw here). */
export const SetInfoRequest = struct(
  "SMB2 SET_INFO Request",
  {
    structureSize: constant(u16, 33),
    infoType: u8,
    fileInfoClass: u8,
    bufferLength: lengthOf("buffer", u32),
    bufferOffset: offsetOf("buffer", u16),
    reserved: reserved(2),
    additionalInformation: withDefault(u32, 0),
    fileId,
    buffer: varBytes(),
  },
  { encodeBase: 64, minSize: 33, spec: "MS-SMB2 2.2.39" },
);
export type SetInfoRequest = Decoded<typeof SetInfoRequest.fields>;

/** 2.2.40: just StructureSize (2). */
export const SetInfoResponse = struct(
  "SMB2 SET_INFO Response",
  { structureSize: constant(u16, 2) },
  { encodeBase: 64, spec: "MS-SMB2 2.2.40" },
);
export type SetInfoResponse = Decoded<typeof SetInfoResponse.fields>;
