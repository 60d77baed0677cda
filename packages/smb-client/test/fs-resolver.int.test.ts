// The PathResolver plug-in point: every call goes through resolve(); failover to the next candidate on
// a target failure (reported through targetFailed); referrals on STATUS_PATH_NOT_COVERED through refer();
// DFS names (server\share\path with SMB2_FLAGS_DFS_OPERATIONS) on a DFS share; skipDfs; the context's
// pooled trees. Uses Samba's dfsroot share (links are DFS referrals there).
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  identityResolver,
  type PathResolver,
  type ResolverContext,
  type SmbError,
  type SmbPath,
  type Tree,
} from "../src/index.js";
import { client, SHARE, samba, scratch } from "./fs-helpers.js";

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

class Recorder implements PathResolver {
  resolved: { path: SmbPath; syscall: string }[] = [];
  referred: { path: SmbPath; status: string }[] = [];
  failed: { target: SmbPath; code: string }[] = [];
  constructor(
    private readonly candidates: (p: SmbPath) => SmbPath[] = (p) => [p],
    private readonly referral: (p: SmbPath) => SmbPath[] = () => [],
  ) {}
  async resolve(path: SmbPath, ctx: ResolverContext) {
    this.resolved.push({ path, syscall: ctx.syscall });
    return this.candidates(path);
  }
  async refer(path: SmbPath, _ctx: ResolverContext, err: SmbError) {
    this.referred.push({ path, status: err.ntstatus });
    return this.referral(path);
  }
  targetFailed(_path: SmbPath, target: SmbPath, err: unknown) {
    const e = err as { code?: string; ntstatus?: string };
    this.failed.push({ target, code: String(e.ntstatus ?? e.code) });
  }
}

