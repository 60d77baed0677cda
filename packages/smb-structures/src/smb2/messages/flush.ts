/** MS-SMB2 2.2.17 SMB2 FLUSH Request and 2.2.18 SMB2 FLUSH Response. */
import { constant, reserved } from "../../codec/fields.js";
import { u16 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { fileId } from "../file-id.js";
import { structureSize4 } from "./simple.js";

export const FlushRequest = struct(
  "SMB2 FLUSH Request",
  { structureSize: constant(u16, 24), reserved1: reserved(2), reserved2: reserved(4), fileId },
  { encodeBase: 64, spec: "MS-SMB2 2.2.17" },
);
export type FlushRequest = Decoded<typeof FlushRequest.fields>;
export const FlushResponse = structureSize4("SMB2 FLUSH Response", "MS-SMB2 2.2.18");
export type FlushResponse = Decoded<typeof FlushResponse.fields>;
