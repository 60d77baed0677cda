/**
 * MS-SMB2 2.2.30 SMB2 CANCEL Request (no response). The request to cancel is named by the header:
 * MessageId (sync) or AsyncId with SMB2_FLAGS_ASYNC_COMMAND (async).
 */
import type { Decoded } from "../../codec/struct.js";
import { structureSize4 } from "./simple.js";

export const CancelRequest = structureSize4("SMB2 CANCEL Request", "MS-SMB2 2.2.30");
export type CancelRequest = Decoded<typeof CancelRequest.fields>;
