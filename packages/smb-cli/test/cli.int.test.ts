// The `smb` binary end to end against the real Samba: every command, the --json schemas, exit codes,
// credentials (env, -U, --password-stdin, the prompt) and that a password never shows in ps or logs.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { execFileSync, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  checkSchema,
  cliBinary,
  credentialsEnv,
  hasPython,
  ptySmb,
  type RunOptions,
  runSmb,
  spawnSmb,
} from "./helpers/cli.js";

const samba = inject("samba");
const local = !samba.external;
const HOST = samba.host;
const SHARE = `//${HOST}/share`;
const DIR = `smb-cli-${process.pid}-${randomBytes(3).toString("hex")}`;
const BASE = `${SHARE}/${DIR}`;
const ENV = credentialsEnv(samba);
let bin = "";
let tmp = "";

function smb(args: string[], opts: RunOptions = {}) {
  return runSmb(bin, ["--port", String(samba.port), ...args], { ...opts, env: { ...ENV, ...opts.env } });
}

/** Asserts success and returns stdout. */
async function ok(args: string[], opts: RunOptions = {}) {
  const r = await smb(args, opts);
  expect(r.stderr, `smb ${args.join(" ")}`).toBe("");
  expect(r.code, `smb ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function jsonLines(s: string): unknown[] {
  return s
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const ENTRY_SCHEMA = {
  name: "string",
  path: "string",
  type: "string",
  size: "number",
  allocationSize: "number",
  attributes: "array",
  mtime: "string|null",
  atime: "string|null",
  ctime: "string|null",
  birthtime: "string|null",
  fileId: "string",
  nlink: "number?",
};

beforeAll(async () => {
  bin = await cliBinary();
  tmp = mkdtempSync(join(tmpdir(), "smb-cli-int-"));
  await ok(["mkdir", BASE]);
});

afterAll(async () => {
  if (bin) await smb(["rm", "-r", "-f", BASE]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("shares", () => {
  it("lists the shares as a table and as JSON lines", async () => {
    const out = await ok(["shares", `//${HOST}`]);
    expect(out.split("\n")[0]).toMatch(/^Name\s+Type\s+Comment/);
    expect(out).toMatch(/\nshare\s+disk/);
    const list = jsonLines(await ok(["shares", "--json", HOST]));
    for (const s of list)
      checkSchema(s, {
        name: "string",
        type: "string",
        special: "boolean",
        temporary: "boolean",
        remark: "string",
      });
    expect(list).toContainEqual(expect.objectContaining({ name: "share", type: "disk", special: false }));
    expect(list).toContainEqual(expect.objectContaining({ name: "IPC$", type: "ipc", special: true }));
  });
});

