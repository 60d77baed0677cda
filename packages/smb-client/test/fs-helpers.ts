// Shared by the fs-*.int.test.ts files: a client on the test server and unique scratch directories.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { SmbClient, type SmbClientOptions } from "../src/index.js";

export const samba = inject("samba");
/** The writable share (SMB_SHARE for an external server). */
export const SHARE = process.env.SMB_SHARE && samba.external ? process.env.SMB_SHARE : "share";
export const auth = {
  username: samba.username,
  password: samba.password,
  domain: samba.domain,
  port: samba.port,
};

export function client(opts: SmbClientOptions = {}): SmbClient {
  return new SmbClient({ ...auth, ...opts });
}

export function uniq(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** "//host/share/<unique>" */
export function scratch(share: string, prefix: string): string {
  return `//${samba.host}/${share}/${uniq(prefix)}`;
}

/** The shares the file tests run on: plain and encrypted (the latter only on the local server). */
export const SHARES = samba.external ? [SHARE] : [SHARE, "share-encrypted"];

/**
 * For a describe block: a client and a fresh scratch directory on `share`, created before its tests and
 * removed (with the client closed) after them.
 */
export function scratchClient(share: string, prefix: string, opts: SmbClientOptions = {}) {
  const smb = client(opts);
  const dir = scratch(share, prefix);
  beforeAll(async () => {
    await smb.mkdir(dir);
  });
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  });
  return { smb, dir };
}