describe("PathResolver", () => {
  const plain = client();
  const dir = scratch(SHARE, "resolver");
  const rel = dir.slice(`//${samba.host}/${SHARE}/`.length);
  beforeAll(async () => {
    await plain.mkdir(dir);
    await plain.writeFile(`${dir}/f.txt`, "resolved");
  });
  afterAll(async () => {
    await plain.rm(dir, { recursive: true, force: true });
    await plain.close();
  });

  it("sees every high-level call", async () => {
    const r = new Recorder();
    const c = client({ pathResolver: r });
    await c.readFile(`${dir}/f.txt`);
    await c.stat(`${dir}/f.txt`);
    await c.readdir(dir);
    await c.writeFile(`${dir}/g.txt`, "g");
    await c.rename(`${dir}/g.txt`, `${dir}/h.txt`);
    await c.copyFile(`${dir}/h.txt`, `${dir}/i.txt`);
    await c.unlink(`${dir}/h.txt`);
    await c.exists(`${dir}/i.txt`);
    for await (const _ of c.scandir(dir)) {
    }
    const fh = await c.open(`${dir}/i.txt`);
    await fh.close();
    await c.getSecurity(`${dir}/i.txt`);
    const syscalls = r.resolved.map((x) => x.syscall);
    for (const s of ["open", "stat", "scandir", "rename", "copyfile", "unlink", "access", "getsecurity"]) {
      expect(syscalls).toContain(s);
    }
    // rename resolves its destination too; copyFile both paths.
    expect(syscalls.filter((s) => s === "rename").length).toBe(2);
    expect(syscalls.filter((s) => s === "copyfile").length).toBe(2);
    await c.close();
  });

  it("fails over to the next candidate on connection refused and BAD_NETWORK_NAME, reporting each", async () => {
    const dead = await closedPort();
    const r = new Recorder((p) => [{ ...p, port: dead }, { ...p, share: "no-such-share" }, { ...p }]);
    const c = client({ pathResolver: r });
    expect(await c.readFile(`${dir}/f.txt`, "utf8")).toBe("resolved");
    expect(r.failed.map((f) => f.code)).toEqual(["ECONNREFUSED", "STATUS_BAD_NETWORK_NAME"]);
    expect(r.failed[0]!.target.port).toBe(dead);
    // A path error is the answer, not a reason to fail over.
    r.failed = [];
    const e = await c.readFile(`${dir}/missing`).catch((err) => err);
    expect(e.code).toBe("ENOENT");
    expect(r.failed.map((f) => f.code)).toEqual(["ECONNREFUSED", "STATUS_BAD_NETWORK_NAME"]);
    await c.close();
  });

  it("throws the first candidate's error when every candidate fails", async () => {
    const dead = await closedPort();
    const r = new Recorder((p) => [
      { ...p, port: dead },
      { ...p, share: "no-such-share" },
    ]);
    const c = client({ pathResolver: r });
    const e = await c.readFile(`${dir}/f.txt`).catch((err) => err);
    expect(e.code).toBe("ECONNREFUSED");
    expect(e.syscall).toBe("open");
    expect(e.path).toBe(`${dir}/f.txt`);
    expect(r.failed.length).toBe(2);
    await c.close();
  });

  it("gives the resolver pooled, authenticated trees (IPC$ for referral requests)", async () => {
    let ipc: Tree | undefined;
    const r: PathResolver = {
      async resolve(p, ctx) {
        ipc = await ctx.tree(p.server, "IPC$");
        expect(ctx.port).toBe(samba.port);
        expect((await ctx.session(p.server)).sessionId).not.toBe(0n);
        return [p];
      },
      refer: async () => [],
    };
    const c = client({ pathResolver: r });
    await c.readFile(`${dir}/f.txt`);
    expect(ipc!.isPipe).toBe(true);
    expect(c.poolSize.connections).toBe(1);
    expect(c.poolSize.trees).toBe(2);
    await c.close();
  });

  describe.skipIf(samba.external)("on Samba's DFS root", () => {
    const root = `//${samba.host}/dfsroot`;

    it("a DFS share gets DFS names: files in a plain folder of the root work with and without skipDfs", async () => {
      const c = client();
      const t = await c.core.tree({ server: samba.host, share: "dfsroot", port: samba.port }, {});
      expect(t.isDfs).toBe(true);
      const text = "a plain file inside the DFS root\n";
      expect(await c.readFile(`${root}/plain-dir/file.txt`, "utf8")).toBe(text);
      expect(await c.readdir(`${root}/plain-dir`)).toContain("file.txt");
      expect((await c.stat(`${root}/plain-dir/file.txt`)).size).toBe(text.length);
      expect((await c.stat(root)).isDirectory()).toBe(true);
      expect(await c.readdir(root)).toEqual(expect.arrayContaining(["plain-dir", "link-share", "sub"]));
      const s = client({ skipDfs: true, pathResolver: new Recorder() });
      expect(await s.readFile(`${root}/plain-dir/file.txt`, "utf8")).toBe(text);
      expect((s.options.pathResolver as Recorder).resolved).toEqual([]);
      await c.close();
      await s.close();
    });

    it("STATUS_PATH_NOT_COVERED goes to refer(), whose targets are tried", async () => {
      const r = new Recorder(
        (p) => [p],
        (p) => {
          // What a DFS resolver would answer for \\server\dfsroot\link-share\rest: \\server\share\rest.
          const rest = p.path.split("\\").slice(1).join("\\");
          return [{ ...p, share: SHARE, path: rest }];
        },
      );
      const c = client({ pathResolver: r });
      expect(await c.readFile(`${root}/link-share/${rel}/f.txt`, "utf8")).toBe("resolved");
      expect(r.referred).toEqual([
        { path: expect.objectContaining({ share: "dfsroot" }), status: "STATUS_PATH_NOT_COVERED" },
      ]);
      expect(await c.readdir(`${root}/link-share/${rel}`)).toContain("f.txt");
      await c.close();
    });

    it("without a resolver that refers, a DFS link is an error naming STATUS_PATH_NOT_COVERED", async () => {
      const c = client({ pathResolver: identityResolver });
      const e = await c.readFile(`${root}/link-share/${rel}/f.txt`).catch((err) => err);
      expect(e.ntstatus).toBe("STATUS_PATH_NOT_COVERED");
      expect(e.syscall).toBe("open");
      await c.close();
    });

    it("stops after too many referrals", async () => {
      const r = new Recorder(
        (p) => [p],
        (p) => [p],
      );
      const c = client({ pathResolver: r });
      const e = await c.readFile(`${root}/link-share/x`).catch((err) => err);
      expect(e.ntstatus).toBe("STATUS_PATH_NOT_COVERED");
      expect(r.referred.length).toBe(8);
      await c.close();
    });
  });
});
