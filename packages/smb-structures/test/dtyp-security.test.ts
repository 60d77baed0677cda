import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Ace,
  AceFlags,
  AceType,
  Acl,
  encodeSecurityDescriptor,
  formatSddl,
  formatSid,
  parseSid,
  SecurityDescriptor,
  SecurityDescriptorControl,
  type SecurityDescriptorInput,
  SidStruct,
  SmbDecodeError,
  sidFromBytes,
  sidToBytes,
  WellKnownSid,
} from "../src/index.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

// Known-answer vectors produced by Samba 4.17's own NDR marshalling (python3-samba on this machine:
// security.descriptor.from_sddl(...) then ndr_pack), see test/vectors/README.md for the script.
const SAMBA_SD_FILE =
  "010004941400000024000000000000003000000001020000000000052000000020020000010100000000000512000000" +
  "040070000500000000031400ff01000001010000000000051200000000031800ff01000001020000000000052000000020020000" +
  "000b14000000001001010000000000030000000000001400a90012000101000000000001000000000100140000000400010100000000000507000000";
const SAMBA_SD_SACL =
  "010014801400000030000000400000005c000000010500000000000515000000dcf4dc3b833d2b46828ba628e8030000" +
  "0102000000000016020000006400000004001c000100000002c01400ff01000001010000000000010000000004002c0001000000" +
  "00002400ff010000010500000000000515000000dcf4dc3b833d2b46828ba628e8030000";
const SAMBA_SD_OBJECT =
  "01000480140000000000000000000000200000000101000000000005120000000400940003000000050028000001000001000000" +
  "531a72ab2f1ed011981900aa0040529b01010000000000050a000000050a3c0010000000030000000042164cc020d011a76800aa" +
  "006e052914cc28483714bc459b07ad6f015e5f280102000000000005200000002a02000006002800200000000200000" +
  "0ba7a96bfe60dd011a28500aa003049e2010100000000000100000000";

describe("SID (MS-DTYP 2.4.2)", () => {
  it("encodes S-1-5-21-...-512 like Samba's ndr_pack(dom_sid)", () => {
    const s = "S-1-5-21-1004336348-1177238915-682003330-512";
    const wire = "010500000000000515000000dcf4dc3b833d2b46828ba62800020000";
    expect(sidToBytes(s).toString("hex")).toBe(wire);
    expect(sidFromBytes(hex(wire))).toBe(s);
  });
  it("matches the MS-DTYP 2.4.2.2 example layout of S-1-5-32-544 (BUILTIN\\Administrators)", () => {
    expect(sidToBytes(WellKnownSid.BUILTIN_ADMINISTRATORS).toString("hex")).toBe(
      "01020000000000052000000020020000",
    );
    expect(sidToBytes("BA").toString("hex")).toBe("01020000000000052000000020020000");
  });
  it("prints authorities >= 2^32 in hex (MS-DTYP 2.4.2.1)", () => {
    const b = hex("0100 010203040506");
    expect(sidFromBytes(b)).toBe("S-1-0x010203040506");
    expect(sidToBytes("S-1-0x010203040506").equals(b)).toBe(true);
  });
  it("rejects bad strings and truncated bytes", () => {
    expect(() => parseSid("S-2-5")).toThrow();
    expect(() => parseSid("S-1-5-99999999999")).toThrow();
    expect(() => sidFromBytes(hex("010200000000000520000000"))).toThrow(SmbDecodeError);
  });
  it("round-trips generated SIDs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffffffff }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
        (identifierAuthority, subAuthority) => {
          const s = formatSid({ identifierAuthority, subAuthority });
          expect(sidFromBytes(sidToBytes(s))).toBe(s);
          expect(SidStruct.decode(sidToBytes(s))).toEqual({ identifierAuthority, subAuthority });
        },
      ),
    );
  });
});

