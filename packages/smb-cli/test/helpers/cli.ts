// Runs the `smb` binary for the integration tests: a fresh esbuild bundle of the sources (build-cli.mjs)
// or, with SMB_CLI_BIN set, a built one (e.g. packages/smb-cli/dist/bin/smb.cjs after `pnpm build`).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SambaInfo } from "../../../../tools/samba/server.mjs";
import { buildCli } from "./build-cli.mjs";

const PTY_DRIVER = fileURLToPath(new URL("./pty-drive.py", import.meta.url));

export async function cliBinary(): Promise<string> {
  const bin = process.env.SMB_CLI_BIN;
  if (bin) {
    if (!existsSync(bin)) throw new Error(`SMB_CLI_BIN=${bin} does not exist`);
    return bin;
  }
  return buildCli(mkdtempSync(join(tmpdir(), "smb-cli-bin-")));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBuffer: Buffer;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Replaces the environment entirely (plus PATH) instead of extending it. */
  cleanEnv?: boolean;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment the tests give smb: credentials in SMB_USER / SMB_PASSWORD / SMB_DOMAIN. */
export function credentialsEnv(s: SambaInfo): Record<string, string> {
  return { SMB_USER: s.username, SMB_PASSWORD: s.password, SMB_DOMAIN: s.domain };
}

function childEnv(opts: RunOptions): Record<string, string> {
  const base: Record<string, string | undefined> = opts.cleanEnv
    ? { PATH: process.env.PATH, HOME: process.env.HOME }
    : { ...process.env };
  // Never inherit the runner's debug settings or SMB_* variables by accident.
  for (const k of Object.keys(base)) if (/^SMB_|^NODE_DEBUG$/.test(k)) delete base[k];
  base.SMB_HISTFILE = "";
  const env = { ...base, ...opts.env };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function spawnSmb(bin: string, args: string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    env: childEnv(opts),
    cwd: opts.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export function runSmb(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawnSmb(bin, args, opts);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on("data", (d: Buffer) => out.push(d));
  child.stderr!.on("data", (d: Buffer) => err.push(d));
  child.stdin!.on("error", () => {});
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else child.stdin!.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`smb ${args.join(" ")} timed out`));
    }, opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const stdoutBuffer = Buffer.concat(out);
      resolve({
        code,
        stdout: stdoutBuffer.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        stdoutBuffer,
      });
    });
  });
}

export interface PtyStep {
  send?: string;
  expect?: string;
  timeout?: number;
  sleep?: number;
}

export interface PtyResult {
  transcript: string;
  exitCode: number | null;
  error: string | null;
}

/** Runs smb in a pseudo-terminal (python3's pty module) through `steps`. */
export function ptySmb(
  bin: string,
  args: string[],
  steps: PtyStep[],
  opts: RunOptions & { cols?: number } = {},
): Promise<PtyResult> {
  const spec = {
    argv: [process.execPath, bin, ...args],
    env: childEnv({ ...opts, cleanEnv: true }),
    cwd: opts.cwd,
    cols: opts.cols ?? 120,
    steps,
    timeout: (opts.timeoutMs ?? 60_000) / 1000,
  };
  const child = spawn("python3", [PTY_DRIVER], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => out.push(d));
  child.stderr.on("data", (d: Buffer) => err.push(d));
  child.stdin.end(JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const text = Buffer.concat(out).toString("utf8");
      if (code !== 0)
        return reject(new Error(`pty driver failed (${code}): ${Buffer.concat(err).toString()}`));
      resolve(JSON.parse(text) as PtyResult);
    });
  });
}

/** Removes terminal control sequences from a transcript. */
export function plain(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what we strip
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

export function hasPython(): boolean {
  return (
    ["/usr/bin/python3", "/usr/local/bin/python3"].some(existsSync) ||
    !!process.env.PATH?.split(":").some((d) => existsSync(join(d, "python3")))
  );
}

/** Minimal schema check: exact key set and value types ("string", "number", "boolean", "null", "array", "object"; "a|b"). */
export function checkSchema(obj: unknown, schema: Record<string, string>, where = "object"): void {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw new Error(`${where}: not an object`);
  const o = obj as Record<string, unknown>;
  const optional = new Set(Object.keys(schema).filter((k) => schema[k]!.endsWith("?")));
  const keys = Object.keys(o).sort();
  const want = Object.keys(schema).sort();
  for (const k of keys) if (!want.includes(k)) throw new Error(`${where}: unexpected key ${k}`);
  for (const k of want) {
    if (!(k in o)) {
      if (optional.has(k)) continue;
      throw new Error(`${where}: missing key ${k}`);
    }
    const types = schema[k]!.replace(/\?$/, "").split("|");
    const v = o[k];
    const t = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    if (!types.includes(t)) throw new Error(`${where}.${k}: ${t} is not ${types.join("|")}`);
  }
}
