/** Writes 100 KB over an SMB session, reads it back and checks it on the share's disk (Kerberos tests). */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Session } from "smb-client";
import { CreateDisposition } from "smb-structures";
import { expect } from "vitest";

export async function smbRoundTrip(
  s: Session,
  share: string,
  sharePath: string,
  prefix: string,
): Promise<void> {
  const tree = await s.connectTree(share);
  const data = randomBytes(100_000);
  const name = `${prefix}-${share}-${Date.now()}-${randomBytes(3).toString("hex")}.bin`;
  const f = await tree.create(name, {
    desiredAccess: 0x0012019f | 0x00010000,
    disposition: CreateDisposition.OVERWRITE_IF,
  });
  let off = 0;
  while (off < data.length) off += await f.write(data.subarray(off, off + 65536), off);
  const back = Buffer.concat([await f.read(0, 65536), await f.read(65536, 65536)]);
  expect(createHash("sha256").update(back).digest("hex")).toBe(
    createHash("sha256").update(data).digest("hex"),
  );
  await f.close();
  expect(readFileSync(join(sharePath, name)).equals(data)).toBe(true);
  await tree.disconnect();
}