describe("put, get, cat, cp", () => {
  it("round-trips files of several sizes (empty, small, multi-chunk)", async () => {
    for (const size of [0, 5, 1024 * 1024 + 17, 12 * 1024 * 1024 + 3]) {
      const data = randomBytes(size);
      const src = join(tmp, `up-${size}`);
      writeFileSync(src, data);
      await ok(["put", src, `${BASE}/f-${size}`]);
      const back = join(tmp, `down-${size}`);
      await ok(["get", `${BASE}/f-${size}`, back]);
      expect(readFileSync(back).equals(data), `size ${size}`).toBe(true);
    }
  });

  it("puts into a directory, gets into a directory and the current directory", async () => {
    const src = join(tmp, "into.txt");
    writeFileSync(src, "into\n");
    await ok(["mkdir", `${BASE}/into`]);
    await ok(["put", src, `${BASE}/into/`]);
    await ok(["put", src, `${BASE}/into`]);
    expect(await ok(["ls", `${BASE}/into`])).toBe("into.txt\n");
    const d = join(tmp, "getdir");
    mkdirSync(d);
    await ok(["get", `${BASE}/into/into.txt`, d]);
    expect(readFileSync(join(d, "into.txt"), "utf8")).toBe("into\n");
    const cwd = join(tmp, "cwd");
    mkdirSync(cwd);
    await ok(["get", `${BASE}/into/into.txt`], { cwd });
    expect(readFileSync(join(cwd, "into.txt"), "utf8")).toBe("into\n");
  });

  it("put - reads stdin; get - and cat write stdout", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    await ok(["put", "-", `${BASE}/stdin.bin`], { input: data });
    const r = await smb(["cat", `${BASE}/stdin.bin`]);
    expect(r.code).toBe(0);
    expect(r.stdoutBuffer.equals(data)).toBe(true);
    const g = await smb(["get", `${BASE}/stdin.bin`, "-"]);
    expect(g.stdoutBuffer.equals(data)).toBe(true);
  });

  it("cp copies on the server (remote to remote), and works like put/get with a local side", async () => {
    const data = randomBytes(5 * 1024 * 1024 + 1);
    writeFileSync(join(tmp, "cp-src"), data);
    await ok(["cp", join(tmp, "cp-src"), `${BASE}/cp-a`]);
    await ok(["cp", `${BASE}/cp-a`, `${BASE}/cp-b`]);
    await ok(["cp", `${BASE}/cp-b`, join(tmp, "cp-back")]);
    expect(readFileSync(join(tmp, "cp-back")).equals(data)).toBe(true);
    if (local) expect(readFileSync(join(samba.shares.share!.path, DIR, "cp-b")).equals(data)).toBe(true);
  });

  it("get -r, put -r and cp -r copy trees", async () => {
    const tree = join(tmp, "tree");
    mkdirSync(join(tree, "a", "b"), { recursive: true });
    writeFileSync(join(tree, "top.txt"), "top");
    writeFileSync(join(tree, "a", "mid.txt"), "mid");
    writeFileSync(join(tree, "a", "b", "deep.bin"), randomBytes(200_000));
    const noR = await smb(["put", tree, `${BASE}/tree`]);
    expect(noR.code).toBe(1);
    expect(noR.stderr).toMatch(/is a directory \(use -r\)/);
    await ok(["put", "-r", tree, `${BASE}/tree`]);
    await ok(["cp", "-r", `${BASE}/tree`, `${BASE}/tree2`]);
    const back = join(tmp, "tree-back");
    await ok(["get", "-r", `${BASE}/tree2`, back]);
    expect(readFileSync(join(back, "top.txt"), "utf8")).toBe("top");
    expect(readFileSync(join(back, "a", "mid.txt"), "utf8")).toBe("mid");
    expect(
      readFileSync(join(back, "a", "b", "deep.bin")).equals(readFileSync(join(tree, "a", "b", "deep.bin"))),
    ).toBe(true);
  });

  it("gets every match of a wildcard", async () => {
    await ok(["mkdir", `${BASE}/wild`]);
    for (const n of ["a.txt", "b.txt", "c.log"]) await ok(["put", "-", `${BASE}/wild/${n}`], { input: n });
    const d = join(tmp, "wild");
    mkdirSync(d);
    await ok(["get", `${BASE}/wild/*.txt`, d]);
    expect(
      existsSync(join(d, "a.txt")) && existsSync(join(d, "b.txt")) && !existsSync(join(d, "c.log")),
    ).toBe(true);
  });

  it.skipIf(!existsSync("/usr/bin/time"))(
    "streams large files in bounded memory",
    async () => {
      const size = 256 * 1024 * 1024;
      const src = join(tmp, "big");
      const chunk = randomBytes(4 * 1024 * 1024);
      writeFileSync(src, Buffer.alloc(0));
      for (let i = 0; i < size / chunk.length; i++) writeFileSync(src, chunk, { flag: "a" });
      const up = await maxRss(["put", src, `${BASE}/big`]);
      const down = await maxRss(["get", `${BASE}/big`, join(tmp, "big.back")]);
      // A whole-file buffer would be > 256 MiB; streaming stays near node's own footprint plus the window.
      expect(up).toBeLessThan(200 * 1024);
      expect(down).toBeLessThan(200 * 1024);
      const a = await readFile(src);
      const b = await readFile(join(tmp, "big.back"));
      expect(a.equals(b)).toBe(true);
      rmSync(src);
      rmSync(join(tmp, "big.back"));
      await ok(["rm", `${BASE}/big`]);
    },
    120_000,
  );
});

/** Runs smb under /usr/bin/time; resolves with its max RSS in KiB. */
async function maxRss(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "/usr/bin/time",
      ["-f", "maxrss=%M", process.execPath, bin, "--port", String(samba.port), ...args],
      { env: { PATH: process.env.PATH, ...ENV }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const m = /maxrss=(\d+)/.exec(err);
      if (code !== 0 || !m) reject(new Error(`smb ${args.join(" ")} failed (${code}): ${err}`));
      else resolve(Number(m[1]));
    });
  });
}

