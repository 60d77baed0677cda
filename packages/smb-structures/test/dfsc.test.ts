import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DfsReferralEntryFlags,
  DfsReferralHeaderFlags,
  DfsServerType,
  decodeReqGetDfsReferralEx,
  decodeRespGetDfsReferral,
  encodeReqGetDfsReferralEx,
  encodeRespGetDfsReferral,
  ReqGetDfsReferral,
  type RespGetDfsReferral,
  SmbDecodeError,
} from "../src/index.js";
import samba from "./vectors/samba-4.17.json";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const w = (s: string) => Buffer.from(`${s}\0`, "utf16le").toString("hex");
const le16 = (n: number) => Buffer.from([n & 0xff, n >> 8]).toString("hex");

describe("MS-DFSC referral messages", () => {
  it("REQ_GET_DFS_REFERRAL as smbclient 4.17 sent it (captured: test/vectors/samba-4.17.json)", () => {
    const buf = Buffer.from(samba.vectors["IOCTL request 0x00060194"], "hex");
    const req = ReqGetDfsReferral.decode(buf);
    expect(req).toEqual({ maxReferralLevel: 3, requestFileName: "\\127.0.0.1\\share" });
    expect(ReqGetDfsReferral.encode(req).equals(buf)).toBe(true);
  });

  it("RESP_GET_DFS_REFERRAL v3 root referral from Samba 4.17 (msdfs root share, captured)", () => {
    const buf = Buffer.from(samba.vectors["DFS referral \\127.0.0.1\\dfsroot"], "hex");
    const r = decodeRespGetDfsReferral(buf);
    expect(r).toEqual({
      pathConsumed: 36,
      referralHeaderFlags: DfsReferralHeaderFlags.ReferralServers | DfsReferralHeaderFlags.StorageServers,
      referralEntries: [
        {
          versionNumber: 3,
          serverType: DfsServerType.Root,
          referralEntryFlags: 0,
          timeToLive: 600,
          dfsPath: "\\127.0.0.1\\dfsroot",
          dfsAlternatePath: "\\127.0.0.1\\dfsroot",
          networkAddress: "\\127.0.0.1\\dfsroot",
          serviceSiteGuid: "00000000-0000-0000-0000-000000000000",
        },
      ],
    });
    expect(encodeRespGetDfsReferral(r).equals(buf)).toBe(true);
  });

  // Laid out by hand from the MS-DFSC 2.2.4 / 2.2.5.4 field tables: two v4 entries (34 bytes each) whose
  // offsets count from their own entry start into the strings after both entries.
  const path = "\\dom\\ns";
  const V4 =
    `${le16(14)} 0200 07000000` +
    // entry 1 at 8: strings start at 8 + 68 = 76 -> offsets 68, 68+16, 68+32
    `0400 2200 0100 0400 2c010000 ${le16(68)} ${le16(84)} ${le16(100)} ${"00".repeat(16)}` +
    // entry 2 at 42: strings 3.. start at 76 + 16*3 = 124 -> offsets 82, 98, 114
    `0400 2200 0100 0000 2c010000 ${le16(82)} ${le16(98)} ${le16(114)} ${"00".repeat(16)}` +
    `${w(path)}${w(path)}${w("\\fs1\\ns")}${w(path)}${w(path)}${w("\\fs2\\ns")}`;

  it("decodes a two-entry v4 root referral with TargetSetBoundary and target failback (hand-laid)", () => {
    const r = decodeRespGetDfsReferral(hex(V4));
    expect(r.pathConsumed).toBe(14);
    expect(r.referralHeaderFlags & DfsReferralHeaderFlags.TargetFailback).toBeTruthy();
    expect(r.referralEntries.map((e) => ("networkAddress" in e ? e.networkAddress : ""))).toEqual([
      "\\fs1\\ns",
      "\\fs2\\ns",
    ]);
    expect(r.referralEntries[0]!.referralEntryFlags).toBe(DfsReferralEntryFlags.TargetSetBoundary);
    expect(encodeRespGetDfsReferral(r).toString("hex")).toBe(V4.replace(/\s+/g, ""));
  });

  it("decodes a v3 domain referral (NameListReferral: SpecialName + ExpandedNames) and v1/v2 entries", () => {
    const NAMES =
      `0000 0300 00000000` +
      // v3 name list, 34 bytes at 8: strings at 8+34+22+26 = 90 -> SpecialName offset 82, Expanded 82+10
      `0300 2200 0000 0200 58020000 ${le16(82)} 0200 ${le16(92)} ${"00".repeat(16)}` +
      // v2 (22 bytes) at 42: its strings after "\DOM" (10 bytes) and two expanded names (16 + 14) at 130
      `0200 1600 0000 0000 00000000 84030000 ${le16(88)} ${le16(98)} ${le16(108)}` +
      // v1 at 64: ShareName inline, Size 8 + 18
      `0100 1a00 0100 0000 ${w("\\a\\share")}` +
      `${w("\\DOM")}${w("\\dom.ex")}${w("\\dc.ex")}${w("\\a\\b")}${w("\\c\\d")}${w("\\e\\f")}`;
    const r = decodeRespGetDfsReferral(hex(NAMES));
    expect(r.referralEntries).toEqual([
      {
        versionNumber: 3,
        serverType: 0,
        referralEntryFlags: DfsReferralEntryFlags.NameListReferral,
        timeToLive: 600,
        specialName: "\\DOM",
        expandedNames: ["\\dom.ex", "\\dc.ex"],
      },
      {
        versionNumber: 2,
        serverType: 0,
        referralEntryFlags: 0,
        proximity: 0,
        timeToLive: 900,
        dfsPath: "\\a\\b",
        dfsAlternatePath: "\\c\\d",
        networkAddress: "\\e\\f",
      },
      { versionNumber: 1, serverType: 1, referralEntryFlags: 0, shareName: "\\a\\share" },
    ]);
    expect(encodeRespGetDfsReferral(r).toString("hex")).toBe(NAMES.replace(/\s+/g, ""));
  });

  it("rejects a Size past the buffer, an offset past it, and a string without NUL", () => {
    const buf = hex(V4);
    const badSize = Buffer.from(buf);
    badSize.writeUInt16LE(0xfff0, 10);
    expect(() => decodeRespGetDfsReferral(badSize)).toThrow(SmbDecodeError);
    const badOff = Buffer.from(buf);
    badOff.writeUInt16LE(0xfff0, 8 + 16);
    expect(() => decodeRespGetDfsReferral(badOff)).toThrow(SmbDecodeError);
    expect(() => decodeRespGetDfsReferral(buf.subarray(0, buf.length - 2))).toThrow(SmbDecodeError);
    const zeroSize = Buffer.from(buf);
    zeroSize.writeUInt16LE(0, 10);
    expect(() => decodeRespGetDfsReferral(zeroSize)).toThrow(SmbDecodeError);
  });

  it("REQ_GET_DFS_REFERRAL_EX with and without the site name (MS-DFSC 2.2.3)", () => {
    const withSite = encodeReqGetDfsReferralEx({
      maxReferralLevel: 4,
      requestFileName: "\\dom\\ns",
      siteName: "Site1",
    });
    expect(withSite.toString("hex")).toBe(
      `0400 0100 ${Buffer.from([2 + 16 + 2 + 12, 0, 0, 0]).toString("hex")} 1000 ${w("\\dom\\ns")} 0c00 ${w("Site1")}`.replace(
        /\s+/g,
        "",
      ),
    );
    expect(decodeReqGetDfsReferralEx(withSite)).toEqual({
      maxReferralLevel: 4,
      requestFileName: "\\dom\\ns",
      siteName: "Site1",
    });
    const plain = encodeReqGetDfsReferralEx({ maxReferralLevel: 3, requestFileName: "\\x" });
    expect(decodeReqGetDfsReferralEx(plain)).toEqual({ maxReferralLevel: 3, requestFileName: "\\x" });
  });

  it("round-trips generated responses and survives random bytes", () => {
    const s = fc.stringMatching(/^[\\a-zA-Z0-9.]{0,20}$/);
    const entry = fc.oneof(
      fc.record({
        versionNumber: fc.constantFrom(3 as const, 4 as const),
        serverType: fc.constantFrom(0, 1),
        referralEntryFlags: fc.constantFrom(0, 4),
        timeToLive: fc.integer({ min: 0, max: 0xffffffff }),
        dfsPath: s,
        dfsAlternatePath: s,
        networkAddress: s,
        serviceSiteGuid: fc.constant("00000000-0000-0000-0000-000000000000"),
      }),
      fc.record({
        versionNumber: fc.constantFrom(3 as const, 4 as const),
        serverType: fc.constant(0),
        referralEntryFlags: fc.constant(2),
        timeToLive: fc.integer({ min: 0, max: 0xffffffff }),
        specialName: s,
        expandedNames: fc.array(s, { maxLength: 3 }),
      }),
      fc.record({
        versionNumber: fc.constant(2 as const),
        serverType: fc.constantFrom(0, 1),
        referralEntryFlags: fc.constant(0),
        proximity: fc.integer({ min: 0, max: 0xffffffff }),
        timeToLive: fc.integer({ min: 0, max: 0xffffffff }),
        dfsPath: s,
        dfsAlternatePath: s,
        networkAddress: s,
      }),
      fc.record({
        versionNumber: fc.constant(1 as const),
        serverType: fc.constantFrom(0, 1),
        referralEntryFlags: fc.constant(0),
        shareName: s,
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          pathConsumed: fc.integer({ min: 0, max: 0xffff }),
          referralHeaderFlags: fc.integer({ min: 0, max: 7 }),
          referralEntries: fc.array(entry, { maxLength: 5 }),
        }),
        (r: RespGetDfsReferral) => {
          expect(decodeRespGetDfsReferral(encodeRespGetDfsReferral(r))).toEqual(r);
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const f of [
          decodeRespGetDfsReferral,
          decodeReqGetDfsReferralEx,
          (b: Buffer) => ReqGetDfsReferral.decode(b),
        ]) {
          try {
            f(Buffer.from(bytes));
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
