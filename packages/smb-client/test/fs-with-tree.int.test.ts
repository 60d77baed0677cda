// The bridges from the high-level API to the low-level one: SmbClient.withTree hands out the pooled,
// resolved Tree of a path's share; SmbFileHandle.transferOptions drives transfer.ts on the handle's open.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pipelinedRead, pipelinedWriteFrom } from "../src/index.js";
import { scratchClient, SHARE } from "./fs-helpers.js";

describe("withTree and transferOptions", () => {
  const { smb, dir } = scratchClient(SHARE, "wt");

  it("withTree runs on the pooled tree of the path's share and returns fn's value", async () => {
    const before = smb.poolSize.trees;
    const info = await smb.withTree(dir, async (tree) => ({
      share: tree.share,
      dialect: tree.connection.negotiated.dialect,
      authenticated: tree.session.sessionId > 0n,
    }));
    expect(info.authenticated).toBe(true);
    expect(info.dialect).toBeGreaterThan(0);
    expect(smb.poolSize.trees).toBeGreaterThanOrEqual(Math.max(1, before));
    await expect(smb.withTree(`${dir}/x`, async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
  });

  it("transferOptions drives pipelined transfers on the handle's open", async () => {
    const data = randomBytes(5 * 1024 * 1024 + 17);
    {
      await using fh = await smb.open(`${dir}/t.bin`, "w+");
      const t = fh.transferOptions();
      expect(typeof t.retry).toBe("function");
      expect(await pipelinedWriteFrom(fh.open, [data], 0, t)).toBe(data.length);
      const back: Buffer[] = [];
      await pipelinedRead(fh.open, 0, data.length, (c) => void back.push(Buffer.from(c)), t);
      expect(Buffer.concat(back).equals(data)).toBe(true);
    }
  });
});
