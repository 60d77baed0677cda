import { debuglog } from "node:util";

/** `NODE_DEBUG=smb:transport` (or `smb*`): one line per message. Never logs payloads or keys. */
export const log = debuglog("smb:transport");
