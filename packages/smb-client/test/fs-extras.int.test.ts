// Extended attributes, alternate data streams, security descriptors, change notification, share
// listing, links (symlink/readlink/link/realpath) against Samba.
import { symlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, SHARE, samba, scratch, uniq } from "./fs-helpers.js";

describe.skipIf(samba.external)("extended attributes and streams (streams share)", () => {
  const smb = client();
  const dir = scratch("streams", "xattr");
  beforeAll(() => smb.mkdir(dir));
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  });

  it("sets, gets, lists and removes extended attributes", async () => {
    const f = `${dir}/ea.txt`;
    await smb.writeFile(f, "data");
    expect(await smb.listxattr(f)).toEqual([]);
    await smb.setxattr(f, "color", "blue");
    await smb.setxattr(f, "binary", Buffer.from([0, 1, 2, 255]));
    expect((await smb.listxattr(f)).map((n) => n.toLowerCase()).sort()).toEqual(["binary", "color"]);
    expect((await smb.getxattr(f, "color")).toString()).toBe("blue");
    expect([...(await smb.getxattr(f, "binary"))]).toEqual([0, 1, 2, 255]);
    const all = await smb.getxattrs(f);
    expect(all.size).toBe(2);
    await smb.removexattr(f, "color");
    expect((await smb.listxattr(f)).map((n) => n.toLowerCase())).toEqual(["binary"]);
    const e = await smb.getxattr(f, "color").catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["ENODATA", "getxattr"]);
    const e2 = await smb.getxattr(`${dir}/missing`, "x").catch((err) => err);
    expect(e2.code).toBe("ENOENT");
    // Attributes on a directory too.
    await smb.setxattr(dir, "on-dir", "yes");
    expect((await smb.getxattr(dir, "on-dir")).toString()).toBe("yes");
  });

  it("lists, reads and writes alternate data streams through file:stream paths", async () => {
    const f = `${dir}/ads.txt`;
    await smb.writeFile(f, "main");
    await smb.writeFile(`${f}:meta`, "stream data");
    await smb.appendFile(`${f}:meta`, " more");
    await smb.writeFile(`${f}:😀`, Buffer.alloc(1000, 1));
    const streams = await smb.listStreams(f);
    const byName = new Map(streams.map((s) => [s.name, s]));
    expect(byName.get("")!.size).toBe(4);
    expect(byName.get("meta")!.size).toBe(16);
    expect(byName.get("😀")!.size).toBe(1000);
    expect(byName.get("meta")!.type).toBe("$DATA");
    expect(await smb.readFile(`${f}:meta`, "utf8")).toBe("stream data more");
    expect(await smb.readFile(f, "utf8")).toBe("main");
    expect((await smb.stat(`${f}:meta`)).size).toBe(16);
    await smb.unlink(`${f}:meta`);
    expect((await smb.listStreams(f)).map((s) => s.name).sort()).toEqual(["", "😀"]);
    const e = await smb.readFile(`${f}:nope`).catch((err) => err);
    expect(e.code).toBe("ENOENT");
  });
});

describe("security descriptors", () => {
  const smb = client();
  const dir = scratch(SHARE, "sec");
  beforeAll(() => smb.mkdir(dir));
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  });

  it("reads owner, group and DACL with SIDs as strings, and SDDL", async () => {
    await smb.writeFile(`${dir}/f.txt`, "x");
    const sd = await smb.getSecurity(`${dir}/f.txt`);
    expect(sd.owner).toMatch(/^S-1-\d+(-\d+)+$/);
    expect(sd.group).toMatch(/^S-1-\d+(-\d+)+$/);
    expect(Array.isArray(sd.dacl)).toBe(true);
    expect(sd.dacl!.length).toBeGreaterThan(0);
    for (const ace of sd.dacl!) {
      expect(ace.sid).toMatch(/^S-1-/);
      expect(typeof ace.mask).toBe("number");
    }
    expect(sd.sddl.startsWith(`O:`)).toBe(true);
    expect(sd.raw.length).toBeGreaterThan(20);
    const ownerOnly = await smb.getSecurity(`${dir}/f.txt`, { owner: true });
    expect(ownerOnly.owner).toBe(sd.owner);
    expect(ownerOnly.dacl).toBeUndefined();
  });

  it("writes a DACL and reads it back", async () => {
    const f = `${dir}/g.txt`;
    await smb.writeFile(f, "x");
    const before = await smb.getSecurity(f);
    const owner = before.owner!;
    await smb.setSecurity(f, {
      dacl: [
        { type: "allow", mask: 0x001f01ff, sid: owner },
        { type: "allow", mask: 0x00120089, sid: "S-1-1-0" },
      ],
    });
    const after = await smb.getSecurity(f);
    const everyone = after.dacl!.find((a) => a.sid === "S-1-1-0");
    expect(everyone?.type).toBe("allow");
    expect(everyone!.mask & 0x00120089).toBe(0x00120089);
    expect(after.dacl!.some((a) => a.sid === owner)).toBe(true);
    // Writing back a raw descriptor as read.
    await smb.setSecurity(f, before.raw);
    const e = await smb.getSecurity(`${dir}/missing`).catch((err) => err);
    expect(e.code).toBe("ENOENT");
  });
});

