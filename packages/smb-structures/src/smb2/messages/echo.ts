/** MS-SMB2 2.2.28 SMB2 ECHO Request and 2.2.29 SMB2 ECHO Response. */
import type { Decoded } from "../../codec/struct.js";
import { structureSize4 } from "./simple.js";

export const EchoRequest = structureSize4("SMB2 ECHO Request", "MS-SMB2 2.2.28");
export type EchoRequest = Decoded<typeof EchoRequest.fields>;
export const EchoResponse = structureSize4("SMB2 ECHO Response", "MS-SMB2 2.2.29");
export type EchoResponse = Decoded<typeof EchoResponse.fields>;