describe("ls", () => {
  beforeAll(async () => {
    await ok(["mkdir", "-p", `${BASE}/ls/sub/deeper`]);
    await ok(["put", "-", `${BASE}/ls/file.txt`], { input: "hello" });
    await ok(["put", "-", `${BASE}/ls/.dotfile`], { input: "x" });
    await ok(["put", "-", `${BASE}/ls/sub/inner.txt`], { input: "inner" });
  });

  it("lists names, hides dot/hidden entries without -a", async () => {
    expect(await ok(["ls", `${BASE}/ls`])).toBe("file.txt\nsub\n");
    expect(await ok(["ls", "-a", `${BASE}/ls`])).toBe(".dotfile\nfile.txt\nsub\n");
  });

  it("-l shows mode, attributes, size, time and name", async () => {
    const lines = (await ok(["ls", "-l", `${BASE}/ls`])).trim().split("\n");
    expect(lines[0]).toMatch(/^-rw-r--r--\s+\S+\s+5\s+\w{3} [ \d]\d \d\d:\d\d\s+file\.txt$/);
    expect(lines[1]).toMatch(/^drwxr-xr-x\s+D\S*\s+\d+\s+.*\ssub\/$/);
  });

  it("-R lists subdirectories with headers", async () => {
    const out = await ok(["ls", "-R", `${BASE}/ls`]);
    expect(out).toContain(`${BASE}/ls:\nfile.txt\nsub\n`);
    expect(out).toContain(`\n${BASE}/ls/sub:\ndeeper\ninner.txt\n`);
    expect(out).toContain(`\n${BASE}/ls/sub/deeper:\n`);
  });

  it("--json: one object per entry with a stable schema", async () => {
    const list = jsonLines(await ok(["ls", "--json", "-a", `${BASE}/ls`])) as Record<string, unknown>[];
    expect(list.map((e) => e.name)).toEqual([".dotfile", "file.txt", "sub"]);
    for (const e of list) checkSchema(e, ENTRY_SCHEMA, String(e.name));
    const f = list[1]!;
    expect(f).toMatchObject({ type: "file", size: 5, path: `${BASE}/ls/file.txt` });
    expect(new Date(f.mtime as string).getTime()).toBeGreaterThan(Date.now() - 3600_000);
    expect(list[2]).toMatchObject({ type: "directory", attributes: expect.arrayContaining(["DIRECTORY"]) });
    const rec = jsonLines(await ok(["ls", "--json", "-R", `${BASE}/ls`])) as Record<string, unknown>[];
    expect(rec.map((e) => e.path)).toContain(`${BASE}/ls/sub/inner.txt`);
  });

  it("a file lists as itself; wildcards filter; the backslash and URL forms work", async () => {
    expect(await ok(["ls", `${BASE}/ls/file.txt`])).toBe("file.txt\n");
    expect(await ok(["ls", `${BASE}/ls/*.txt`])).toBe("file.txt\n");
    const unc = `\\\\${HOST}\\share\\${DIR}\\ls`;
    expect(await ok(["ls", unc])).toBe("file.txt\nsub\n");
    const url = `smb://${encodeURIComponent(samba.username)}@${HOST}:${samba.port}/share/${DIR}/ls`;
    expect(await ok(["ls", url])).toBe("file.txt\nsub\n");
  });

  it("lists 3000 entries in full (QUERY_DIRECTORY looped)", async () => {
    if (!local) return;
    const d = join(samba.shares.share!.path, DIR, "many");
    mkdirSync(d);
    for (let i = 0; i < 3000; i++) writeFileSync(join(d, `f${String(i).padStart(5, "0")}`), "");
    const out = await ok(["ls", `${BASE}/many`]);
    const names = out.trim().split("\n");
    expect(names.length).toBe(3000);
    expect(names[0]).toBe("f00000");
    expect(names[2999]).toBe("f02999");
  });
});

