// The high-level API's pure parts: credential choice, open flags, stats, dirents, path strings, error
// mapping, the concurrency limiter, the channel, global defaults.
import { Credentials } from "smb-auth";
import {
  FILETIME_UNIX_EPOCH,
  FileDirectoryInformation,
  FileDirectoryInformationEntry,
  FileIdFullDirectoryInformation,
  FileIdFullDirectoryInformationEntry,
  NtStatus,
  walkDirectoryEntries,
} from "smb-structures";
import { describe, expect, it } from "vitest";
import { resolveAuth } from "../src/fs/auth.js";
import { Channel } from "../src/fs/dir.js";
import { joinDisplay } from "../src/fs/dirent.js";
import { smbFsError, toFsError } from "../src/fs/errors.js";
import { mapLimit } from "../src/fs/limit.js";
import { flagToCreate } from "../src/fs/read-write.js";
import { createName } from "../src/fs/resolver.js";
import { toFiletime } from "../src/fs/stats.js";
import { streamWindow } from "../src/fs/streams.js";
import {
  configure,
  getDefaults,
  isSmbPath,
  pathString,
  resetDefaults,
  SmbBigIntStats,
  SmbClient,
  SmbClientError,
  SmbDirent,
  SmbError,
  SmbStats,
  type Tree,
} from "../src/index.js";

const base = { auth: "negotiate" as const, allowAnonymous: false, useEnv: false, server: "srv" };

describe("credential choice", () => {
  it("takes the user from the first source naming one, the secret only from the same or an unnamed user", () => {
    const a = resolveAuth({
      ...base,
      sources: [
        { username: "alice", password: "a" },
        { username: "bob", password: "b" },
      ],
    });
    expect(a.credentials.username).toBe("alice");
    const b = resolveAuth({ ...base, sources: [{ username: "alice" }, { username: "bob", password: "b" }] });
    // bob's password never goes out as alice's.
    expect(b.key).toBe(resolveAuth({ ...base, sources: [{ username: "alice" }] }).key);
    expect(b.key).not.toBe(resolveAuth({ ...base, sources: [{ username: "alice", password: "b" }] }).key);
    const c = resolveAuth({
      ...base,
      sources: [{ username: "ALICE" }, { username: "alice", password: "a" }],
    });
    expect(c.key).toBe(resolveAuth({ ...base, sources: [{ username: "alice", password: "a" }] }).key);
    const d = resolveAuth({
      ...base,
      sources: [undefined, { username: "carol" }, { password: "c", domain: "D" }],
    });
    expect(d.credentials.domain).toBe("D");
    expect(d.key).toBe(
      resolveAuth({ ...base, sources: [{ username: "carol", password: "c", domain: "D" }] }).key,
    );
  });

  it("keys sessions by protocol, domain, user and secret without containing the secret", () => {
    const k1 = resolveAuth({ ...base, sources: [{ username: "u", password: "secret-1" }] }).key;
    const k2 = resolveAuth({ ...base, sources: [{ username: "u", password: "secret-2" }] }).key;
    const k3 = resolveAuth({ ...base, auth: "ntlm", sources: [{ username: "u", password: "secret-1" }] }).key;
    const k4 = resolveAuth({ ...base, sources: [{ username: "D\\u", password: "secret-1" }] }).key;
    expect(new Set([k1, k2, k3, k4]).size).toBe(4);
    expect(k1).not.toContain("secret-1");
    const creds = new Credentials({ username: "u", password: "x" });
    expect(resolveAuth({ ...base, sources: [{ credentials: creds }] }).key).toBe(
      resolveAuth({ ...base, sources: [{ credentials: creds }] }).key,
    );
  });

  it("refuses to go without credentials unless anonymous is allowed", () => {
    expect(() => resolveAuth({ ...base, sources: [] })).toThrow(SmbClientError);
    expect(resolveAuth({ ...base, allowAnonymous: true, sources: [] }).anonymous).toBe(true);
  });

  it("builds SPNEGO over NTLM, over Kerberos and NTLM, or over Kerberos alone; one Kerberos factory per identity", () => {
    const src = [{ username: "u", password: "p" }];
    expect(resolveAuth({ ...base, sources: src }).factory().name).toBe("spnego(ntlm)");
    expect(resolveAuth({ ...base, auth: "ntlm", sources: src }).factory().name).toBe("ntlm");
    const cache = new Map();
    const n = resolveAuth({ ...base, kerberos: {}, cache, sources: src });
    expect(n.factory().name).toBe("spnego(kerberos,ntlm)");
    const k = resolveAuth({ ...base, auth: "kerberos", kerberos: { spn: "cifs/x" }, cache, sources: src });
    expect(k.factory().name).toBe("spnego(kerberos)");
    expect(k.factory()).toBe(k.factory());
    expect(k.key).not.toBe(n.key);
    // The credential cache's default principal when no user is named.
    expect(resolveAuth({ ...base, auth: "kerberos", sources: [] }).credentials.username).toBe("");
  });
});

