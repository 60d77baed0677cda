/** MS-SMB2 2.2.11 SMB2 TREE_DISCONNECT Request and 2.2.12 SMB2 TREE_DISCONNECT Response. */
import type { Decoded } from "../../codec/struct.js";
import { structureSize4 } from "./simple.js";

export const TreeDisconnectRequest = structureSize4("SMB2 TREE_DISCONNECT Request", "MS-SMB2 2.2.11");
export type TreeDisconnectRequest = Decoded<typeof TreeDisconnectRequest.fields>;
export const TreeDisconnectResponse = structureSize4("SMB2 TREE_DISCONNECT Response", "MS-SMB2 2.2.12");
export type TreeDisconnectResponse = Decoded<typeof TreeDisconnectResponse.fields>;
