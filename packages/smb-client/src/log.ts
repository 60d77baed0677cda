import { debuglog } from "node:util";

/** `NODE_DEBUG=smb:client` (or `smb*`). Never logs passwords, hashes or keys. */
export const log = debuglog("smb:client");
