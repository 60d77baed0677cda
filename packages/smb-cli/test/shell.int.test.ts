// `smb shell` driven through a pseudo-terminal (python3's pty module): prompt, tab completion of remote
// names, history (arrow keys and the history file), get/put with progress, mget, Ctrl-C, exit; and the
// same shell reading commands from a pipe.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cliBinary, credentialsEnv, hasPython, plain, ptySmb, runSmb } from "./helpers/cli.js";

const samba = inject("samba");
const HOST = samba.host;
const DIR = `smb-shell-${process.pid}-${randomBytes(3).toString("hex")}`;
const BASE = `//${HOST}/share/${DIR}`;
const ENV = credentialsEnv(samba);
let bin = "";
let tmp = "";

const smb = (args: string[], input?: string | Buffer) =>
  runSmb(bin, ["--port", String(samba.port), ...args], { env: ENV, input });

beforeAll(async () => {
  bin = await cliBinary();
  tmp = mkdtempSync(join(tmpdir(), "smb-shell-"));
  for (const args of [
    ["mkdir", "-p", `${BASE}/beta-dir`],
    ["put", "-", `${BASE}/alpha.txt`],
    ["put", "-", `${BASE}/gamma.txt`],
    ["put", "-", `${BASE}/beta-dir/inner.bin`],
  ]) {
    const r = await smb(args, args[1] === "-" ? randomBytes(300_000) : undefined);
    expect(r.code, r.stderr).toBe(0);
  }
});

