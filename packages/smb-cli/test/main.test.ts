import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Io } from "../src/io.js";
import { ExitCode, main, VERSION } from "../src/index.js";

function fakeIo(env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const io: Io = { stdout, stderr, stdin: new PassThrough(), env, cwd: () => "/" };
  return { io, out: () => out, err: () => err };
}

async function run(args: string[]) {
  const f = fakeIo();
  const code = await main(args, { io: f.io });
  return { code, stdout: f.out(), stderr: f.err() };
}

describe("smb main (no server)", () => {
  it("--version and --help exit 0", async () => {
    const v = await run(["--version"]);
    expect(v).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const h = await run(["--help"]);
    expect(h.code).toBe(0);
    for (const c of [
      "ls",
      "get",
      "put",
      "cat",
      "stat",
      "mkdir",
      "rm",
      "mv",
      "cp",
      "shares",
      "df",
      "watch",
      "info",
      "shell",
    ])
      expect(h.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
    expect(h.stdout).toContain("Exit codes:");
    const sub = await run(["ls", "--help"]);
    expect(sub.stdout).toContain("--json");
  });

  it("the version is package.json's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(pkg.version);
  });

  it("usage errors exit 2 with one line on stderr", async () => {
    for (const args of [
      [],
      ["nope"],
      ["ls"],
      ["ls", "--bogus", "//h/s"],
      ["--port", "x", "ls", "//h/s"],
      ["--port", "70000", "ls", "//h/s"],
      ["--max-protocol", "SMB9", "ls", "//h/s"],
      ["--timeout", "-1", "ls", "//h/s"],
      ["put", "onlyone"],
      ["put", "a", "not-remote"],
      ["get", "local-only"],
      ["cp", "a", "b"],
      ["ls", "not-a-path"],
      ["ls", "//server-only"],
      ["shares", "not a server"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(ExitCode.USAGE);
      expect(r.stdout, args.join(" ")).toBe("");
      if (args.length)
        expect(r.stderr.trim().split("\n").length, `${args.join(" ")}: ${r.stderr}`).toBeLessThanOrEqual(2);
    }
  });

  it("global options work after the command too", async () => {
    const r = await run(["ls", "--port", "x", "//h/s"]);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toContain("--port");
  });
});