describe("SECURITY_DESCRIPTOR / ACL / ACE (MS-DTYP 2.4.4-2.4.6)", () => {
  it("decodes and re-encodes Samba's file SD O:BAG:SYD:PAI(...) byte for byte", () => {
    const sd = SecurityDescriptor.decode(hex(SAMBA_SD_FILE));
    expect(sd.owner).toBe("S-1-5-32-544");
    expect(sd.group).toBe("S-1-5-18");
    expect(sd.sacl).toBeUndefined();
    expect(sd.control).toBe(
      SecurityDescriptorControl.SE_SELF_RELATIVE |
        SecurityDescriptorControl.SE_DACL_PROTECTED |
        SecurityDescriptorControl.SE_DACL_AUTO_INHERITED |
        SecurityDescriptorControl.SE_DACL_PRESENT,
    );
    const aces = sd.dacl!.aces;
    expect(aces).toHaveLength(5);
    expect(aces[0]).toEqual({
      flags: AceFlags.OBJECT_INHERIT_ACE | AceFlags.CONTAINER_INHERIT_ACE,
      body: { type: AceType.ACCESS_ALLOWED, value: { mask: 0x1ff, sid: "S-1-5-18" } },
    });
    expect(aces[2]!.body).toEqual({ type: 0, value: { mask: 0x10000000, sid: "S-1-3-0" } });
    expect(aces[4]!.body).toEqual({ type: AceType.ACCESS_DENIED, value: { mask: 0x40000, sid: "S-1-5-7" } });
    expect(SecurityDescriptor.encode(sd).toString("hex")).toBe(SAMBA_SD_FILE);
  });

  it("handles a SACL before the DACL and audit ACE flags", () => {
    const sd = SecurityDescriptor.decode(hex(SAMBA_SD_SACL));
    expect(sd.group).toBe("S-1-22-2-100");
    expect(sd.sacl!.aces[0]).toEqual({
      flags: AceFlags.SUCCESSFUL_ACCESS_ACE_FLAG | AceFlags.FAILED_ACCESS_ACE_FLAG,
      body: { type: AceType.SYSTEM_AUDIT, value: { mask: 0x1ff, sid: "S-1-1-0" } },
    });
    expect(SecurityDescriptor.encode(sd).toString("hex")).toBe(SAMBA_SD_SACL);
  });

  it("decodes object ACEs with either, both or no GUID present", () => {
    const sd = SecurityDescriptor.decode(hex(SAMBA_SD_OBJECT));
    expect(sd.group).toBeUndefined();
    const [a, b, c] = sd.dacl!.aces;
    expect(sd.dacl!.aclRevision).toBe(4);
    expect(a!.body).toEqual({
      type: AceType.ACCESS_ALLOWED_OBJECT,
      value: {
        mask: 0x100,
        objectTypes: { objectType: "ab721a53-1e2f-11d0-9819-00aa0040529b" },
        sid: "S-1-5-10",
      },
    });
    expect(b!.body.value).toMatchObject({
      objectTypes: {
        objectType: "4c164200-20c0-11d0-a768-00aa006e0529",
        inheritedObjectType: "4828cc14-1437-45bc-9b07-ad6f015e5f28",
      },
      sid: "S-1-5-32-554",
    });
    expect(c!.body.value).toMatchObject({
      objectTypes: { inheritedObjectType: "bf967aba-0de6-11d0-a285-00aa003049e2" },
    });
    expect(SecurityDescriptor.encode(sd).toString("hex")).toBe(SAMBA_SD_OBJECT);
  });

  it("builds a descriptor with derived control bits, offsets and sizes", () => {
    const buf = encodeSecurityDescriptor({
      owner: "S-1-5-18",
      dacl: {
        aclRevision: 2,
        aces: [{ flags: 0, body: { type: AceType.ACCESS_ALLOWED, value: { mask: 0x1f01ff, sid: "WD" } } }],
      },
    });
    // control SR|DP, owner at 20, no group/sacl, dacl after the 12-byte owner SID
    expect(buf.toString("hex")).toBe(
      "01000480" +
        "14000000" +
        "00000000" +
        "00000000" +
        "20000000" +
        "010100000000000512000000" +
        "02001c00" +
        "01000000" +
        "00001400ff011f00010100000000000100000000",
    );
  });

  it("keeps callback ACE application data and unknown ACE types as raw bytes, skipping AceSize padding", () => {
    // ACCESS_ALLOWED_CALLBACK_ACE with 4 bytes of application data ("artx" conditional-expression magic),
    // then an unknown type 0x42 with 4 body bytes, then an ACCESS_ALLOWED ACE padded to 24 bytes.
    const acl = hex(
      "0200 4000 0300 0000" +
        "0000 1800 02000000 010100000000000512000000 00000000" +
        "0900 1800 01000000 010100000000000100000000 61727478" +
        "4200 0800 deadbeef",
    );
    const v = Acl.decode(acl);
    expect(v.aces[0]!.body).toEqual({ type: 0, value: { mask: 2, sid: "S-1-5-18" } });
    expect(v.aces[1]!.body).toEqual({
      type: AceType.ACCESS_ALLOWED_CALLBACK,
      value: { mask: 1, sid: "S-1-1-0", applicationData: Buffer.from("artx") },
    });
    expect(v.aces[2]!.body).toEqual({ type: 0x42, value: hex("deadbeef") });
    expect(Ace.encode(v.aces[2]!).toString("hex")).toBe("42000800deadbeef");
    expect(Ace.encode(v.aces[1]!).toString("hex")).toBe(acl.subarray(32, 56).toString("hex"));
  });

  it("rejects an AceSize past the ACL and an AclSize past the buffer", () => {
    const acl = Acl.encode({ aces: [{ flags: 0, body: { type: 0, value: { mask: 1, sid: "WD" } } }] });
    const big = Buffer.from(acl);
    big.writeUInt16LE(200, 10);
    expect(() => Acl.decode(big)).toThrow(SmbDecodeError);
    const big2 = Buffer.from(acl);
    big2.writeUInt16LE(200, 2);
    expect(() => Acl.decode(big2)).toThrow(SmbDecodeError);
  });

  it("round-trips generated descriptors and survives random bytes", () => {
    const sidArb = fc
      .tuple(
        fc.integer({ min: 0, max: 0xffffffffffff }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 6 }),
      )
      .map(([identifierAuthority, subAuthority]) => formatSid({ identifierAuthority, subAuthority }));
    const guidArb = fc.uuid().map((u) => u.toLowerCase());
    const aceArb = fc.oneof(
      fc.record({
        flags: fc.integer({ min: 0, max: 255 }),
        body: fc.record({
          type: fc.constantFrom(0, 1, 2, 0x11),
          value: fc.record({ mask: fc.integer({ min: 0, max: 0xffffffff }), sid: sidArb }),
        }),
      }),
      fc.record({
        flags: fc.integer({ min: 0, max: 255 }),
        body: fc.record({
          type: fc.constantFrom(5, 6, 7),
          value: fc.record({
            mask: fc.integer({ min: 0, max: 0xffffffff }),
            objectTypes: fc.record(
              { objectType: guidArb, inheritedObjectType: guidArb },
              { requiredKeys: [] },
            ),
            sid: sidArb,
          }),
        }),
      }),
    );
    const aclArb = fc.option(
      fc.record({ aclRevision: fc.constantFrom(2, 4), aces: fc.array(aceArb, { maxLength: 5 }) }),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(
        fc.option(sidArb, { nil: undefined }),
        fc.option(sidArb, { nil: undefined }),
        aclArb,
        aclArb,
        fc.integer({ min: 0, max: 0xffff }),
        (owner, group, sacl, dacl, control) => {
          const sd = { sbz1: 0, control, owner, group, sacl, dacl };
          const back = SecurityDescriptor.decode(SecurityDescriptor.encode(sd as SecurityDescriptorInput));
          expect(back).toEqual(sd);
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const s of [SecurityDescriptor, Acl, Ace, SidStruct]) {
          try {
            s.decode(Buffer.from(bytes));
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
      }),
    );
  });
});