describe("open flags", () => {
  it("maps node flags to CREATE dispositions", () => {
    expect(flagToCreate("r")).toMatchObject({ disposition: 1, write: false, read: true });
    expect(flagToCreate("r+")).toMatchObject({ disposition: 1, write: true });
    expect(flagToCreate("w")).toMatchObject({ disposition: 5, append: false });
    expect(flagToCreate("wx")).toMatchObject({ disposition: 2 });
    expect(flagToCreate("a")).toMatchObject({ disposition: 3, append: true });
    expect(flagToCreate("ax+")).toMatchObject({ disposition: 2, append: true, read: true });
    expect(flagToCreate(0)).toMatchObject({ disposition: 1, write: false });
    expect(flagToCreate(0o1101)).toMatchObject({ disposition: 5 });
    expect(flagToCreate(0o2101)).toMatchObject({ append: true });
    expect(() => flagToCreate("z")).toThrow(SmbClientError);
  });
});

describe("stats and dirents", () => {
  const ft = (ms: number) => FILETIME_UNIX_EPOCH + BigInt(ms) * 10_000n;
  const info = {
    creationTime: ft(1_000),
    lastAccessTime: ft(2_000),
    lastWriteTime: ft(3_000),
    changeTime: ft(4_000),
    endOfFile: 1234n,
    allocationSize: 4096n,
    fileAttributes: 0x20,
    indexNumber: 99n,
    numberOfLinks: 2,
  };

  it("builds fs.Stats-like objects", () => {
    const s = new SmbStats(info);
    expect([s.size, s.ino, s.nlink, s.blocks]).toEqual([1234, 99, 2, 8]);
    expect([s.birthtimeMs, s.atimeMs, s.mtimeMs, s.ctimeMs]).toEqual([1000, 2000, 3000, 4000]);
    expect(s.isFile() && !s.isDirectory() && !s.isSymbolicLink()).toBe(true);
    expect(s.mode).toBe(0o100644);
    expect(new SmbStats({ ...info, fileAttributes: 0x21 }).mode).toBe(0o100444);
    expect(new SmbStats({ ...info, fileAttributes: 0x10 }).isDirectory()).toBe(true);
    const link = new SmbStats({ ...info, fileAttributes: 0x420, reparseTag: 0xa000000c });
    expect(link.isSymbolicLink()).toBe(true);
    expect(link.isReparsePoint()).toBe(true);
    const b = new SmbBigIntStats(info);
    expect([b.size, b.mtimeMs, b.mtimeNs]).toEqual([1234n, 3000n, 3_000_000_000n]);
  });

  it("converts utimes arguments like node (numbers are seconds)", () => {
    expect(toFiletime(1)).toBe(FILETIME_UNIX_EPOCH + 10_000_000n);
    expect(toFiletime(new Date(1500))).toBe(FILETIME_UNIX_EPOCH + 15_000_000n);
    expect(toFiletime("2")).toBe(FILETIME_UNIX_EPOCH + 20_000_000n);
    expect(() => toFiletime(Number.NaN)).toThrow(RangeError);
  });

  it("builds Dirents from directory entries; the reparse tag comes from EaSize", () => {
    const d = new SmbDirent({ ...info, fileName: "a.txt", eaSize: 0, fileId: 7n }, "//s/share/dir");
    expect([d.name, d.parentPath, d.size, d.ino, d.fullPath]).toEqual([
      "a.txt",
      "//s/share/dir",
      1234,
      7n,
      "//s/share/dir/a.txt",
    ]);
    expect(d.isFile()).toBe(true);
    expect(d.mtime.getTime()).toBe(3000);
    expect(d.stat().size).toBe(1234);
    const l = new SmbDirent(
      { ...info, fileName: "l", fileAttributes: 0x410, eaSize: 0xa000000c },
      "//s/share",
    );
    expect([l.isSymbolicLink(), l.isDirectory(), l.reparseTag]).toEqual([true, false, 0xa000000c]);
  });

  it("a listing's Dirent (read from the QUERY_DIRECTORY buffer) equals one built from the decoded entry", () => {
    const entries = [
      { ...info, fileIndex: 0, fileName: "a.txt", eaSize: 0, fileId: 7n },
      { ...info, fileIndex: 0, fileName: "dir", fileAttributes: 0x10, eaSize: 0, fileId: 2n ** 63n + 5n },
      { ...info, fileIndex: 0, fileName: "l", fileAttributes: 0x410, eaSize: 0xa000000c, fileId: 9n },
      {
        ...info,
        fileIndex: 0,
        fileName: "odd times",
        creationTime: 0n,
        lastWriteTime: ft(1_700_000_000_123) + 7n,
        endOfFile: 2n ** 60n + 3n,
        eaSize: 0,
        fileId: 1n,
      },
    ];
    const buf = Buffer.alloc(FileIdFullDirectoryInformation.size(entries));
    FileIdFullDirectoryInformation.write(buf, 0, entries, { base: 0 });
    const at: number[] = [];
    walkDirectoryEntries(FileIdFullDirectoryInformationEntry, buf, 0, buf.length, (p) => at.push(p));
    const fields = ["name", "attributes", "reparseTag", "size", "allocationSize", "ino"] as const;
    const times = ["mtimeMs", "atimeMs", "ctimeMs", "birthtimeMs", "mtime", "birthtime"] as const;
    for (const [i, e] of entries.entries()) {
      const want = new SmbDirent(e, "//s/share");
      const got = new SmbDirent(buf, "//s/share", at[i]!, e.fileName);
      for (const f of [...fields, ...times, "fullPath"] as const) expect([f, got[f]]).toEqual([f, want[f]]);
      expect([got.isFile(), got.isDirectory(), got.isSymbolicLink()]).toEqual([
        want.isFile(),
        want.isDirectory(),
        want.isSymbolicLink(),
      ]);
      expect(got.stat()).toEqual(want.stat());
      expect(got.stat({ bigint: true })).toEqual(want.stat({ bigint: true }));
      expect(got.isDirectory()).toBe(e.fileName === "dir");
    }
  });

  it("a listing without ids (FILE_DIRECTORY_INFORMATION) reads the same fields, without id and tag", () => {
    for (const f of [
      "creationTime",
      "lastWriteTime",
      "endOfFile",
      "fileAttributes",
      "fileNameLength",
    ] as const)
      expect(FileDirectoryInformationEntry.fieldOffset(f)).toBe(
        FileIdFullDirectoryInformationEntry.fieldOffset(f),
      );
    const e = { ...info, fileIndex: 0, fileName: "l", fileAttributes: 0x410 };
    const buf = Buffer.alloc(FileDirectoryInformation.size([e]));
    FileDirectoryInformation.write(buf, 0, [e], { base: 0 });
    const d = new SmbDirent(buf, "//s/share", 0, "l", true);
    const want = new SmbDirent({ ...e, eaSize: 0 }, "//s/share");
    expect([d.size, d.mtimeMs, d.birthtimeMs, d.attributes]).toEqual([1234, 3000, 1000, 0x410]);
    expect([d.ino, d.reparseTag, d.isDirectory()]).toEqual([0n, 0, true]);
    expect(d.stat()).toEqual(want.stat());
  });

  it("joins display paths in the caller's style", () => {
    expect(joinDisplay("//s/share/dir", "x")).toBe("//s/share/dir/x");
    expect(joinDisplay("//s/share/dir/", "x")).toBe("//s/share/dir/x");
    expect(joinDisplay("\\\\s\\share\\dir", "x")).toBe("\\\\s\\share\\dir\\x");
    expect(joinDisplay("smb://u@s:1445/share/d", "a b#😀")).toBe(
      "smb://u@s:1445/share/d/a%20b%23%F0%9F%98%80",
    );
  });

  it("formats paths the parser reads back", () => {
    expect(pathString({ server: "s", share: "sh", path: "a\\b" })).toBe("//s/sh/a/b");
    expect(pathString({ server: "s", port: 1445, share: "sh", path: "a b\\c" })).toBe(
      "smb://s:1445/sh/a%20b/c",
    );
    expect(isSmbPath("//s/x")).toBe(true);
    expect(isSmbPath("\\\\s\\x")).toBe(true);
    expect(isSmbPath("smb://s/x")).toBe(true);
    expect(isSmbPath(new URL("smb://s/x"))).toBe(true);
    expect(isSmbPath("/tmp/x")).toBe(false);
    expect(isSmbPath("relative")).toBe(false);
  });
});

