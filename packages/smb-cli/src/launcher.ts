/**
 * The `smb` executable as installed: loads the one-file bundle of the CLI (cli.ts and everything it
 * uses) through a V8 code cache, so start-up skips most of the compiling of ~1 MB of JavaScript.
 * Node 20 has no compile cache for modules (module.enableCompileCache is Node 22), so the bundle is a
 * CommonJS script compiled with vm.Script and the `cachedData` the build wrote next to it (a `--version`
 * run). The cache is only read here, never written: when it is missing, or V8 rejects it (another Node
 * version or V8 flags), the bundle is compiled as any script, just without the head start.
 */
import { readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";

/** Set by the build: write the code cache after this run. */
const WRITE_ENV = "SMB_CLI_WRITE_CODE_CACHE";

const file = join(__dirname, "cli-bundle.cjs");
const cacheFile = `${file}.cache`;
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The shebang line is kept (as a comment) so positions in stack traces stay those of the file.
const source = readFileSync(file, "utf8").replace(/^#!/, "//");
const script = new Script(Module.wrap(source), { filename: file, cachedData });
const mod = new Module(file, module);
mod.filename = file;
const req = createRequire(file);
(script.runInThisContext() as (...a: unknown[]) => void).call(
  mod.exports,
  mod.exports,
  req,
  mod,
  file,
  __dirname,
);
if (process.env[WRITE_ENV] === "1") {
  // After the run: the functions it compiled are in the cache too.
  process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
