/** MS-SMB2 2.2.7 SMB2 LOGOFF Request and 2.2.8 SMB2 LOGOFF Response. */
import type { Decoded } from "../../codec/struct.js";
import { structureSize4 } from "./simple.js";

export const LogoffRequest = structureSize4("SMB2 LOGOFF Request", "MS-SMB2 2.2.7");
export type LogoffRequest = Decoded<typeof LogoffRequest.fields>;
export const LogoffResponse = structureSize4("SMB2 LOGOFF Response", "MS-SMB2 2.2.8");
export type LogoffResponse = Decoded<typeof LogoffResponse.fields>;