describe("watch", () => {
  const smb = client();
  const writer = client();
  const dir = scratch(SHARE, "watch");
  beforeAll(() => smb.mkdir(`${dir}/sub`, { recursive: true }));
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
    await writer.close();
  });

  it("reports creations, changes and renames; ends with AbortError on abort", async () => {
    const ac = new AbortController();
    const events: { eventType: string; filename: string | null; action: string }[] = [];
    const done = (async () => {
      for await (const e of smb.watch(dir, { signal: ac.signal })) {
        events.push(e);
        if (events.some((x) => x.action === "renamed-to")) ac.abort();
      }
    })().catch((e) => e);
    await new Promise((r) => setTimeout(r, 200));
    await writer.writeFile(`${dir}/new.txt`, "x");
    await writer.rename(`${dir}/new.txt`, `${dir}/renamed 😀.txt`);
    const err = await done;
    expect(err?.name).toBe("AbortError");
    expect(events).toContainEqual({ eventType: "rename", filename: "new.txt", action: "added" });
    expect(events).toContainEqual({ eventType: "rename", filename: "new.txt", action: "renamed-from" });
    expect(events).toContainEqual({ eventType: "rename", filename: "renamed 😀.txt", action: "renamed-to" });
  });

  it("watches a subtree with recursive, and stops quietly when the loop is left", async () => {
    const it2 = smb.watch(dir, { recursive: true });
    const first = it2.next();
    await new Promise((r) => setTimeout(r, 200));
    await writer.writeFile(`${dir}/sub/deep.txt`, "x");
    const ev = await first;
    expect(ev.value).toEqual({ eventType: "rename", filename: "sub/deep.txt", action: "added" });
    await it2.return(undefined);
    // The watched directory is not held open any more: it can be renamed away and back.
    await smb.rename(dir, `${dir}-moved`);
    await smb.rename(`${dir}-moved`, dir);
  });
});

describe("listShares", () => {
  const smb = client();
  afterAll(() => smb.close());
  it("lists the server's shares via srvsvc (all path forms)", async () => {
    const shares = await smb.listShares(samba.host);
    const names = shares.map((s) => s.name);
    expect(names).toContain(SHARE);
    expect(names).toContain("IPC$");
    expect(shares.find((s) => s.name === "IPC$")!.type).toBe("ipc");
    expect(shares.find((s) => s.name === SHARE)!.type).toBe("disk");
    expect(
      (await smb.listShares(`//${samba.host}`, { excludeSpecial: true })).map((s) => s.name),
    ).not.toContain("IPC$");
    const viaUrl = await smb.listShares(`smb://${samba.username}@${samba.host}:${samba.port}`);
    expect(viaUrl.length).toBe(shares.length);
    if (!samba.external)
      expect(names).toEqual(expect.arrayContaining(["share-encrypted", "dfsroot", "streams", "readonly"]));
  });
});

describe("links and realpath", () => {
  const smb = client();
  const name = uniq("links");
  const dir = `//${samba.host}/${SHARE}/${name}`;
  beforeAll(() => smb.mkdir(dir));
  afterAll(async () => {
    await smb.rm(dir, { recursive: true, force: true });
    await smb.close();
  });

  it("symlink: a server that cannot create reparse points fails cleanly, leaving nothing behind", async () => {
    const e = await smb.symlink("target.txt", `${dir}/link`).catch((err) => err);
    if (e instanceof Error) {
      expect(["ENOTSUP", "EACCES", "EINVAL", "EPERM"]).toContain((e as Error & { code: string }).code);
      expect(await smb.exists(`${dir}/link`)).toBe(false);
    } else {
      expect(await smb.readlink(`${dir}/link`)).toBe("target.txt");
      expect((await smb.lstat(`${dir}/link`)).isSymbolicLink()).toBe(true);
    }
  });

  it("readlink of a regular file is EINVAL", async () => {
    await smb.writeFile(`${dir}/plain.txt`, "p");
    const e = await smb.readlink(`${dir}/plain.txt`).catch((err) => err);
    expect([e.code, e.syscall]).toEqual(["EINVAL", "readlink"]);
  });

  it.skipIf(samba.external)("a server-side symlink is followed by the server (Samba)", async () => {
    await smb.writeFile(`${dir}/real.txt`, "real content");
    const local = join(samba.shares[SHARE]!.path, name, "sym.txt");
    symlinkSync("real.txt", local);
    try {
      expect(await smb.readFile(`${dir}/sym.txt`, "utf8")).toBe("real content");
      expect((await smb.stat(`${dir}/sym.txt`)).size).toBe(12);
    } finally {
      // Samba hides a dangling symlink from listings, so rm -r could not see it once real.txt is gone.
      unlinkSync(local);
    }
  });

  it("link creates a hard link", async () => {
    await smb.writeFile(`${dir}/orig.txt`, "shared");
    await smb.link(`${dir}/orig.txt`, `${dir}/hard.txt`);
    expect(await smb.readFile(`${dir}/hard.txt`, "utf8")).toBe("shared");
    expect((await smb.stat(`${dir}/orig.txt`)).nlink).toBe(2);
    await smb.writeFile(`${dir}/orig.txt`, "changed", { flag: "r+" });
    expect(await smb.readFile(`${dir}/hard.txt`, "utf8")).toBe("changed");
    const e = await smb.link(`${dir}/orig.txt`, `${dir}/hard.txt`).catch((err) => err);
    expect(e.code).toBe("EEXIST");
  });

  it("realpath returns the canonical //server/share/path with the server's spelling", async () => {
    await smb.mkdir(`${dir}/Mixed Case/Inner`, { recursive: true });
    await smb.writeFile(`${dir}/Mixed Case/Inner/File.TXT`, "x");
    const rp = await smb.realpath(`${dir}/mixed case/./inner/../Inner/file.txt`);
    expect(rp).toBe(`//${samba.host}/${SHARE}/${name}/Mixed Case/Inner/File.TXT`);
    const e = await smb.realpath(`${dir}/nope`).catch((err) => err);
    expect(e.code).toBe("ENOENT");
  });
});
