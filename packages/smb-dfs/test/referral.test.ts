// Referral interpretation from encoded responses, including what Samba cannot produce: v1 entries,
// v4 with TargetSetBoundary on a non-sysvol link, TargetFailback, name lists, PathConsumed counted in
// characters, and a referral whose DFSPath differs from the request.
import {
  type DfsReferralEntry,
  DfsReferralEntryFlags,
  DfsReferralHeaderFlags,
  DfsServerType,
  decodeRespGetDfsReferral,
  encodeRespGetDfsReferral,
  NULL_GUID,
} from "smb-structures";
import { describe, expect, it } from "vitest";
import { consumedPrefix, interpretReferral, referralRequestName } from "../src/index.js";

const R = DfsReferralHeaderFlags;
const roundTrip = (pathConsumed: number, flags: number, entries: DfsReferralEntry[]) =>
  decodeRespGetDfsReferral(
    encodeRespGetDfsReferral({ pathConsumed, referralHeaderFlags: flags, referralEntries: entries }),
  );
const bytes = (s: string) => 2 * s.length;

function v3(
  dfsPath: string,
  address: string,
  o: Partial<{ ttl: number; flags: number; type: number; version: 3 | 4 }> = {},
): DfsReferralEntry {
  return {
    versionNumber: o.version ?? 3,
    serverType: o.type ?? DfsServerType.NonRoot,
    referralEntryFlags: o.flags ?? 0,
    timeToLive: o.ttl ?? 300,
    dfsPath,
    dfsAlternatePath: dfsPath,
    networkAddress: address,
    serviceSiteGuid: NULL_GUID,
  };
}

describe("referralRequestName", () => {
  it("normalises to one leading backslash", () => {
    expect(referralRequestName("\\\\srv\\root\\a")).toBe("\\srv\\root\\a");
    expect(referralRequestName("//srv/root/a/")).toBe("\\srv\\root\\a");
    expect(referralRequestName("\\srv")).toBe("\\srv");
    expect(referralRequestName("")).toBe("");
  });
});

describe("interpretReferral", () => {
  it("v1 entries (MS-DFSC 2.2.5.1): ShareName as the target, no TTL, no DFSPath", () => {
    const req = "\\srv\\root\\link\\file.txt";
    const resp = roundTrip(bytes("\\srv\\root\\link"), R.StorageServers, [
      {
        versionNumber: 1,
        serverType: DfsServerType.NonRoot,
        referralEntryFlags: 0,
        shareName: "\\fs1\\data",
      },
      {
        versionNumber: 1,
        serverType: DfsServerType.NonRoot,
        referralEntryFlags: 0,
        shareName: "\\fs2\\data\\sub",
      },
    ]);
    const r = interpretReferral(req, resp);
    expect(r).toMatchObject({
      kind: "link",
      version: 1,
      dfsPath: "\\srv\\root\\link",
      ttl: 0,
      serverDfsPath: "",
    });
    expect(r.targets).toEqual([
      { address: "\\fs1\\data", server: "fs1", share: "data", path: "", set: 0, isRoot: false },
      { address: "\\fs2\\data\\sub", server: "fs2", share: "data", path: "sub", set: 0, isRoot: false },
    ]);
  });

  it("v4 link with TargetSetBoundary groups targets into sets; TargetFailback flag", () => {
    const dfs = "\\corp\\ns\\projects";
    const B = DfsReferralEntryFlags.TargetSetBoundary;
    const resp = roundTrip(bytes(dfs), R.StorageServers | R.TargetFailback, [
      v3(dfs, "\\site-a1\\p", { version: 4, flags: B, ttl: 1800 }),
      v3(dfs, "\\site-a2\\p", { version: 4, ttl: 1800 }),
      v3(dfs, "\\far-b1\\p", { version: 4, flags: B, ttl: 1800 }),
      v3(dfs, "\\far-c1\\p", { version: 4, flags: B, ttl: 1800 }),
    ]);
    const r = interpretReferral(`${dfs}\\x`, resp);
    expect(r.version).toBe(4);
    expect(r.kind).toBe("link");
    expect(r.ttl).toBe(1800);
    expect(r.targetFailback).toBe(true);
    expect(r.targets.map((t) => [t.server, t.set])).toEqual([
      ["site-a1", 0],
      ["site-a2", 0],
      ["far-b1", 1],
      ["far-c1", 2],
    ]);
  });

  it("v4 sysvol referral (ServerType non-root, TargetSetBoundary, TTL 900) is kind sysvol", () => {
    const dfs = "\\smb.test\\sysvol";
    const resp = roundTrip(bytes(dfs), R.StorageServers, [
      v3(dfs, "\\dc1.smb.test\\sysvol", {
        version: 4,
        flags: DfsReferralEntryFlags.TargetSetBoundary,
        ttl: 900,
      }),
    ]);
    const r = interpretReferral("\\SMB.TEST\\SYSVOL\\smb.test\\Policies", resp);
    expect(r).toMatchObject({ kind: "sysvol", ttl: 900, dfsPath: "\\SMB.TEST\\SYSVOL" });
    expect(r.targets[0]).toMatchObject({ server: "dc1.smb.test", share: "sysvol", set: 0 });
  });

  it("domain referral (empty request): every name-list entry's SpecialName", () => {
    const L = DfsReferralEntryFlags.NameListReferral;
    const resp = roundTrip(0, 0, [
      {
        versionNumber: 3,
        serverType: 0,
        referralEntryFlags: L,
        timeToLive: 600,
        specialName: "\\SMB",
        expandedNames: [],
      },
      {
        versionNumber: 3,
        serverType: 0,
        referralEntryFlags: L,
        timeToLive: 600,
        specialName: "\\smb.test",
        expandedNames: [],
      },
    ]);
    const r = interpretReferral("", resp);
    expect(r.kind).toBe("domain");
    expect(r.nameList?.map((n) => n.specialName)).toEqual(["\\SMB", "\\smb.test"]);
    expect(r.targets).toEqual([]);
  });

  it("DC referral: SpecialName and the DC list (ExpandedNames)", () => {
    const L = DfsReferralEntryFlags.NameListReferral;
    const resp = roundTrip(0, 0, [
      {
        versionNumber: 3,
        serverType: 0,
        referralEntryFlags: L,
        timeToLive: 600,
        specialName: "SMB.TEST",
        expandedNames: ["\\dc1.smb.test", "\\dc2.smb.test"],
      },
    ]);
    const r = interpretReferral("\\SMB.TEST", resp);
    expect(r).toMatchObject({
      kind: "dc",
      specialName: "SMB.TEST",
      expandedNames: ["\\dc1.smb.test", "\\dc2.smb.test"],
    });
  });

  it("a domain-based root referral (ServerType root, R|S) has root targets", () => {
    const dfs = "\\corp\\ns";
    const resp = roundTrip(bytes(dfs), R.ReferralServers | R.StorageServers, [
      v3(dfs, "\\rs1\\ns", { type: DfsServerType.Root }),
      v3(dfs, "\\rs2\\ns", { type: DfsServerType.Root }),
    ]);
    const r = interpretReferral(`${dfs}\\link\\f`, resp);
    expect(r).toMatchObject({ kind: "root", dfsPath: dfs, referralServers: true });
    expect(r.targets.every((t) => t.isRoot)).toBe(true);
  });

  it("an empty referral is STATUS_NOT_FOUND", () => {
    expect(() => interpretReferral("\\a\\b", roundTrip(0, 0, []))).toThrow(/STATUS_NOT_FOUND/);
  });
});