afterAll(async () => {
  if (bin) await smb(["rm", "-r", "-f", BASE]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The prompt for a directory under the test directory ("" = the test directory). */
function prompt(sub = ""): string {
  const p = `\\${DIR}${sub ? `\\${sub}` : ""}\\`;
  return `smb: ${p.replace(/\\/g, "\\\\")}> `;
}

describe.skipIf(!hasPython())("smb shell on a terminal", () => {
  it("completes remote names, keeps history, transfers with progress", async () => {
    const hist = join(tmp, "history");
    const upload = join(tmp, "upload.bin");
    writeFileSync(upload, randomBytes(2 * 1024 * 1024));
    const r = await ptySmb(
      bin,
      ["--port", String(samba.port), "shell", BASE],
      [
        { expect: "connected to" },
        { expect: prompt() },
        { send: "ls\r" },
        { expect: "gamma\\.txt" },
        { expect: prompt() },
        // Tab completes the directory name (and adds the slash).
        { send: "cd be\t" },
        { expect: "beta-dir/" },
        { send: "\r" },
        { expect: prompt("beta-dir") },
        { send: "get inn\t" },
        { expect: "inner\\.bin " },
        { send: "\r" },
        { expect: "100%" },
        { expect: prompt("beta-dir") },
        { send: `put ${upload} up.bin\r` },
        { expect: "100%" },
        { expect: prompt("beta-dir") },
        { send: "ls\r" },
        { expect: "up\\.bin" },
        { expect: prompt("beta-dir") },
        // Up arrow twice: back to "put ..."? No: once is "ls", twice is "put": run "ls" again.
        { send: "\x1b[A" },
        { sleep: 0.2 },
        { send: "\r" },
        { expect: "inner\\.bin.*up\\.bin" },
        { expect: prompt("beta-dir") },
        { send: "cd ..\r" },
        { expect: prompt() },
        { send: "mget *.txt\r" },
        { expect: prompt() },
        // Ctrl-C at the prompt: a fresh prompt, the shell stays.
        { send: "bogus\x03" },
        { expect: "\\^C" },
        { expect: prompt() },
        { send: "nosuchcmd\r" },
        { expect: "unknown command 'nosuchcmd'" },
        { expect: prompt() },
        { send: "pwd\r" },
        { expect: `//${HOST.replace(/\./g, "\\.")}/share/${DIR}\r?\n` },
        { send: "exit\r" },
      ],
      { cwd: tmp, env: { ...ENV, SMB_HISTFILE: hist } },
    );
    const text = plain(r.transcript);
    expect(r.error, text).toBeNull();
    expect(r.exitCode, text).toBe(0);
    expect(readFileSync(join(tmp, "inner.bin")).length).toBe(300_000);
    expect(existsSync(join(tmp, "alpha.txt")) && existsSync(join(tmp, "gamma.txt"))).toBe(true);
    const back = await smb(["cat", `${BASE}/beta-dir/up.bin`]);
    expect(back.stdoutBuffer.equals(readFileSync(upload))).toBe(true);
    const saved = readFileSync(hist, "utf8").trim().split("\n");
    expect(saved).toContain("cd beta-dir/");
    expect(saved).toContain("mget *.txt");
    expect(saved.at(-1)).toBe("exit");

    // The next session has the history: up arrow recalls "exit", which leaves.
    const again = await ptySmb(
      bin,
      ["--port", String(samba.port), "shell", BASE],
      [{ expect: prompt() }, { send: "\x1b[A" }, { expect: "exit" }, { send: "\r" }],
      { cwd: tmp, env: { ...ENV, SMB_HISTFILE: hist } },
    );
    expect(again.error, plain(again.transcript)).toBeNull();
    expect(again.exitCode).toBe(0);
  });

  it.skipIf(samba.external)("Ctrl-C cancels a running transfer and keeps the shell", async () => {
    // A sparse 4 GiB file on the server's disk: long enough to interrupt.
    const big = join(samba.shares.share!.path, DIR, "huge.bin");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 4 * 1024 ** 3);
    closeSync(fd);
    try {
      const r = await ptySmb(
        bin,
        ["--port", String(samba.port), "shell", BASE],
        [
          { expect: prompt() },
          { send: `get huge.bin ${join(tmp, "huge.part")}\r` },
          { expect: "huge\\.bin .*\\d+%" },
          { sleep: 0.3 },
          { send: "\x03" },
          { expect: "smb get: .*huge\\.bin: interrupted" },
          { expect: prompt() },
          { send: "pwd\r" },
          { expect: `${DIR}\r?\n` },
          { send: "exit\r" },
        ],
        { cwd: tmp, env: ENV },
      );
      expect(r.error, plain(r.transcript)).toBeNull();
      expect(r.exitCode).toBe(0);
    } finally {
      rmSync(big, { force: true });
      rmSync(join(tmp, "huge.part"), { force: true });
    }
  });

  it("asks for the password without echo before the first prompt", async () => {
    const r = await ptySmb(
      bin,
      ["--port", String(samba.port), "-U", samba.username, "shell", BASE],
      [
        { expect: "Password for " },
        { send: `${samba.password}\r` },
        { expect: prompt() },
        { send: "exit\r" },
      ],
      { cwd: tmp, env: { SMB_DOMAIN: samba.domain } },
    );
    expect(r.error, plain(r.transcript)).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.transcript).not.toContain(samba.password);
  });
});

describe("smb shell from a pipe", () => {
  it("runs commands line by line and exits with the first failure's code", async () => {
    const f = join(tmp, "piped.txt");
    writeFileSync(f, "piped\n");
    const s = await smb(
      ["shell", BASE],
      [
        `mkdir piped2`,
        "cd piped2",
        `put ${f}`,
        "ls",
        "cd ..",
        "nosuchcmd",
        "cat piped2/piped.txt",
        "rm -r piped2",
        "ls",
      ].join("\n"),
    );
    expect(s.code).toBe(2);
    expect(s.stderr).toBe("smb nosuchcmd: unknown command 'nosuchcmd' (try 'help')\n");
    expect(s.stdout).toMatch(/^-rw-r--r--\s+A\s+6\s+.*\spiped\.txt$/m);
    expect(s.stdout).toContain("piped\n");
    expect(s.stdout.trim().split("\n").at(-1)).toMatch(/gamma\.txt$/);
  });

  it("a command with too few arguments prints its usage line and exits 2", async () => {
    for (const [line, usage] of [
      ["rm", "rm [-r] [-f] <path|pattern...>"],
      ["mv onlyone", "mv <src...> <dst>"],
    ] as const) {
      const s = await smb(["shell", BASE], `${line}\n`);
      expect(s.code).toBe(2);
      expect(s.stderr).toBe(`smb ${line.split(" ")[0]}: usage: ${usage}\n`);
    }
  });
});
