import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CompressionAlgorithm,
  CompressionChainedPayloadHeader,
  CompressionFlags,
  CompressionTransformHeaderChained,
  CompressionTransformHeaderUnchained,
  decodeCompressionTransform,
  expandPatternV1,
  SmbDecodeError,
  Smb2Header,
} from "../src/index.js";
import { arb, fuzzDecode, hex, propertyRoundTrip } from "./helpers/smb2.js";

/**
 * Chained compressed messages (MS-SMB2 2.2.42.2) from the tests of the smb-rs crate smb-msg
 * (src/compressed.rs, "multiple2" and "chained0", MIT): Windows QUERY_INFO responses sent with
 * Pattern_V1 compression. "chained0" carries the residual bits Windows leaves in the Flags of later
 * payload headers (0xb975).
 */
const MULTIPLE2 = hex(
  "fc534d42700100000000010068000000fe534d4240000100000000001000010030000000000000001e03000000000000" +
    "fffe0000050000000900002c00300000000000000000000000000000000000002900010f2a0200006800000008010000" +
    "0000000003000000110700000c000000690020000c000000000000001a0000000000000015244d7045615f4432363241" +
    "43363234343531323935040000000800000000000000ee000000",
);
const CHAINED0 = hex(
  "fc534d42700100000000010068000000fe534d4240000100000000001000010030000000000000009100000000000000" +
    "fffe0000010000007d00002800300000000000000000000000000000000000002900010f2a0200006800000008010000" +
    "0000000003000000ee0500000c0000008d0000000c000000000075b91a0000000000000015244d7045615f4432363241" +
    "43363234343531323935040000000800000000000000ee000000",
);

describe("SMB2 COMPRESSION_TRANSFORM_HEADER chained (MS-SMB2 2.2.42.2)", () => {
  it("decodes Windows' chained messages and re-encodes them byte for byte", () => {
    for (const m of [MULTIPLE2, CHAINED0]) {
      const d = decodeCompressionTransform(m);
      expect(d.chained).toBe(true);
      const v = CompressionTransformHeaderChained.decode(m);
      expect(v.originalCompressedSegmentSize).toBe(368);
      expect(v.payloads.map((p) => p.payload.type)).toEqual([
        CompressionAlgorithm.NONE,
        CompressionAlgorithm.NONE,
        CompressionAlgorithm.PATTERN_V1,
      ]);
      expect(CompressionTransformHeaderChained.encode(v).toString("hex")).toBe(m.toString("hex"));
    }
    const v = CompressionTransformHeaderChained.decode(CHAINED0);
    expect(v.payloads.map((p) => p.flags)).toEqual([CompressionFlags.CHAINED, 0xb975, 0]);
  });
  it("reassembles the original 368 bytes: an SMB2 header, raw bytes and a pattern", () => {
    const v = CompressionTransformHeaderChained.decode(MULTIPLE2);
    const parts = v.payloads.map((p) => {
      const b = p.payload;
      if (b.type === CompressionAlgorithm.PATTERN_V1 && !Buffer.isBuffer(b.value))
        return expandPatternV1(b.value);
      if (b.type === CompressionAlgorithm.NONE && !Buffer.isBuffer(b.value)) return b.value.data;
      throw new Error("unexpected payload");
    });
    const whole = Buffer.concat(parts);
    expect(whole.length).toBe(v.originalCompressedSegmentSize);
    expect(Smb2Header.decode(whole).command).toBe(0x10); // QUERY_INFO
    expect(whole.subarray(whole.length - 238).every((x) => x === 0)).toBe(true);
  });
  it("carries OriginalPayloadSize inside Length for the compressing algorithms", () => {
    const buf = CompressionChainedPayloadHeader.encode({
      flags: 0,
      payload: {
        type: CompressionAlgorithm.LZ4,
        value: { originalPayloadSize: 0x7c8, data: hex("f2034d5a") },
      },
    });
    expect(buf.toString("hex")).toBe("0500000008000000c8070000f2034d5a");
    expect(CompressionChainedPayloadHeader.decode(buf).payload).toEqual({
      type: CompressionAlgorithm.LZ4,
      value: { originalPayloadSize: 0x7c8, data: hex("f2034d5a") },
    });
  });
});

describe("SMB2 COMPRESSION_TRANSFORM_HEADER unchained (MS-SMB2 2.2.42.1)", () => {
  it("puts the uncompressed prefix between the header and the compressed data (Offset = its length)", () => {
    const buf = CompressionTransformHeaderUnchained.encode({
      originalCompressedSegmentSize: 1000,
      compressionAlgorithm: CompressionAlgorithm.LZ77,
      uncompressed: hex("aabb"),
      compressed: hex("010203"),
    });
    expect(buf.toString("hex")).toBe("fc534d42e8030000020000000200000" + "0aabb010203");
    const d = decodeCompressionTransform(buf);
    expect(d).toEqual({
      chained: false,
      value: {
        originalCompressedSegmentSize: 1000,
        compressionAlgorithm: 2,
        uncompressed: hex("aabb"),
        compressed: hex("010203"),
      },
    });
    const parts = CompressionTransformHeaderUnchained.encodeParts({
      originalCompressedSegmentSize: 1,
      compressionAlgorithm: 1,
      compressed: hex("ff"),
    });
    expect(parts).toHaveLength(2);
  });
  it("random bytes decode or fail with SmbDecodeError; decode(encode(x)) = x", () => {
    fuzzDecode([
      CompressionTransformHeaderUnchained,
      CompressionTransformHeaderChained,
      CompressionChainedPayloadHeader,
    ]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        try {
          decodeCompressionTransform(Buffer.from(b));
        } catch (e) {
          if (!(e instanceof SmbDecodeError)) throw e;
        }
      }),
    );
    propertyRoundTrip(
      CompressionTransformHeaderUnchained,
      fc.record({
        originalCompressedSegmentSize: arb.u32,
        compressionAlgorithm: arb.u16,
        uncompressed: arb.bytes(30),
        compressed: arb.bytes(30),
      }),
    );
    const payload = fc.oneof(
      fc.record({ type: fc.constant(CompressionAlgorithm.NONE), value: fc.record({ data: arb.bytes(20) }) }),
      fc.record({
        type: fc.constantFrom(
          CompressionAlgorithm.LZNT1,
          CompressionAlgorithm.LZ77,
          CompressionAlgorithm.LZ4,
        ),
        value: fc.record({ originalPayloadSize: arb.u32, data: arb.bytes(20) }),
      }),
      fc.record({
        type: fc.constant(CompressionAlgorithm.PATTERN_V1),
        value: fc.record({ pattern: arb.u8, repetitions: arb.u32 }),
      }),
    );
    propertyRoundTrip(
      CompressionTransformHeaderChained,
      fc.record({
        originalCompressedSegmentSize: arb.u32,
        payloads: fc.array(fc.record({ flags: arb.u16, payload }), { minLength: 1, maxLength: 3 }),
      }),
    );
  });
});
