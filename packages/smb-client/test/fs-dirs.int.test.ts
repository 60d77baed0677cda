// Directories: mkdir (recursive), readdir (names, Dirents, recursive), scandir/opendir with metadata and
// no per-entry round trip, rmdir, rm (recursive, force), rename, walk, a 10,000-entry directory.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Open, type SmbDirent } from "../src/index.js";
import { client, samba, scratchClient, SHARES, uniq } from "./fs-helpers.js";

describe.each(SHARES)("directories on %s", (share) => {
  const { smb, dir } = scratchClient(share, "dirs");

  it("mkdir: EEXIST, ENOENT without recursive, recursive returns the first directory created", async () => {
    await smb.mkdir(`${dir}/m1`);
    const e = await smb.mkdir(`${dir}/m1`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["EEXIST", "mkdir"]);
    const e2 = await smb.mkdir(`${dir}/m2/a/b`).catch((err) => err);
    expect(e2.code).toBe("ENOENT");
    expect(await smb.mkdir(`${dir}/m2/a/b`, { recursive: true })).toBe(`${dir}/m2`);
    expect(await smb.mkdir(`${dir}/m2/a/b`, { recursive: true })).toBeUndefined();
    expect(await smb.mkdir(`${dir}/m2/a/c`, { recursive: true })).toBe(`${dir}/m2/a/c`);
    expect((await smb.stat(`${dir}/m2/a/b`)).isDirectory()).toBe(true);
    await smb.writeFile(`${dir}/afile`, "x");
    const e3 = await smb.mkdir(`${dir}/afile`, { recursive: true }).catch((err) => err);
    expect(e3.code).toBe("EEXIST");
    const e4 = await smb.mkdir(`${dir}/afile/sub`, { recursive: true }).catch((err) => err);
    expect(["ENOTDIR", "ENOENT"]).toContain(e4.code);
  });

  it("readdir: names, Dirents with metadata, recursive; ENOTDIR and ENOENT", async () => {
    const d = `${dir}/list`;
    await smb.mkdir(`${d}/sub/deeper`, { recursive: true });
    await smb.writeFile(`${d}/one.txt`, "1");
    await smb.writeFile(`${d}/two.txt`, "22");
    await smb.writeFile(`${d}/sub/three.txt`, "333");
    await smb.writeFile(`${d}/sub/deeper/😀.txt`, "4444");
    expect((await smb.readdir(d)).sort()).toEqual(["one.txt", "sub", "two.txt"]);
    const ents = await smb.readdir(d, { withFileTypes: true });
    const byName = new Map(ents.map((e) => [e.name, e]));
    expect(byName.get("sub")!.isDirectory()).toBe(true);
    expect(byName.get("two.txt")!.isFile()).toBe(true);
    expect(byName.get("two.txt")!.size).toBe(2);
    expect(byName.get("two.txt")!.mtime.getTime()).toBeGreaterThan(0);
    expect(byName.get("two.txt")!.parentPath).toBe(d);
    expect(byName.get("two.txt")!.stat().size).toBe(2);
    expect((await smb.readdir(d, { recursive: true })).sort()).toEqual([
      "one.txt",
      "sub",
      "sub/deeper",
      "sub/deeper/😀.txt",
      "sub/three.txt",
      "two.txt",
    ]);
    const e = await smb.readdir(`${d}/one.txt`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["ENOTDIR", "scandir"]);
    const e2 = await smb.readdir(`${d}/missing`).catch((err) => err);
    expect(e2.code).toBe("ENOENT");
    expect(await smb.readdir(`${d}/sub/deeper/`)).toEqual(["😀.txt"]);
    // Backslash UNC form.
    const unc = d.replace(/\//g, "\\");
    expect((await smb.readdir(unc)).sort()).toEqual(["one.txt", "sub", "two.txt"]);
  });

  it("scandir gives the listing's metadata with one round trip for the whole directory", async () => {
    const d = `${dir}/scan`;
    await smb.mkdir(d);
    for (let i = 0; i < 20; i++) await smb.writeFile(`${d}/f${i}`, "x".repeat(i));
    const conn = smb.core.pool.liveConnections[0]!;
    const compound = vi.spyOn(conn, "compound");
    const request = vi.spyOn(conn.pump, "request");
    const got: SmbDirent[] = [];
    for await (const e of smb.scandir(d)) got.push(e);
    expect(got.length).toBe(20);
    expect(compound).toHaveBeenCalledTimes(1);
    expect(request).not.toHaveBeenCalled();
    compound.mockRestore();
    request.mockRestore();
    for (const e of got) expect(e.size).toBe(Number(e.name.slice(1)));
    // Leaving the loop early is fine.
    let n = 0;
    for await (const _ of smb.scandir(d)) if (++n === 3) break;
    expect(n).toBe(3);
    // opendir: read() until null; pattern filter.
    const dh = await smb.opendir(d, { pattern: "f1*" });
    const names: string[] = [];
    for (let e = await dh.read(); e; e = await dh.read()) names.push(e.name);
    await dh.close();
    expect(names.sort()).toEqual([
      "f1",
      "f10",
      "f11",
      "f12",
      "f13",
      "f14",
      "f15",
      "f16",
      "f17",
      "f18",
      "f19",
    ]);
    const dh2 = await smb.opendir(d);
    let count = 0;
    for await (const _ of dh2) count++;
    expect(count).toBe(20);
  });

  it("rmdir: ENOTEMPTY, ENOTDIR, ENOENT; removes an empty directory", async () => {
    await smb.mkdir(`${dir}/rd/inner`, { recursive: true });
    const e = await smb.rmdir(`${dir}/rd`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["ENOTEMPTY", "rmdir"]);
    await smb.rmdir(`${dir}/rd/inner`);
    await smb.writeFile(`${dir}/rd/file`, "x");
    const e2 = await smb.rmdir(`${dir}/rd/file`).catch((err) => err);
    expect(e2.code).toBe("ENOTDIR");
    await smb.unlink(`${dir}/rd/file`);
    await smb.rmdir(`${dir}/rd`);
    const e3 = await smb.rmdir(`${dir}/rd`).catch((err) => err);
    expect(e3.code).toBe("ENOENT");
  });

  it("rm: files, EISDIR without recursive, recursive trees (read-only files with force), force on missing", async () => {
    const d = `${dir}/rmtree`;
    await smb.mkdir(`${d}/a/b/c`, { recursive: true });
    for (const p of ["x", "a/y", "a/b/z", "a/b/c/😀"]) await smb.writeFile(`${d}/${p}`, p);
    await smb.chmod(`${d}/a/b/z`, 0o444);
    const e = await smb.rm(d).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["EISDIR", "rm"]);
    await smb.rm(`${d}/x`);
    expect(await smb.exists(`${d}/x`)).toBe(false);
    const e2 = await smb.rm(`${d}/x`).catch((err) => err);
    expect(e2.code).toBe("ENOENT");
    await smb.rm(`${d}/x`, { force: true });
    await smb.rm(d, { recursive: true, force: true });
    expect(await smb.exists(d)).toBe(false);
  });

  it("rename: files and directories, overwrite by default, overwrite:false is EEXIST, EXDEV across shares", async () => {
    await smb.writeFile(`${dir}/r1.txt`, "one");
    await smb.rename(`${dir}/r1.txt`, `${dir}/r2 ✓.txt`);
    expect(await smb.readFile(`${dir}/r2 ✓.txt`, "utf8")).toBe("one");
    expect(await smb.exists(`${dir}/r1.txt`)).toBe(false);
    await smb.writeFile(`${dir}/r3.txt`, "three");
    const e = await smb.rename(`${dir}/r3.txt`, `${dir}/r2 ✓.txt`, { overwrite: false }).catch((err) => err);
    expect(e.code).toBe("EEXIST");
    expect(e.syscall).toBe("rename");
    expect(e.dest).toBe(`${dir}/r2 ✓.txt`);
    await smb.rename(`${dir}/r3.txt`, `${dir}/r2 ✓.txt`);
    expect(await smb.readFile(`${dir}/r2 ✓.txt`, "utf8")).toBe("three");
    await smb.mkdir(`${dir}/rdir/inner`, { recursive: true });
    await smb.writeFile(`${dir}/rdir/inner/f`, "f");
    await smb.rename(`${dir}/rdir`, `${dir}/rdir2`);
    expect(await smb.readFile(`${dir}/rdir2/inner/f`, "utf8")).toBe("f");
    await smb.rename(`${dir}/rdir2/inner/f`, `${dir}/moved-up`);
    expect(await smb.readFile(`${dir}/moved-up`, "utf8")).toBe("f");
    const e2 = await smb.rename(`${dir}/missing`, `${dir}/x`).catch((err) => err);
    expect(e2.code).toBe("ENOENT");
    const e3 = await smb.rename(`${dir}/moved-up`, `${dir}/no/such/dir/x`).catch((err) => err);
    expect(e3.code).toBe("ENOENT");
    const other = SHARES.find((s) => s !== share);
    if (other) {
      const e4 = await smb.rename(`${dir}/moved-up`, `//${samba.host}/${other}/x`).catch((err) => err);
      expect(e4.code).toBe("EXDEV");
    }
  });

  it("walk: top-down with pruning, bottom-up", async () => {
    const d = `${dir}/walk`;
    await smb.mkdir(`${d}/a/a1`, { recursive: true });
    await smb.mkdir(`${d}/b/b1`, { recursive: true });
    await smb.writeFile(`${d}/a/a1/f`, "x");
    await smb.writeFile(`${d}/root.txt`, "x");
    const seen: string[] = [];
    for await (const w of smb.walk(d)) {
      seen.push(w.path.slice(d.length) || "/");
      if (w.path === d) {
        expect(w.files).toEqual(["root.txt"]);
        w.dirs.splice(w.dirs.indexOf("b"), 1);
      }
    }
    expect(seen).toEqual(["/", "/a", "/a/a1"]);
    const bottomUp: string[] = [];
    for await (const w of smb.walk(d, { topdown: false })) bottomUp.push(w.path.slice(d.length) || "/");
    expect(bottomUp.indexOf("/a/a1")).toBeLessThan(bottomUp.indexOf("/a"));
    expect(bottomUp.at(-1)).toBe("/");
    expect(bottomUp.length).toBe(5);
  });
});

