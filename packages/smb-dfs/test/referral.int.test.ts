// FSCTL_DFS_GET_REFERRALS against the test Samba's msdfs root `dfsroot`: what Samba 4.17 returns for the
// root and for every link kind (one target, several targets with a broken first one, a link in a
// subfolder, a target with a sub-path, a second server name, an encrypted target), at every level.
import type { Connection, Tree } from "smb-client";
import { SmbError } from "smb-client";
import { DfsReferralHeaderFlags, DfsServerType, NtStatus } from "smb-structures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getReferralResponse, getReferrals } from "../src/index.js";
import { login } from "./helpers/engine.js";

const samba = inject("samba");
const S = "127.0.0.1";

describe.skipIf(samba.external)("FSCTL_DFS_GET_REFERRALS against Samba (dfsroot)", () => {
  let conn: Connection;
  let ipc: Tree;
  beforeAll(async () => {
    const l = await login(samba);
    conn = l.conn;
    ipc = await l.session.connectTree("IPC$");
  });
  afterAll(async () => {
    await conn?.close();
  });

  it("asks with _EX first and falls back (Samba: STATUS_FS_DRIVER_REQUIRED), then stays on plain", async () => {
    const err = await getReferralResponse(ipc, `\\${S}\\dfsroot`, { ex: true }).catch((e) => e);
    expect(SmbError.is(err, NtStatus.STATUS_FS_DRIVER_REQUIRED)).toBe(true);
    const r = await getReferralResponse(ipc, `\\${S}\\dfsroot`);
    expect(r.ex).toBe(false);
    expect(r.requestName).toBe(`\\${S}\\dfsroot`);
  });

  it("root referral: v3, ServerType root, flags R|S, TTL 600, PathConsumed in bytes", async () => {
    const r = await getReferrals(ipc, `\\${S}\\dfsroot`);
    expect(r).toMatchObject({
      kind: "root",
      version: 3,
      dfsPath: `\\${S}\\dfsroot`,
      ttl: 600,
      referralServers: true,
      storageServers: true,
      targetFailback: false,
      pathConsumed: 2 * `\\${S}\\dfsroot`.length,
    });
    expect(r.response.referralHeaderFlags).toBe(
      DfsReferralHeaderFlags.ReferralServers | DfsReferralHeaderFlags.StorageServers,
    );
    expect(r.response.referralEntries[0]!.serverType).toBe(DfsServerType.Root);
    expect(r.targets).toEqual([
      { address: `\\${S}\\dfsroot`, server: S, share: "dfsroot", path: "", set: 0, isRoot: true },
    ]);
  });

  it("accepts the \\\\server and //server spellings of the request name", async () => {
    for (const p of [`\\\\${S}\\dfsroot`, `//${S}/dfsroot/`]) {
      const r = await getReferrals(ipc, p);
      expect(r.dfsPath).toBe(`\\${S}\\dfsroot`);
    }
  });

  const links: [string, string, string[]][] = [
    ["link-share", "\\link-share", [`\\${S}\\share`]],
    ["link-multi", "\\link-multi", [`\\${S}\\no-such-share`, `\\${S}\\share`]],
    ["sub\\link-deep", "\\sub\\link-deep", [`\\${S}\\share`]],
    ["link-subpath", "\\link-subpath", [`\\${S}\\share\\subdir`]],
    ["link-second-name", "\\link-second-name", ["\\localhost\\share"]],
    ["link-encrypted", "\\link-encrypted", [`\\${S}\\share-encrypted`]],
  ];
  for (const [link, covered, targets] of links) {
    it(`link referral for ${link}\\a\\b.txt covers only the link (v3, S, TTL 600)`, async () => {
      const r = await getReferrals(ipc, `\\${S}\\dfsroot\\${link}\\a\\b.txt`);
      expect(r.kind).toBe("link");
      expect(r.version).toBe(3);
      expect(r.dfsPath).toBe(`\\${S}\\dfsroot${covered}`);
      expect(r.serverDfsPath).toBe(`\\${S}\\dfsroot${covered}`);
      expect(r.pathConsumed).toBe(2 * r.dfsPath.length);
      expect(r.ttl).toBe(600);
      expect(r.referralServers).toBe(false);
      expect(r.storageServers).toBe(true);
      expect(r.targets.map((t) => t.address)).toEqual(targets);
      expect(r.targets.every((t) => !t.isRoot && t.set === 0)).toBe(true);
    });
  }

  it("the sub-path target splits into share and path", async () => {
    const r = await getReferrals(ipc, `\\${S}\\dfsroot\\link-subpath`);
    expect(r.targets[0]).toMatchObject({ server: S, share: "share", path: "subdir" });
  });

  it("levels 1 and 2 get v2 entries (Samba sends no v1), level 3 and 4 get v3 (no v4 off sysvol)", async () => {
    for (const [level, version] of [
      [1, 2],
      [2, 2],
      [3, 3],
      [4, 3],
    ] as const) {
      const r = await getReferrals(ipc, `\\${S}\\dfsroot\\link-multi`, { maxLevel: level });
      expect(r.version).toBe(version);
      expect(r.targets.map((t) => t.share)).toEqual(["no-such-share", "share"]);
      expect(r.ttl).toBe(600);
    }
  });

  it("matches case-insensitively and echoes the request's spelling and server name", async () => {
    const upper = await getReferrals(ipc, `\\${S}\\DFSROOT\\LINK-share\\x`);
    expect(upper.dfsPath).toBe(`\\${S}\\DFSROOT\\LINK-share`);
    const other = await getReferrals(ipc, "\\localhost\\dfsroot\\link-share");
    expect(other.dfsPath).toBe("\\localhost\\dfsroot\\link-share");
    expect(other.targets[0]!.server).toBe(S);
  });

  it("errors: non-DFS share STATUS_NOT_FOUND, non-link path STATUS_OBJECT_PATH_NOT_FOUND", async () => {
    const notDfs = await getReferrals(ipc, `\\${S}\\share\\subdir`).catch((e) => e);
    expect(SmbError.is(notDfs, NtStatus.STATUS_NOT_FOUND)).toBe(true);
    const plain = await getReferrals(ipc, `\\${S}\\dfsroot\\plain-dir\\file.txt`).catch((e) => e);
    expect(SmbError.is(plain, NtStatus.STATUS_OBJECT_PATH_NOT_FOUND)).toBe(true);
    const dir = await getReferrals(ipc, `\\${S}\\dfsroot\\sub`).catch((e) => e);
    expect(SmbError.is(dir, NtStatus.STATUS_OBJECT_PATH_NOT_FOUND)).toBe(true);
  });

  it("a standalone server answers domain and DC referral requests with STATUS_NOT_FOUND", async () => {
    for (const p of ["", `\\${samba.domain}`]) {
      const err = await getReferrals(ipc, p).catch((e) => e);
      expect(SmbError.is(err, NtStatus.STATUS_NOT_FOUND)).toBe(true);
    }
  });

  it("CREATE on a link is refused with STATUS_PATH_NOT_COVERED, with or without the DFS flag", async () => {
    const tree = await ipc.session.connectTree("dfsroot");
    expect(tree.isDfs).toBe(true);
    for (const [name, dfs] of [
      ["link-share", false],
      [`${S}\\dfsroot\\link-share\\x`, true],
    ] as const) {
      const err = await tree.create(name, { dfs }).catch((e) => e);
      expect(SmbError.is(err, NtStatus.STATUS_PATH_NOT_COVERED)).toBe(true);
    }
    const f = await tree.create(`${S}\\dfsroot\\plain-dir\\file.txt`, { dfs: true });
    await f.close();
    await tree.disconnect();
  });
});
