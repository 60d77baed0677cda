import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameReader, frameHeader, ProtocolError } from "../src/index.js";

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(payloads.flatMap((p) => [frameHeader(p.length), p]));
}

describe("FrameReader (MS-SMB2 2.1 direct TCP framing)", () => {
  it("reassembles frames from any chunking, byte for byte", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
        (payloads, cuts) => {
          const stream = framed(payloads.map((p) => Buffer.from(p)));
          const got: Buffer[] = [];
          const r = new FrameReader((f) => got.push(Buffer.from(f)));
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            r.push(stream.subarray(pos, pos + n));
            pos += n;
          }
          expect(got.map((g) => g.toString("hex"))).toEqual(
            payloads.map((p) => Buffer.from(p).toString("hex")),
          );
          expect(r.partialBytes).toBe(0);
        },
      ),
    );
  });

  it("hands a frame inside one chunk out as a view (no copy)", () => {
    const chunk = framed([Buffer.from("abcdef")]);
    let frame: Buffer | undefined;
    new FrameReader((f) => {
      frame = f;
    }).push(chunk);
    expect(frame!.buffer).toBe(chunk.buffer);
  });

  it("rejects a non-zero stream header byte and an oversized length", () => {
    expect(() => new FrameReader(() => {}).push(Buffer.from([0x85, 0, 0, 0]))).toThrow(ProtocolError);
    expect(() => new FrameReader(() => {}, 1000).push(Buffer.from([0, 0, 0x10, 0]))).toThrow(/exceeds/);
  });
});