describe("a 10,000-entry directory", () => {
  const smb = client();
  const name = uniq("10k");
  // Long names: more than two 1 MiB listing buffers' worth of FILE_ID_FULL_DIR_INFORMATION, so the
  // continued listing path runs too (scandir; readdir's FILE_NAMES_INFORMATION entries still fit).
  const entry = (i: number) => `entry-${String(i).padStart(5, "0")}-${"é".repeat(60)}.txt`;
  const d = `//${samba.host}/share/${name}`;
  beforeAll(async () => {
    if (!samba.external) {
      const local = join(samba.shares.share!.path, name);
      mkdirSync(local);
      chmodSync(local, 0o777);
      for (let i = 0; i < 10_000; i++) writeFileSync(join(local, entry(i)), String(i));
    } else {
      await smb.mkdir(d);
      const ids = Array.from({ length: 10_000 }, (_, i) => i);
      for (let i = 0; i < ids.length; i += 200) {
        await Promise.all(ids.slice(i, i + 200).map((k) => smb.writeFile(`${d}/${entry(k)}`, String(k))));
      }
    }
  }, 300_000);
  afterAll(async () => {
    await smb.rm(d, { recursive: true, force: true });
    await smb.close();
  }, 300_000);

  it("readdir, scandir and opendir return every entry once", async () => {
    const t0 = performance.now();
    const names = await smb.readdir(d);
    const ms = performance.now() - t0;
    expect(names.length).toBe(10_000);
    expect(new Set(names).size).toBe(10_000);
    expect(names).toContain(entry(9999));
    let n = 0;
    let bytes = 0;
    const seen = new Set<string>();
    const qd = vi.spyOn(Open.prototype, "queryDirectory");
    for await (const e of smb.scandir(d)) {
      n++;
      bytes += e.size;
      seen.add(e.name);
    }
    expect(qd).toHaveBeenCalled();
    qd.mockRestore();
    expect(n).toBe(10_000);
    expect([...seen].sort()).toEqual([...names].sort());
    expect(bytes).toBe(names.reduce((a, x) => a + String(Number(x.slice(6, 11))).length, 0));
    const dh = await smb.opendir(d);
    let m = 0;
    for (let e = await dh.read(); e; e = await dh.read()) m++;
    await dh.close();
    expect(m).toBe(10_000);
    console.log(`readdir of 10,000 entries: ${ms.toFixed(0)} ms`);
  });

  it("scandir without ids (FILE_DIRECTORY_INFORMATION): the same entries, ino 0n", async () => {
    const full = new Map<string, SmbDirent>();
    for await (const e of smb.scandir(d)) full.set(e.name, e);
    let n = 0;
    for await (const e of smb.scandir(d, { ids: false })) {
      const f = full.get(e.name)!;
      expect([e.size, e.mtimeMs, e.attributes, e.isFile()]).toEqual([f.size, f.mtimeMs, f.attributes, true]);
      expect([e.ino, f.ino === 0n]).toEqual([0n, false]);
      n++;
    }
    expect(n).toBe(10_000);
  });

  it("lists it from many tasks at once", async () => {
    const all = await Promise.all(Array.from({ length: 4 }, () => smb.readdir(d, { withFileTypes: true })));
    for (const ents of all) expect(ents.length).toBe(10_000);
  });
});
