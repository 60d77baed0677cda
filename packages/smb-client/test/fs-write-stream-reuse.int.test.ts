// Node's Writable contract: once a write's callback ran, the producer may reuse its buffer. A producer
// that refills one buffer (as many do) must still find every piece intact on the server, whatever the
// WRITE size, window or the piece size; the same for writeFile of an iterable, whose next chunk Node's
// fs.writeFile asks for only after the previous one was written.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { scratchClient, SHARE } from "./fs-helpers.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("createWriteStream with a producer that reuses its buffer", () => {
  const { smb, dir } = scratchClient(SHARE, "reuse");

  for (const [piece, count, chunkSize] of [
    [256 * 1024, 64, undefined],
    [100_000, 50, 64 * 1024],
    [3 * 1024 * 1024, 6, 1024 * 1024],
  ] as const) {
    it(`${count} pieces of ${piece} bytes through one refilled buffer (WRITE size ${chunkSize ?? "default"})`, async () => {
      const path = `${dir}/p${piece}.bin`;
      const ws = smb.createWriteStream(path, { chunkSize });
      const buf = Buffer.alloc(piece);
      const expected = createHash("sha256");
      for (let i = 0; i < count; i++) {
        buf.fill(i + 1);
        expected.update(buf);
        await new Promise<void>((res, rej) => ws.write(buf, (e) => (e ? rej(e) : res())));
      }
      await new Promise<void>((res, rej) => {
        ws.on("error", rej);
        ws.end(res);
      });
      const back = await smb.readFile(path);
      expect(back.length).toBe(piece * count);
      const wrong = Array.from({ length: count }, (_, i) => i).filter((i) => back[i * piece + 1] !== i + 1);
      expect(wrong).toEqual([]);
      expect(sha(back)).toBe(expected.digest("hex"));
    });
  }

  it("writeFile and FileHandle.writeFile of a generator that refills one buffer between yields", async () => {
    const piece = 300_000;
    const count = 20;
    const gen = async function* () {
      const buf = Buffer.alloc(piece);
      for (let i = 0; i < count; i++) {
        buf.fill(i + 1);
        yield buf;
      }
    };
    const expected = Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.alloc(piece, i + 1)));
    await smb.writeFile(`${dir}/gen.bin`, gen());
    expect(sha(await smb.readFile(`${dir}/gen.bin`))).toBe(sha(expected));
    {
      await using fh = await smb.open(`${dir}/gen2.bin`, "w");
      await fh.writeFile(gen());
    }
    expect(sha(await smb.readFile(`${dir}/gen2.bin`))).toBe(sha(expected));
  });
});
