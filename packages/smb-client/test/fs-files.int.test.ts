// readFile / writeFile / appendFile / stat / statfs / exists / access / utimes / truncate / chmod / unlink
// against the real Samba, on the plain and the encrypted share, with fs-style error codes.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { SmbError } from "../src/index.js";
import { client, samba, scratchClient, SHARES } from "./fs-helpers.js";

describe.each(SHARES)("files on %s", (share) => {
  const { smb, dir } = scratchClient(share, "files");

  it("writes and reads back a string, a Buffer, a Uint8Array, with encodings", async () => {
    await smb.writeFile(`${dir}/a.txt`, "hello");
    expect(await smb.readFile(`${dir}/a.txt`, "utf8")).toBe("hello");
    expect(await smb.readFile(`${dir}/a.txt`, { encoding: "base64" })).toBe(
      Buffer.from("hello").toString("base64"),
    );
    await smb.writeFile(`${dir}/b.bin`, new Uint8Array([1, 2, 3]));
    expect([...(await smb.readFile(`${dir}/b.bin`))]).toEqual([1, 2, 3]);
    await smb.writeFile(`${dir}/c.txt`, "68656c6c6f", { encoding: "hex" });
    expect(await smb.readFile(`${dir}/c.txt`, "latin1")).toBe("hello");
  });

  it("handles an empty file", async () => {
    await smb.writeFile(`${dir}/empty`, "");
    const b = await smb.readFile(`${dir}/empty`);
    expect(b.length).toBe(0);
    expect((await smb.stat(`${dir}/empty`)).size).toBe(0);
    await smb.writeFile(`${dir}/empty`, Buffer.alloc(0));
    expect((await smb.readFile(`${dir}/empty`)).length).toBe(0);
  });

  it("round-trips a file larger than max_read_size", async () => {
    const smbTree = await smb.core.tree({ server: samba.host, share, port: samba.port }, {});
    const { maxReadSize, maxWriteSize } = smbTree.connection.negotiated;
    const data = randomBytes(Math.max(maxReadSize, maxWriteSize) + 123_457);
    await smb.writeFile(`${dir}/large.bin`, data);
    const back = await smb.readFile(`${dir}/large.bin`);
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    expect((await smb.stat(`${dir}/large.bin`)).size).toBe(data.length);
  });

  it("writes an (async) iterable source", async () => {
    async function* gen() {
      for (let i = 0; i < 50; i++) yield Buffer.alloc(100_000, i);
      yield "tail";
    }
    await smb.writeFile(`${dir}/iter.bin`, gen());
    const back = await smb.readFile(`${dir}/iter.bin`);
    expect(back.length).toBe(5_000_004);
    expect(back[100_000]).toBe(1);
    expect(back.subarray(-4).toString()).toBe("tail");
    await smb.writeFile(`${dir}/iter2.txt`, ["a", "b", Buffer.from("c")]);
    expect(await smb.readFile(`${dir}/iter2.txt`, "utf8")).toBe("abc");
  });

  it("supports non-ASCII and emoji names", async () => {
    const names = [
      "ünïcødé.txt",
      "日本語のファイル.txt",
      "emoji-😀🎉.txt",
      "space name .txt".trim(),
      "Ωμέγα",
    ];
    for (const n of names) await smb.writeFile(`${dir}/${n}`, n);
    for (const n of names) expect(await smb.readFile(`${dir}/${n}`, "utf8")).toBe(n);
    const listed = await smb.readdir(dir);
    for (const n of names) expect(listed).toContain(n);
    expect((await smb.stat(`${dir}/emoji-😀🎉.txt`)).size).toBe(Buffer.byteLength("emoji-😀🎉.txt"));
  });

  it("flag wx refuses an existing file (EEXIST), a appends, r+ overwrites in place", async () => {
    await smb.writeFile(`${dir}/flags.txt`, "12345");
    const err = await smb.writeFile(`${dir}/flags.txt`, "x", { flag: "wx" }).catch((e) => e);
    expect(err).toBeInstanceOf(SmbError);
    expect(err.code).toBe("EEXIST");
    expect(err.syscall).toBe("open");
    expect(err.path).toBe(`${dir}/flags.txt`);
    expect(err.ntstatus).toBe("STATUS_OBJECT_NAME_COLLISION");
    await smb.writeFile(`${dir}/flags.txt`, "67", { flag: "a" });
    await smb.appendFile(`${dir}/flags.txt`, "8");
    expect(await smb.readFile(`${dir}/flags.txt`, "utf8")).toBe("12345678");
    await smb.writeFile(`${dir}/flags.txt`, "ab", { flag: "r+" });
    expect(await smb.readFile(`${dir}/flags.txt`, "utf8")).toBe("ab345678");
    await smb.writeFile(`${dir}/flags.txt`, "w");
    expect(await smb.readFile(`${dir}/flags.txt`, "utf8")).toBe("w");
    await smb.appendFile(`${dir}/new-by-append.txt`, "created");
    expect(await smb.readFile(`${dir}/new-by-append.txt`, "utf8")).toBe("created");
  });

  it("reports fs-style errors: ENOENT, EISDIR, ENOENT for a missing parent", async () => {
    const e1 = await smb.readFile(`${dir}/missing.txt`).catch((e) => e);
    expect(e1.code).toBe("ENOENT");
    expect(e1.errno).toBe(-2);
    expect(e1.syscall).toBe("open");
    expect(e1.path).toBe(`${dir}/missing.txt`);
    expect(e1.message).toMatch(/^ENOENT: /);
    const e2 = await smb.readFile(dir).catch((e) => e);
    expect(e2.code).toBe("EISDIR");
    const e3 = await smb.writeFile(`${dir}/no/such/dir/x.txt`, "x").catch((e) => e);
    expect(e3.code).toBe("ENOENT");
    expect(e3.ntstatus).toBe("STATUS_OBJECT_PATH_NOT_FOUND");
    const e4 = await smb.stat(`${dir}/missing`).catch((e) => e);
    expect([e4.code, e4.syscall]).toEqual(["ENOENT", "stat"]);
  });

  it("stat reports size, type, times, ino, mode, attributes (number and bigint)", async () => {
    const before = Date.now();
    await smb.writeFile(`${dir}/st.txt`, "0123456789");
    const st = await smb.stat(`${dir}/st.txt`);
    expect(st.size).toBe(10);
    expect(st.isFile()).toBe(true);
    expect(st.isDirectory()).toBe(false);
    expect(st.isSymbolicLink()).toBe(false);
    expect(st.nlink).toBe(1);
    expect(st.ino).toBeGreaterThan(0);
    expect(st.mode & 0o170000).toBe(0o100000);
    expect(Math.abs(st.mtimeMs - before)).toBeLessThan(60_000);
    expect(st.mtime).toBeInstanceOf(Date);
    expect(st.birthtime.getTime()).toBeGreaterThan(0);
    expect(st.ctimeMs).toBeGreaterThan(0);
    expect(st.atimeMs).toBeGreaterThan(0);
    expect(st.attributes & 0x10).toBe(0);
    const big = await smb.stat(`${dir}/st.txt`, { bigint: true });
    expect(big.size).toBe(10n);
    expect(big.mtimeNs / 1_000_000n).toBe(big.mtimeMs);
    expect(typeof big.ino).toBe("bigint");
    const d = await smb.stat(dir);
    expect(d.isDirectory()).toBe(true);
    expect(d.mode & 0o170000).toBe(0o040000);
    const l = await smb.lstat(`${dir}/st.txt`);
    expect(l.size).toBe(10);
    expect(l.isSymbolicLink()).toBe(false);
    const root = await smb.stat(`//${samba.host}/${share}`);
    expect(root.isDirectory()).toBe(true);
  });

  it("statfs reports the volume", async () => {
    const s = await smb.statfs(dir);
    expect(s.bsize).toBeGreaterThan(0);
    expect(s.blocks).toBeGreaterThan(0);
    expect(s.bavail).toBeLessThanOrEqual(s.blocks);
    expect(s.fsName.length).toBeGreaterThan(0);
  });

  it("exists and access", async () => {
    await smb.writeFile(`${dir}/ex.txt`, "x");
    expect(await smb.exists(`${dir}/ex.txt`)).toBe(true);
    expect(await smb.exists(dir)).toBe(true);
    expect(await smb.exists(`${dir}/nope.txt`)).toBe(false);
    expect(await smb.exists(`${dir}/nope/deeper.txt`)).toBe(false);
    await smb.access(`${dir}/ex.txt`);
    await smb.access(`${dir}/ex.txt`, 4 | 2);
    const e = await smb.access(`${dir}/nope.txt`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["ENOENT", "access"]);
  });

  it("utimes sets atime and mtime (seconds or Dates)", async () => {
    await smb.writeFile(`${dir}/times.txt`, "t");
    const mtime = new Date("2001-02-03T04:05:06.789Z");
    await smb.utimes(`${dir}/times.txt`, 1_000_000_000, mtime);
    const st = await smb.stat(`${dir}/times.txt`);
    expect(st.mtime.getTime()).toBe(mtime.getTime());
    expect(st.atime.getTime()).toBe(1_000_000_000_000);
  });

  it("truncate shrinks and grows", async () => {
    await smb.writeFile(`${dir}/trunc.txt`, "0123456789");
    await smb.truncate(`${dir}/trunc.txt`, 4);
    expect(await smb.readFile(`${dir}/trunc.txt`, "utf8")).toBe("0123");
    await smb.truncate(`${dir}/trunc.txt`, 6);
    expect([...(await smb.readFile(`${dir}/trunc.txt`))]).toEqual([48, 49, 50, 51, 0, 0]);
    await smb.truncate(`${dir}/trunc.txt`);
    expect((await smb.stat(`${dir}/trunc.txt`)).size).toBe(0);
  });

  it("chmod toggles FILE_ATTRIBUTE_READONLY", async () => {
    await smb.writeFile(`${dir}/ro.txt`, "r");
    await smb.chmod(`${dir}/ro.txt`, 0o444);
    const st = await smb.stat(`${dir}/ro.txt`);
    expect(st.isReadOnly()).toBe(true);
    expect(st.mode & 0o222).toBe(0);
    const e = await smb.writeFile(`${dir}/ro.txt`, "w").catch((err) => err);
    expect(e.code).toBe("EACCES");
    await smb.chmod(`${dir}/ro.txt`, 0o644);
    expect((await smb.stat(`${dir}/ro.txt`)).isReadOnly()).toBe(false);
    await smb.writeFile(`${dir}/ro.txt`, "w");
  });

  it("unlink deletes files; unlinking a directory is EISDIR, a missing file ENOENT", async () => {
    await smb.writeFile(`${dir}/del.txt`, "x");
    await smb.unlink(`${dir}/del.txt`);
    expect(await smb.exists(`${dir}/del.txt`)).toBe(false);
    const e = await smb.unlink(`${dir}/del.txt`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["ENOENT", "unlink"]);
    await smb.mkdir(`${dir}/adir`);
    const e2 = await smb.unlink(`${dir}/adir`).catch((err) => err);
    expect(e2.code).toBe("EISDIR");
  });

  it("an exclusive open makes other opens fail with EBUSY (sharing violation)", async () => {
    await smb.writeFile(`${dir}/excl.txt`, "x");
    const other = client();
    const fh = await other.open(`${dir}/excl.txt`, "r+", { shareAccess: "" });
    try {
      const e = await smb.readFile(`${dir}/excl.txt`).catch((err) => err);
      expect(e.code).toBe("EBUSY");
      expect(e.ntstatus).toBe("STATUS_SHARING_VIOLATION");
    } finally {
      await fh.close();
      await other.close();
    }
    // The default share access lets a reader and a deleter in while a writer holds the file.
    const w = await smb.open(`${dir}/excl.txt`, "r+");
    try {
      expect(await smb.readFile(`${dir}/excl.txt`, "utf8")).toBe("x");
    } finally {
      await w.close();
    }
  });

  it("keeps many concurrent calls from many async tasks straight on one connection", async () => {
    const n = 100;
    const payloads = Array.from({ length: n }, (_, i) => randomBytes(1000 + i * 37));
    await Promise.all(payloads.map((p, i) => smb.writeFile(`${dir}/conc-${i}.bin`, p)));
    const back = await Promise.all(payloads.map((_, i) => smb.readFile(`${dir}/conc-${i}.bin`)));
    for (const [i, b] of back.entries()) expect(b.equals(payloads[i]!)).toBe(true);
    const stats = await Promise.all(payloads.map((_, i) => smb.stat(`${dir}/conc-${i}.bin`)));
    for (const [i, s] of stats.entries()) expect(s.size).toBe(payloads[i]!.length);
    await Promise.all(payloads.map((_, i) => smb.unlink(`${dir}/conc-${i}.bin`)));
    expect(smb.poolSize.connections).toBe(1);
  });
});

describe.skipIf(samba.external)("read-only share", () => {
  const smb = client();
  afterAll(() => smb.close());
  it("reads hello.txt and refuses writes with EACCES", async () => {
    const root = `//${samba.host}/readonly`;
    expect((await smb.readFile(`${root}/hello.txt`)).length).toBeGreaterThan(0);
    const e = await smb.writeFile(`${root}/new.txt`, "x").catch((err) => err);
    expect(e.code).toBe("EACCES");
    const e2 = await smb.access(`${root}/hello.txt`, 2).catch((err) => err);
    expect(e2.code).toBe("EACCES");
    const e3 = await smb.readFile(`//${samba.host}/no-such-share/x`).catch((err) => err);
    expect(e3.code).toBe("ENOENT");
    expect(e3.ntstatus).toBe("STATUS_BAD_NETWORK_NAME");
  });
});