describe("stat, mkdir, rm, mv, df", () => {
  it("stat prints metadata; --json has the entry schema plus nlink", async () => {
    await ok(["put", "-", `${BASE}/st.txt`], { input: "12345678" });
    const out = await ok(["stat", `${BASE}/st.txt`]);
    expect(out).toMatch(/File: .*st\.txt\n\s+Type: regular file\n\s+Size: 8\n/);
    const j = JSON.parse(await ok(["stat", "--json", `${BASE}/st.txt`]));
    checkSchema(j, { ...ENTRY_SCHEMA, nlink: "number" });
    expect(j).toMatchObject({ name: "st.txt", type: "file", size: 8, nlink: 1 });
    const root = JSON.parse(await ok(["stat", "--json", SHARE]));
    expect(root.type).toBe("directory");
  });

  it("mkdir, mkdir -p, and the errors", async () => {
    await ok(["mkdir", `${BASE}/m1`]);
    const again = await smb(["mkdir", `${BASE}/m1`]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`^smb mkdir: ${BASE}/m1: STATUS_OBJECT_NAME_COLLISION \\([^\\n]+\\)\\n$`),
    );
    await ok(["mkdir", "-p", `${BASE}/m1`, `${BASE}/m2/x/y`]);
    expect(await ok(["ls", `${BASE}/m2/x`])).toBe("y\n");
    const missing = await smb(["mkdir", `${BASE}/nope/a`]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/STATUS_OBJECT_PATH_NOT_FOUND/);
  });

  it("rm files, wildcards, -r and -f", async () => {
    await ok(["mkdir", "-p", `${BASE}/rm/d/e`]);
    for (const n of ["1.tmp", "2.tmp", "keep"]) await ok(["put", "-", `${BASE}/rm/${n}`], { input: n });
    await ok(["rm", `${BASE}/rm/*.tmp`]);
    expect(await ok(["ls", `${BASE}/rm`])).toBe("d\nkeep\n");
    const dir = await smb(["rm", `${BASE}/rm/d`]);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toMatch(/is a directory \(use -r\)/);
    await ok(["rm", "-r", `${BASE}/rm/d`]);
    const gone = await smb(["rm", `${BASE}/rm/gone`]);
    expect(gone.code).toBe(4);
    await ok(["rm", "-f", `${BASE}/rm/gone`]);
    expect(await ok(["ls", `${BASE}/rm`])).toBe("keep\n");
  });

  it("mv renames, moves into a directory, and moves across shares", async () => {
    await ok(["mkdir", `${BASE}/mv`]);
    await ok(["put", "-", `${BASE}/mv/a`], { input: "A" });
    await ok(["mv", `${BASE}/mv/a`, `${BASE}/mv/b`]);
    await ok(["mkdir", `${BASE}/mv/into`]);
    await ok(["mv", `${BASE}/mv/b`, `${BASE}/mv/into`]);
    expect(await ok(["ls", "-R", `${BASE}/mv`])).toContain("into:\nb\n");
    if (!local) return;
    const other = `//${HOST}/streams/${DIR}-mv`;
    await ok(["mv", `${BASE}/mv/into/b`, other]);
    expect((await smb(["cat", other])).stdout).toBe("A");
    expect(await ok(["ls", `${BASE}/mv/into`])).toBe("");
    await ok(["rm", other]);
  });

  it("df shows the share's size; --json numbers", async () => {
    const out = await ok(["df", SHARE]);
    expect(out).toMatch(/^Path\s+Size\s+Used\s+Avail\s+Use%\s+Type\n/);
    const j = JSON.parse(await ok(["df", "--json", SHARE]));
    checkSchema(j, {
      path: "string",
      fileSystem: "string",
      blockSize: "number",
      totalBytes: "number",
      freeBytes: "number",
      availableBytes: "number",
      usedBytes: "number",
      maxNameLength: "number",
    });
    expect(j.totalBytes).toBeGreaterThan(0);
    expect(j.usedBytes + j.freeBytes).toBe(j.totalBytes);
  });
});