describe("consumedPrefix (PathConsumed quirks)", () => {
  const req = "\\srv\\root\\link\\dir\\file.txt";
  it("bytes, as the spec says", () => {
    expect(consumedPrefix(req, bytes("\\srv\\root\\link"), "\\srv\\root\\link")).toBe("\\srv\\root\\link");
  });
  it("characters (some servers): taken when bytes would not end on a separator", () => {
    expect(consumedPrefix(req, "\\srv\\root\\link".length, "\\srv\\root\\link")).toBe("\\srv\\root\\link");
    expect(consumedPrefix(req, "\\srv\\root\\link".length)).toBe("\\srv\\root\\link");
  });
  it("characters vs bytes ambiguity is settled by the DFSPath", () => {
    // "\a\b\cc\dddd" (12 chars): PathConsumed 12 is "\a\b\cc" in bytes? no: 6 chars "\a\b\c" is not a
    // boundary; here both 4 ("\a\b" as bytes=8) and 8 work, the DFSPath picks.
    const r = "\\a\\b\\c\\d\\e\\f";
    expect(consumedPrefix(r, 8, "\\a\\b\\c\\d")).toBe("\\a\\b\\c\\d");
    expect(consumedPrefix(r, 8, "\\a\\b")).toBe("\\a\\b");
    expect(consumedPrefix(r, 8)).toBe("\\a\\b");
  });
  it("non-ASCII names: bytes of UTF-16, the DFSPath matched case-insensitively", () => {
    const r = "\\SRV\\Root\\Über\\ß.txt";
    expect(consumedPrefix(r, bytes("\\srv\\root\\über"), "\\srv\\root\\ÜBER")).toBe("\\SRV\\Root\\Über");
  });
  it("garbage PathConsumed falls back to the DFSPath, then to a boundary, never below \\server\\share", () => {
    expect(consumedPrefix(req, 7, "\\srv\\root\\link")).toBe("\\srv\\root\\link");
    expect(consumedPrefix(req, 9999, "\\other\\x")).toBe("\\srv\\root\\link\\dir\\file.txt");
    expect(consumedPrefix(req, 3)).toBe("\\srv\\root");
    expect(consumedPrefix(req, 21)).toBe("\\srv\\root");
  });
});