describe("SDDL formatting (MS-DTYP 2.5.1)", () => {
  it("renders Samba's descriptors the way Samba's as_sddl() does, modulo file-right aliases", () => {
    // Samba printed "O:BAG:SYD:PAI(A;OICI;RPWPCRCCDCLCLODTSW;;;SY)...": its directory-service aliases for 0x1ff.
    expect(formatSddl(SecurityDescriptor.decode(hex(SAMBA_SD_FILE)))).toBe(
      "O:BAG:SYD:PAI(A;OICI;0x000001ff;;;SY)(A;OICI;0x000001ff;;;BA)(A;OICIIO;GA;;;CO)(A;;0x001200a9;;;WD)(D;;WD;;;AN)",
    );
    expect(formatSddl(SecurityDescriptor.decode(hex(SAMBA_SD_OBJECT)))).toBe(
      "O:SYD:(OA;;0x00000100;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)" +
        "(OA;CIIO;0x00000010;4c164200-20c0-11d0-a768-00aa006e0529;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
        "(OD;;0x00000020;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)",
    );
    expect(
      formatSddl(
        SecurityDescriptor.decode(encodeSecurityDescriptor({ owner: "S-1-5-21-1-2-3-1000", nullDacl: true })),
      ),
    ).toBe("O:S-1-5-21-1-2-3-1000D:NO_ACCESS_CONTROL");
  });
});
