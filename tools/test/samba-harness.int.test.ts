// Sanity check of the Samba test harness with Samba's own smbclient CLI.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { startSamba } from "../samba/server.mjs";
import { negotiate, SIGNING_REQUIRED } from "./negotiate.js";
import { smbclient } from "./smbclient.js";

const info = inject("samba");
const mainShare = info.shares.share ? "share" : Object.keys(info.shares)[0]!;

/** Tests that rely on the harness's own shares and settings cannot run against an external server. */
function localOnly(ctx: TestContext): void {
  if (info.external) ctx.skip("external server (SMB_SERVER): its shares and settings are not ours");
}

let local: string;
beforeAll(async () => {
  local = await mkdtemp(join(tmpdir(), "smbjs-harness-"));
});
afterAll(async () => {
  await rm(local, { recursive: true, force: true });
});

describe("samba harness", () => {
  it("lists every share", async () => {
    for (const name of Object.keys(info.shares)) {
      const port = name === "share-signed" ? info.signedPort : info.port;
      const r = await smbclient(info, name, "ls", { port });
      expect(r.output, name).not.toMatch(/NT_STATUS_/);
      expect(r.code, name).toBe(0);
    }
  });

  it("round-trips a file through put and get", async () => {
    const data = randomBytes(100_000);
    const name = `roundtrip-${Date.now()}.bin`;
    await writeFile(join(local, "up.bin"), data);
    const r = await smbclient(
      info,
      mainShare,
      `lcd ${local}; put up.bin ${name}; get ${name} down.bin; del ${name}`,
    );
    expect(r.code, r.output).toBe(0);
    expect((await readFile(join(local, "down.bin"))).equals(data)).toBe(true);
  });

  it("rejects a wrong password", async () => {
    const r = await smbclient(info, mainShare, "ls", { password: "wrong-password" });
    expect(r.output).toContain("NT_STATUS_LOGON_FAILURE");
    expect(r.code).not.toBe(0);
  });

  it("serves the seeded files and refuses writes on readonly", async (ctx) => {
    localOnly(ctx);
    const r = await smbclient(info, "readonly", `lcd ${local}; get hello.txt; put hello.txt copy.txt`);
    expect(readFileSync(join(local, "hello.txt"), "utf8")).toContain("read-only");
    expect(r.output).toContain("NT_STATUS_ACCESS_DENIED opening remote file \\copy.txt");
  });

  it("share-encrypted refuses an unencrypted session and accepts an encrypted one", async (ctx) => {
    localOnly(ctx);
    // smbclient encrypts by itself on SMB 3 when the share asks, so force a dialect without encryption.
    const clear = await smbclient(info, "share-encrypted", "ls", {
      args: ["-m", "SMB2_10", "--option=client smb encrypt=off"],
    });
    expect(clear.output).toContain("NT_STATUS_ACCESS_DENIED");
    const plainShare = await smbclient(info, "share", "ls", { args: ["-m", "SMB2_10"] });
    expect(plainShare.code, plainShare.output).toBe(0);
    const sealed = await smbclient(info, "share-encrypted", "ls", { args: ["--client-protection=encrypt"] });
    expect(sealed.code, sealed.output).toBe(0);
  });

  it("share-signed is served by a companion smbd that requires signing", async (ctx) => {
    localOnly(ctx);
    expect((await negotiate(info.host, info.signedPort)).securityMode & SIGNING_REQUIRED).toBe(
      SIGNING_REQUIRED,
    );
    expect((await negotiate(info.host, info.port)).securityMode & SIGNING_REQUIRED).toBe(0);
    // smbclient 4.17 cannot refuse to sign on SMB2 ("client signing = off" is overruled when the server
    // requires it), so check that it ends up signing every message there but not on the main server.
    const signedCount = async (port: number, share: string) => {
      const r = await smbclient(info, share, "ls", {
        port,
        args: ["-d", "10", "--option=client signing=off"],
      });
      expect(r.code, r.output).toBe(0);
      return r.output.match(/signed SMB2 message/g)?.length ?? 0;
    };
    const onSigned = await signedCount(info.signedPort, "share-signed");
    const onMain = await signedCount(info.port, "share");
    expect(onSigned).toBeGreaterThan(onMain);
  });

  it("dfsroot holds the DFS links, and smbclient follows their referrals", async (ctx) => {
    localOnly(ctx);
    const list = await smbclient(info, "dfsroot", "ls; ls sub\\*; get plain-dir\\file.txt /dev/null");
    expect(list.code, list.output).toBe(0);
    for (const link of ["link-share", "link-multi", "link-subpath", "link-second-name", "link-encrypted"]) {
      expect(list.output).toContain(link);
    }
    expect(list.output).toContain("link-deep");
    expect(list.output).toContain("plain-dir");
    // smbclient follows a referral to port 445 whatever -p says, so it can only show that it got the
    // referral and tried the referred server there.
    if (await portOpen(445)) ctx.skip("something listens on port 445, where smbclient follows referrals");
    const follow = await smbclient(info, "dfsroot", "ls link-share\\*", { args: ["-d", "3"] });
    expect(follow.output).toContain("Connecting to 127.0.0.1 at port 445");
    expect(follow.output).toContain("Connection to 127.0.0.1 failed");
  });

  it("streams supports alternate data streams", async (ctx) => {
    localOnly(ctx);
    await writeFile(join(local, "ads.txt"), "stream data");
    const r = await smbclient(
      info,
      "streams",
      `lcd ${local}; put ads.txt f.txt; put ads.txt f.txt:extra; allinfo f.txt`,
    );
    expect(r.output).toContain("stream: [:extra:$DATA], 11 bytes");
  });

  it("starts a second instance with forced options side by side, and stop() cleans up", async (ctx) => {
    localOnly(ctx);
    const t0 = Date.now();
    const old = await startSamba({ global: { "server max protocol": "SMB2_10" }, signedCompanion: false });
    try {
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(old.port).not.toBe(info.port);
      expect(old.dir).not.toBe(info.dir);
      expect(old.signedPid).toBe(0);
      const smb3 = await smbclient(old, "share", "ls", {
        args: ["-m", "SMB3", "--option=client min protocol=SMB3"],
      });
      expect(smb3.output).toContain("NT_STATUS_NOT_SUPPORTED");
      const dflt = await smbclient(old, "share", "ls", { args: ["-d", "4"] });
      expect(dflt.output).toContain("negotiated dialect[SMB2_10]");
      expect((await smbclient(info, "share", "ls")).code).toBe(0); // the shared server is unaffected
    } finally {
      await old.stop();
    }
    expect(existsSync(old.dir)).toBe(false);
    expect(processesMentioning(old.dir)).toEqual([]);
  });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on("error", () => resolve(false));
  });
}

/** Live processes whose command line mentions `text` (zombies have an empty one). */
function processesMentioning(text: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
