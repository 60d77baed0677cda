// The DFS resolver under the high-level SmbClient against the test Samba's `dfsroot`: readFile, readdir,
// stat, writeFile and rename through every link kind (one target, several targets with a broken first
// one, a link in a subfolder, a target sub-path, a second server name, an encrypted target), DFS paths
// that are not links, skipDfs, and renames across DFS paths.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SmbClient } from "smb-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DfsResolver, dfs } from "../src/index.js";

const samba = inject("samba");
const S = "127.0.0.1";
const root = `//${S}/dfsroot`;

describe.skipIf(samba.external)("SmbClient with pathResolver: dfs() against Samba", () => {
  let client: SmbClient;
  let resolver: DfsResolver;
  const dir = `dfs-${process.pid}-${randomBytes(3).toString("hex")}`;
  const content = `hello through DFS ${dir}\n`;
  const auth = { port: samba.port, username: samba.username, password: samba.password, domain: samba.domain };

  beforeAll(async () => {
    resolver = dfs();
    client = new SmbClient({ ...auth, pathResolver: resolver });
    await client.mkdir(`//${S}/share/${dir}`);
    await client.writeFile(`//${S}/share/${dir}/file.txt`, content);
    // share\subdir belongs to root (the harness's mode is masked by the umask): make ours writable.
    const local = join(samba.shares.share!.path, "subdir", dir);
    mkdirSync(local);
    chmodSync(local, 0o777);
    writeFileSync(join(local, "sub.txt"), "in subdir\n", { mode: 0o666 });
    await client.mkdir(`//${S}/share-encrypted/${dir}`);
    await client.writeFile(`//${S}/share-encrypted/${dir}/secret.txt`, "encrypted\n");
  });
  afterAll(async () => {
    await client?.rm(`//${S}/share/${dir}`, { recursive: true, force: true }).catch(() => {});
    rmSync(join(samba.shares.share!.path, "subdir", dir), { recursive: true, force: true });
    await client?.rm(`//${S}/share-encrypted/${dir}`, { recursive: true, force: true }).catch(() => {});
    await client?.close();
  });

  for (const link of ["link-share", "link-multi", "sub/link-deep", "link-second-name"]) {
    it(`readFile, readdir, stat through ${link}`, async () => {
      expect(await client.readFile(`${root}/${link}/${dir}/file.txt`, "utf8")).toBe(content);
      expect(await client.readdir(`${root}/${link}/${dir}`)).toEqual(["file.txt"]);
      const st = await client.stat(`${root}/${link}/${dir}/file.txt`);
      expect(st.size).toBe(Buffer.byteLength(content));
      expect(st.isFile()).toBe(true);
      expect((await client.stat(`${root}/${link}`)).isDirectory()).toBe(true);
    });
  }

  it("link-subpath lands in share\\subdir", async () => {
    expect(await client.readFile(`${root}/link-subpath/${dir}/sub.txt`, "utf8")).toBe("in subdir\n");
    expect(await client.readdir(`${root}/link-subpath/${dir}`)).toEqual(["sub.txt"]);
    expect((await client.stat(`${root}/link-subpath/${dir}/sub.txt`)).size).toBe(10);
  });

  it("link-encrypted reaches the encrypt-required share", async () => {
    expect(await client.readFile(`${root}/link-encrypted/${dir}/secret.txt`, "utf8")).toBe("encrypted\n");
    expect(await client.readdir(`${root}/link-encrypted/${dir}`)).toEqual(["secret.txt"]);
  });

  it("link-multi: the broken first target fails over, and the hint remembers the working one", async () => {
    const e = resolver.cache.get(`\\${S}\\dfsroot\\link-multi`);
    expect(e?.targets.map((t) => t.share)).toEqual(["no-such-share", "share"]);
    expect(e?.targets[e.hint]?.share).toBe("share");
  });

  it("link-second-name connects to localhost on the configured port (loopback)", async () => {
    const e = resolver.cache.get(`\\${S}\\dfsroot\\link-second-name`);
    expect(e?.targets[0]?.server).toBe("localhost");
    const conns = client.core.pool.liveConnections.filter((c) => c.host === "localhost");
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) {
      expect(c.port).toBe(samba.port);
      // The socket's peer (TcpTransport keeps it private): a loopback address, the configured port.
      const socket = (c.pump.transport as unknown as { socket: import("node:net").Socket }).socket;
      expect(socket.remoteAddress).toMatch(/^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/);
      expect(socket.remotePort).toBe(samba.port);
    }
  });

  it("paths in the root that are not links go to the root share itself (DFS flag on CREATE)", async () => {
    expect(await client.readFile(`${root}/plain-dir/file.txt`, "utf8")).toBe(
      "a plain file inside the DFS root\n",
    );
    expect(await client.readdir(`${root}/plain-dir`)).toEqual(["file.txt"]);
    const names = await client.readdir(root);
    expect(names).toEqual(expect.arrayContaining(["link-share", "link-multi", "sub", "plain-dir"]));
  });

  it("writeFile and rename inside a link", async () => {
    await client.writeFile(`${root}/link-share/${dir}/w.txt`, "written via DFS");
    expect(await client.readFile(`//${S}/share/${dir}/w.txt`, "utf8")).toBe("written via DFS");
    await client.rename(`${root}/link-share/${dir}/w.txt`, `${root}/link-share/${dir}/w2.txt`);
    expect(await client.readdir(`//${S}/share/${dir}`)).toEqual(expect.arrayContaining(["w2.txt"]));
  });

  it("rename across DFS paths resolves both sides (different links, same target share)", async () => {
    await client.writeFile(`${root}/link-share/${dir}/x.txt`, "x");
    // A destination under a link never seen before: resolved eagerly.
    await client.rename(`${root}/link-share/${dir}/x.txt`, `${root}/link-subpath/${dir}/x-moved.txt`);
    expect(await client.readFile(`//${S}/share/subdir/${dir}/x-moved.txt`, "utf8")).toBe("x");
    await client.rename(`${root}/link-subpath/${dir}/x-moved.txt`, `${root}/sub/link-deep/${dir}/x-back.txt`);
    expect(await client.readFile(`//${S}/share/${dir}/x-back.txt`, "utf8")).toBe("x");
  });

  it("rename to a link on another share is EXDEV", async () => {
    await client.writeFile(`${root}/link-share/${dir}/y.txt`, "y");
    const err = await client
      .rename(`${root}/link-share/${dir}/y.txt`, `${root}/link-encrypted/${dir}/y.txt`)
      .catch((e) => e);
    expect(err.code).toBe("EXDEV");
  });

  it("skipDfs: the same path is not resolved", async () => {
    const plain = new SmbClient({ ...auth, pathResolver: dfs(), skipDfs: true });
    try {
      const err = await plain.readFile(`${root}/link-share/${dir}/file.txt`).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err.ntstatus ?? err.code).toMatch(/PATH_NOT_COVERED|ENOENT/);
      const off = new SmbClient({ ...auth, pathResolver: dfs({ skipDfs: true }) });
      const err2 = await off.readFile(`${root}/link-share/${dir}/file.txt`).catch((e) => e);
      expect(err2.ntstatus ?? err2.code).toMatch(/PATH_NOT_COVERED|ENOENT/);
      await off.close();
    } finally {
      await plain.close();
    }
  });
});
