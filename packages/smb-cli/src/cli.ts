#!/usr/bin/env node
/**
 * The `smb` executable. Before anything else is loaded it takes passwords out of the arguments and
 * rewrites the process title, so `ps` never shows `-U user%password` for longer than the start-up.
 * With -v it re-executes itself with NODE_DEBUG=smb* (node reads NODE_DEBUG only at start-up), passing
 * the scrubbed password through the environment, and redacts known secrets from stderr.
 */
import { spawn } from "node:child_process";
import { hideCommandLine, scrubArgv } from "./argv.js";

const PASSWORD_ENV = "SMB_CLI_INTERNAL_PASSWORD";

const scrubbed = scrubArgv(process.argv.slice(2));
hideCommandLine(scrubbed);
let password = scrubbed.password;
if (password === undefined && process.env[PASSWORD_ENV] !== undefined) password = process.env[PASSWORD_ENV];
delete process.env[PASSWORD_ENV];

function wantsVerbose(args: string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "-v" || a === "--verbose") return true;
  }
  return false;
}

function debugCoversSmb(v: string | undefined): boolean {
  return !!v && v.split(/[\s,]+/).some((p) => /^smb(\*|:|$)/i.test(p) || p === "*");
}

async function reexecWithDebug(): Promise<number> {
  const env = { ...process.env };
  env.NODE_DEBUG = env.NODE_DEBUG ? `${env.NODE_DEBUG},smb*` : "smb*";
  if (password !== undefined) env[PASSWORD_ENV] = password;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...scrubbed.args], {
    stdio: "inherit",
    env,
  });
  // The terminal's Ctrl-C reaches the child too; this process just waits for it.
  process.on("SIGINT", () => {});
  for (const sig of ["SIGTERM", "SIGHUP"] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
    child.on("error", () => resolve(1));
  });
}

async function run(): Promise<number> {
  if (wantsVerbose(scrubbed.args) && !debugCoversSmb(process.env.NODE_DEBUG)) return reexecWithDebug();
  const { redactStream, addSecret } = await import("./secrets.js");
  addSecret(password);
  if (debugCoversSmb(process.env.NODE_DEBUG)) redactStream(process.stderr);
  for (const s of [process.stdout, process.stderr]) {
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(0);
      throw err;
    });
  }
  const { main } = await import("./main.js");
  const ac = new AbortController();
  let graceful = false;
  process.on("SIGINT", () => {
    if (graceful && !ac.signal.aborted) {
      ac.abort();
      return;
    }
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
    process.exit(130);
  });
  return main(scrubbed.args, {
    password,
    signal: ac.signal,
    onGraceful: (g) => {
      graceful = g;
    },
  });
}

run().then(
  (code) => {
    process.exitCode = code;
    // Nothing should keep the loop alive now; if something does, do not hang.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    process.stderr.write(`smb: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
