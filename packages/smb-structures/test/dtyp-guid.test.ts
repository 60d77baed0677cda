import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dateToFiletime, filetimeToDate, guidFromBytes, guidToBytes, randomGuid } from "../src/index.js";

describe("GUID (MS-DTYP 2.3.4)", () => {
  it("packs Data1-3 little-endian (the RFC 4122 sample GUID) 6B29FC40-CA47-1067-B31D-00DD010662DA", () => {
    const wire = guidToBytes("6B29FC40-CA47-1067-B31D-00DD010662DA");
    expect(wire.toString("hex")).toBe("40fc296b47ca6710b31d00dd010662da");
    expect(guidFromBytes(wire)).toBe("6b29fc40-ca47-1067-b31d-00dd010662da");
  });
  it("round-trips any 16 bytes and random GUIDs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(guidToBytes(guidFromBytes(b)).equals(Buffer.from(b))).toBe(true);
      }),
    );
    expect(randomGuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("FILETIME (MS-DTYP 2.3.3)", () => {
  it("maps the Unix epoch and back", () => {
    expect(dateToFiletime(new Date(0))).toBe(116444736000000000n);
    expect(filetimeToDate(132223104000000000n).toISOString()).toBe("2020-01-01T00:00:00.000Z");
  });
});