describe("fs errors", () => {
  it("re-creates SmbErrors with code, errno, syscall, path, dest and the NTSTATUS", () => {
    const raw = new SmbError(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, { command: 5, path: "dir\\x" });
    const e = toFsError(raw, { syscall: "open", path: "//s/share/dir/x" }) as SmbError;
    expect(e).toBeInstanceOf(SmbError);
    expect([e.code, e.errno, e.syscall, e.path, e.ntstatus, e.command]).toEqual([
      "ENOENT",
      -2,
      "open",
      "//s/share/dir/x",
      "STATUS_OBJECT_NAME_NOT_FOUND",
      "CREATE",
    ]);
    expect(e.message.startsWith("ENOENT: ")).toBe(true);
    expect((e as { cause?: unknown }).cause).toBe(raw);
    expect(toFsError(e, { syscall: "other" })).toBe(e);
    const r = smbFsError(NtStatus.STATUS_NOT_A_REPARSE_POINT, { syscall: "readlink", path: "p", dest: "d" });
    expect([r.code, r.errno, (r as { dest?: string }).dest]).toEqual(["EINVAL", -22, "d"]);
    expect(smbFsError(NtStatus.STATUS_SHARING_VIOLATION, { syscall: "open" }).code).toBe("EBUSY");
  });

  it("adds syscall and path to other errors, leaves AbortErrors alone", () => {
    const net = Object.assign(new Error("connect failed"), { code: "ECONNREFUSED" });
    expect(toFsError(net, { syscall: "open", path: "//s/x" })).toMatchObject({
      code: "ECONNREFUSED",
      syscall: "open",
      path: "//s/x",
    });
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect((toFsError(abort, { syscall: "open", path: "p" }) as { path?: string }).path).toBeUndefined();
  });
});