describe("watch", () => {
  /**
   * Runs `smb watch <args>` and, once it says "watching", keeps creating files `<dir>/<prefix>N` until it
   * exits (the notification is armed a moment after the message): its exit code and stdout.
   */
  async function watchWhileCreating(args: string[], dir: string, prefix: string) {
    const child = spawnSmb(bin, ["--port", String(samba.port), "watch", ...args], { env: ENV });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    const deadline = Date.now() + 20_000;
    while (!err.includes("watching") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    let i = 0;
    while (child.exitCode === null && Date.now() < deadline) {
      await ok(["put", "-", `${dir}/${prefix}${i++}`], { input: "x" });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 300))]);
    }
    return { code: await exited, out };
  }

  it("prints changes until the count is reached (--json schema)", async () => {
    await ok(["mkdir", `${BASE}/w`]);
    const { code, out } = await watchWhileCreating(["--json", "-n", "1", `${BASE}/w`], `${BASE}/w`, "n");
    expect(code).toBe(0);
    const [e] = jsonLines(out) as Record<string, unknown>[];
    checkSchema(e, { time: "string", action: "string", name: "string", path: "string" });
    expect(e!.action).toBe("added");
    expect(e!.name).toMatch(/^n\d+$/);
    expect(e!.path).toBe(`${BASE}/w/${e!.name}`);
  });

  it("-r reports changes in subdirectories with their relative names", async () => {
    await ok(["mkdir", "-p", `${BASE}/wr/sub`]);
    const { code, out } = await watchWhileCreating(["-r", "-n", "1", `${BASE}/wr`], `${BASE}/wr/sub`, "r");
    expect(code).toBe(0);
    expect(out).toMatch(/^\S+Z\s+added\s+sub\/r\d+\n$/);
  });

  it("stops on SIGINT with exit 0", async () => {
    const child = spawnSmb(bin, ["--port", String(samba.port), "watch", `${BASE}`], { env: ENV });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    const deadline = Date.now() + 20_000;
    while (!err.includes("watching") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe("info", () => {
  const INFO_SCHEMA = {
    server: "string",
    port: "number",
    dialect: "string",
    cipher: "string|null",
    signingAlgorithm: "string",
    signingRequired: "boolean",
    securityMode: "array",
    capabilities: "array",
    capabilitiesValue: "number",
    maxReadSize: "number",
    maxWriteSize: "number",
    maxTransactSize: "number",
    serverGuid: "string",
    serverTime: "string|null",
    session: "object|null",
    tree: "object|null",
    error: "string?",
  };

  it("shows dialect, cipher, signing, capabilities, sizes, GUID and the session", async () => {
    const out = await ok(["info", `//${HOST}`]);
    for (const k of [
      "dialect:",
      "cipher:",
      "signing:",
      "signing required:",
      "capabilities:",
      "max read:",
      "max write:",
      "max transact:",
      "server guid:",
      "session flags:",
      "encryption:",
    ])
      expect(out).toContain(k);
    expect(out).toMatch(/dialect:\s+SMB 3\.1\.1/);
    expect(out).toMatch(/capabilities:\s+.*LARGE_MTU/);
    const j = JSON.parse(await ok(["info", "--json", HOST]));
    checkSchema(j, INFO_SCHEMA);
    checkSchema(j.session, {
      user: "string|null",
      flags: "array",
      guest: "boolean",
      anonymous: "boolean",
      encrypted: "boolean",
      signed: "boolean",
    });
    expect(j).toMatchObject({
      dialect: "3.1.1",
      port: samba.port,
      session: { user: samba.username, encrypted: false },
    });
    expect(j.serverGuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts --timeout", async () => {
    expect(JSON.parse(await ok(["--timeout", "5", "info", "--json", HOST])).dialect).toBe("3.1.1");
  });

  it("follows --max-protocol, --encrypt and --sign", async () => {
    const old = JSON.parse(await ok(["info", "--json", "--max-protocol", "SMB2_10", HOST]));
    expect(old).toMatchObject({ dialect: "2.1", cipher: null, signingAlgorithm: "HMAC-SHA256" });
    const enc = JSON.parse(await ok(["info", "--json", "--encrypt", HOST]));
    expect(enc.session).toMatchObject({ encrypted: true });
    const signed = JSON.parse(
      await ok(["info", "--json", "--sign", "--min-protocol", "SMB3_00", "--max-protocol", "SMB3_02", HOST]),
    );
    expect(signed).toMatchObject({ dialect: "3.0.2", signingRequired: true, session: { signed: true } });
  });

  it("a signing-mandatory server says so", async () => {
    if (!samba.signedPort) return;
    const j = JSON.parse((await smb(["info", "--json", "--port", String(samba.signedPort), HOST])).stdout);
    expect(j.signingRequired).toBe(true);
    expect(j.securityMode).toContain("SIGNING_REQUIRED");
  });

  it("with a wrong password still shows the negotiation, then exits 3", async () => {
    const r = await smb(["info", "--json", HOST], { env: { SMB_PASSWORD: "wrong-password" } });
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.session).toBeNull();
    expect(j.error).toMatch(/LOGON_FAILURE/);
    expect(r.stderr).toMatch(/^smb info: \/\/[^:]+\/IPC\$: STATUS_LOGON_FAILURE \(.*\)\n$/);
  });
});

describe("exit codes and errors", () => {
  it("2 usage, 3 auth, 4 not found, 5 access denied, 1 other; one line each", async () => {
    const cases: [string[], number, RegExp, RunOptions?][] = [
      [["frobnicate"], 2, /unknown command/],
      [["ls", "not/remote"], 2, /not an SMB path/],
      [["ls", SHARE], 3, /^smb ls: \/\/.*\/share: STATUS_LOGON_FAILURE/, { env: { SMB_PASSWORD: "wrong" } }],
      [["ls", `${BASE}/does-not-exist`], 4, /does-not-exist: STATUS_OBJECT_NAME_NOT_FOUND/],
      [["ls", `//${HOST}/no-such-share`], 4, /STATUS_BAD_NETWORK_NAME/],
      [["put", "-", `//${HOST}/readonly/x`], 5, /STATUS_ACCESS_DENIED/, { input: "x" }],
      [["get", `${SHARE}/${DIR}`, join(tmp, "x")], 1, /is a directory/],
      [["--port", "1", "ls", SHARE], 1, /ECONNREFUSED/],
    ];
    for (const [args, code, msg, opts] of cases) {
      const r = await smb(args, opts);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expect(r.stderr, args.join(" ")).toMatch(msg);
      expect(r.stderr.trim().split("\n").length, r.stderr).toBe(1);
    }
  });

  it("keeps going over several paths and exits with the first failure's code", async () => {
    const r = await smb(["stat", `${BASE}/missing`, BASE]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("Type: directory");
  });
});

describe("credentials", () => {
  const noEnv = { SMB_USER: undefined, SMB_PASSWORD: undefined, SMB_DOMAIN: undefined };

  it("-U user%password, -W domain, and --password-stdin", async () => {
    expect(
      await ok(["-U", `${samba.username}%${samba.password}`, "-W", samba.domain, "ls", SHARE], {
        env: noEnv,
      }),
    ).toContain(DIR);
    expect(
      await ok(["--password-stdin", "-U", samba.username, "ls", SHARE], {
        env: noEnv,
        input: `${samba.password}\n`,
      }),
    ).toContain(DIR);
  });

  it("SMB_PASSWORD is not sent for another user named with -U", async () => {
    const r = await smb(["-U", "someone-else", "-N", "ls", SHARE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/STATUS_LOGON_FAILURE .*\(no password was given: .*\)\n$/);
  });

  it("the password never shows in ps or /proc/<pid>/cmdline", async () => {
    const secret = samba.password;
    const child = spawnSmb(
      bin,
      ["--port", String(samba.port), "watch", "-U", `${samba.username}%${secret}`, `${BASE}`],
      { env: noEnv },
    );
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    const deadline = Date.now() + 20_000;
    while (!err.includes("watching") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    try {
      const ps = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
      expect(ps).not.toContain(secret);
      const line = ps.split("\n").find((l) => l.trim().startsWith(`${child.pid} `));
      expect(line).toMatch(new RegExp(`^\\s*\\d+ smb --port \\d+ watch -U ${samba.username}%\\*\\*\\* `));
      const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "utf8");
      expect(cmdline).not.toContain(secret);
    } finally {
      child.kill("SIGINT");
      await exited;
    }
    expect(err).not.toContain(secret);
  });

  it("-v logs the protocol on stderr with the password redacted", async () => {
    const r = await smb(["-v", "-U", `${samba.username}%${samba.password}`, "ls", SHARE], { env: noEnv });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(DIR);
    expect(r.stderr).toMatch(/^SMB:CLIENT \d+: /m);
    expect(r.stderr).not.toContain(samba.password);
    const e = await smb(["-v", "ls", SHARE]);
    expect(e.stderr).toMatch(/SMB:/);
    expect(e.stderr).not.toContain(samba.password);
  });

  it.skipIf(!hasPython())("prompts for the password on a terminal without echo", async () => {
    const r = await ptySmb(
      bin,
      ["--port", String(samba.port), "-U", samba.username, "ls", SHARE],
      [{ expect: "Password for .*: " }, { send: `${samba.password}\r` }, { expect: DIR }],
    );
    expect(r.error).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.transcript).not.toContain(samba.password);
  });
});

describe("DFS and encryption", () => {
  it("follows DFS links (keeping the port) unless --no-dfs", async () => {
    if (!local) return;
    const out = await ok(["ls", `//${HOST}/dfsroot/link-share`]);
    expect(out).toContain(DIR);
    const r = await smb(["--no-dfs", "ls", `//${HOST}/dfsroot/link-share`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/STATUS_PATH_NOT_COVERED/);
  });

  it("works on an encrypt-required share", async () => {
    if (!local) return;
    await ok(["put", "-", `//${HOST}/share-encrypted/${DIR}.txt`], { input: "secret data" });
    expect(await ok(["cat", `//${HOST}/share-encrypted/${DIR}.txt`])).toBe("secret data");
    await ok(["rm", `//${HOST}/share-encrypted/${DIR}.txt`]);
  });
});
