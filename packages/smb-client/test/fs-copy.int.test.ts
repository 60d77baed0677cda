// copyFile (server-side copychunk on one server, stream copy otherwise, local <-> remote) and cp
// (recursive trees in every direction, force/errorOnExist, filter, preserveTimestamps).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsctlCode } from "smb-structures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { COPYFILE_EXCL, Open } from "../src/index.js";
import { client, SHARES, samba, scratch } from "./fs-helpers.js";

describe("copyFile and cp", () => {
  const smb = client();
  const dirs = SHARES.map((s) => scratch(s, "copy"));
  const dir = dirs[0]!;
  const local = mkdtempSync(join(tmpdir(), "smb-copy-"));
  beforeAll(async () => {
    for (const d of dirs) await smb.mkdir(d);
  });
  afterAll(async () => {
    for (const d of dirs) await smb.rm(d, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
    await smb.close();
  });

  function copychunkCalls(spy: { mock: { calls: unknown[][] } }) {
    return spy.mock.calls.filter((c) => c[0] === FsctlCode.FSCTL_SRV_COPYCHUNK_WRITE).length;
  }

  it("copies on the server (copychunk) within a share, larger than one copychunk request", async () => {
    const data = randomBytes(40 * 1024 * 1024 + 99);
    await smb.writeFile(`${dir}/src.bin`, data);
    const ioctl = vi.spyOn(Open.prototype, "ioctl");
    const read = vi.spyOn(Open.prototype, "read");
    try {
      await smb.copyFile(`${dir}/src.bin`, `${dir}/dst.bin`);
      expect(copychunkCalls(ioctl)).toBeGreaterThanOrEqual(3);
      expect(read).not.toHaveBeenCalled();
    } finally {
      ioctl.mockRestore();
      read.mockRestore();
    }
    expect((await smb.readFile(`${dir}/dst.bin`)).equals(data)).toBe(true);
  });

  it("copies across shares of one server, with serverSide: false, and empty files", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    await smb.writeFile(`${dir}/x.bin`, data);
    const other = dirs.at(-1)!;
    await smb.copyFile(`${dir}/x.bin`, `${other}/x-copy.bin`);
    expect((await smb.readFile(`${other}/x-copy.bin`)).equals(data)).toBe(true);
    const ioctl = vi.spyOn(Open.prototype, "ioctl");
    try {
      await smb.copyFile(`${dir}/x.bin`, `${dir}/x-stream.bin`, 0, { serverSide: false });
      expect(copychunkCalls(ioctl)).toBe(0);
    } finally {
      ioctl.mockRestore();
    }
    expect((await smb.readFile(`${dir}/x-stream.bin`)).equals(data)).toBe(true);
    await smb.writeFile(`${dir}/empty`, "");
    await smb.copyFile(`${dir}/empty`, `${dir}/empty2`);
    expect((await smb.stat(`${dir}/empty2`)).size).toBe(0);
  });

  it("stream-copies between two connections (different clients' pools are not one server connection)", async () => {
    const data = randomBytes(2 * 1024 * 1024 + 1);
    await smb.writeFile(`${dir}/two.bin`, data);
    // The same server under another name is another pooled connection: no server-side copy.
    const alias = `//localhost/${dir.split("/").slice(3).join("/")}`;
    if (!samba.external) {
      await smb.copyFile(`${dir}/two.bin`, `${alias}/two-copy.bin`);
      expect((await smb.readFile(`${dir}/two-copy.bin`)).equals(data)).toBe(true);
      expect(smb.poolSize.connections).toBe(2);
    }
  });

  it("COPYFILE_EXCL, ENOENT, EISDIR", async () => {
    await smb.writeFile(`${dir}/e1`, "1");
    await smb.writeFile(`${dir}/e2`, "2");
    const e = await smb.copyFile(`${dir}/e1`, `${dir}/e2`, COPYFILE_EXCL).catch((err) => err);
    expect(e.code).toBe("EEXIST");
    expect(e.syscall).toBe("copyfile");
    await smb.copyFile(`${dir}/e1`, `${dir}/e2`);
    expect(await smb.readFile(`${dir}/e2`, "utf8")).toBe("1");
    const e2 = await smb.copyFile(`${dir}/nope`, `${dir}/e3`).catch((err) => err);
    expect([e2.code, e2.syscall, e2.path, e2.dest]).toEqual([
      "ENOENT",
      "copyfile",
      `${dir}/nope`,
      `${dir}/e3`,
    ]);
    const e3 = await smb.copyFile(dir, `${dir}/e4`).catch((err) => err);
    expect(e3.code).toBe("EISDIR");
  });

  it("copies local -> SMB -> local", async () => {
    const data = randomBytes(12 * 1024 * 1024 + 7);
    writeFileSync(join(local, "up.bin"), data);
    await smb.copyFile(join(local, "up.bin"), `${dir}/up.bin`);
    expect((await smb.readFile(`${dir}/up.bin`)).equals(data)).toBe(true);
    await smb.copyFile(`${dir}/up.bin`, join(local, "down.bin"));
    expect(readFileSync(join(local, "down.bin")).equals(data)).toBe(true);
    const e = await smb.copyFile(`${dir}/up.bin`, join(local, "down.bin"), COPYFILE_EXCL).catch((err) => err);
    expect(e.code).toBe("EEXIST");
    await smb.copyFile(new URL(`file://${join(local, "up.bin")}`), `${dir}/up2.bin`);
    expect((await smb.stat(`${dir}/up2.bin`)).size).toBe(data.length);
  });

  it("cp copies a tree SMB -> SMB, SMB -> local and local -> SMB", async () => {
    const src = `${dir}/tree`;
    await smb.mkdir(`${src}/a/b`, { recursive: true });
    await smb.mkdir(`${src}/empty-dir`);
    await smb.writeFile(`${src}/top.txt`, "top");
    await smb.writeFile(`${src}/a/mid 😀.txt`, "mid");
    await smb.writeFile(`${src}/a/b/deep.bin`, randomBytes(100_000));
    const e = await smb.cp(src, `${dir}/tree-copy`).catch((err) => err);
    expect(e.code).toBe("EISDIR");
    const target = dirs.at(-1)!;
    await smb.cp(src, `${target}/tree-copy`, { recursive: true });
    expect((await smb.readdir(`${target}/tree-copy`, { recursive: true })).sort()).toEqual(
      (await smb.readdir(src, { recursive: true })).sort(),
    );
    expect(await smb.readFile(`${target}/tree-copy/a/mid 😀.txt`, "utf8")).toBe("mid");
    await smb.cp(src, join(local, "tree"), { recursive: true });
    expect(readFileSync(join(local, "tree", "a", "b", "deep.bin")).length).toBe(100_000);
    expect(readdirSync(join(local, "tree")).sort()).toEqual(["a", "empty-dir", "top.txt"]);
    mkdirSync(join(local, "tree", "new-local-dir"));
    writeFileSync(join(local, "tree", "new-local-dir", "n.txt"), "new");
    await smb.cp(join(local, "tree"), `${dir}/from-local`, { recursive: true });
    expect(await smb.readFile(`${dir}/from-local/new-local-dir/n.txt`, "utf8")).toBe("new");
    expect(await smb.readFile(`${dir}/from-local/a/mid 😀.txt`, "utf8")).toBe("mid");
    // A single file.
    await smb.cp(`${src}/top.txt`, `${dir}/top-copy.txt`);
    expect(await smb.readFile(`${dir}/top-copy.txt`, "utf8")).toBe("top");
  });

  it("cp: force false skips, errorOnExist fails, filter, preserveTimestamps", async () => {
    const src = `${dir}/cp2`;
    await smb.mkdir(`${src}/skip-me`, { recursive: true });
    await smb.writeFile(`${src}/f.txt`, "new");
    await smb.writeFile(`${src}/skip-me/x`, "x");
    const old = new Date("2005-05-05T05:05:05Z");
    await smb.utimes(`${src}/f.txt`, old, old);
    await smb.mkdir(`${dir}/cp2-dst`);
    await smb.writeFile(`${dir}/cp2-dst/f.txt`, "old");
    await smb.cp(src, `${dir}/cp2-dst`, { recursive: true, force: false });
    expect(await smb.readFile(`${dir}/cp2-dst/f.txt`, "utf8")).toBe("old");
    const e = await smb
      .cp(src, `${dir}/cp2-dst`, { recursive: true, force: false, errorOnExist: true })
      .catch((err) => err);
    expect(e.code).toBe("EEXIST");
    await smb.cp(src, `${dir}/cp2-filtered`, {
      recursive: true,
      preserveTimestamps: true,
      filter: (s) => !s.endsWith("skip-me"),
    });
    expect(await smb.readdir(`${dir}/cp2-filtered`)).toEqual(["f.txt"]);
    expect((await smb.stat(`${dir}/cp2-filtered/f.txt`)).mtime.getTime()).toBe(old.getTime());
    await smb.cp(`${src}/f.txt`, join(local, "f.txt"), { preserveTimestamps: true });
    expect(statSync(join(local, "f.txt")).mtime.getTime()).toBe(old.getTime());
  });
});