describe("helpers", () => {
  it("mapLimit keeps at most `limit` calls in flight and keeps order", async () => {
    let inflight = 0;
    let max = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (x) => {
      inflight++;
      max = Math.max(max, inflight);
      await new Promise((r) => setTimeout(r, x));
      inflight--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(max).toBe(2);
    await expect(mapLimit([1, 2], 2, async (x) => Promise.reject(new Error(`e${x}`)))).rejects.toThrow(
      /e1|e2/,
    );
  });

  it("Channel hands items over one at a time and stops the producer when the consumer leaves", async () => {
    const ch = new Channel<number>();
    const produced: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await ch.push(i);
        produced.push(i);
      }
      ch.end();
    })();
    expect(await ch.pull()).toBe(0);
    expect(await ch.pull()).toBe(1);
    expect(produced.length).toBeLessThanOrEqual(2);
    ch.cancel();
    await expect(producer).rejects.toThrow("consumer left");
  });

  it("createName uses the DFS form only on DFS shares", () => {
    const tree = (isDfs: boolean) => ({ isDfs }) as unknown as Tree;
    const t = { server: "srv", share: "root", path: "a\\b" };
    expect(createName(t, "a\\b", tree(false), false)).toEqual({ name: "a\\b", dfs: false });
    expect(createName(t, "a\\b", tree(true), false)).toEqual({ name: "srv\\root\\a\\b", dfs: true });
    expect(createName(t, "", tree(true), false)).toEqual({ name: "srv\\root", dfs: true });
    expect(createName(t, "a\\b", tree(true), true)).toEqual({ name: "a\\b", dfs: false });
  });

  it("configure() merges global defaults; undefined removes one", () => {
    resetDefaults();
    configure({ username: "u", domain: "D" });
    configure({ domain: undefined, skipDfs: true });
    expect(getDefaults()).toEqual({ username: "u", skipDfs: true });
    resetDefaults();
    expect(getDefaults()).toEqual({});
  });

  it("SmbClient methods reject bad arguments before any I/O", async () => {
    const c = new SmbClient({ username: "u", password: "p" });
    await expect(c.writeFile("//s/share/x", 42 as never)).rejects.toThrow(SmbClientError);
    await expect(c.readFile("no-unc")).rejects.toMatchObject({ code: "EINVAL" });
    await expect(c.open("//s/share/x", "q")).rejects.toThrow(SmbClientError);
    expect(() => c.createReadStream("//s/share/x", { start: -1 })).toThrow(SmbClientError);
    await expect(c.setxattr("//s/share/x", "bad\u0001name", "v")).rejects.toThrow(SmbClientError);
  });
});

describe("stream windows", () => {
  it("keep 4 MiB in flight: 4 x 1 MiB, or more requests when the server's maximum is smaller", () => {
    expect(streamWindow(1 << 20, 8 << 20, 16)).toBe(4);
    // SMB 2.0.2: 64 KiB requests; reads are capped at 16, writes at 64.
    expect(streamWindow(1 << 20, 64 << 10, 16)).toBe(16);
    expect(streamWindow(1 << 20, 64 << 10, 64)).toBe(64);
    expect(streamWindow(1 << 20, 1 << 20, 64)).toBe(4);
    expect(streamWindow(8 << 20, 8 << 20, 16)).toBe(2);
  });
});
