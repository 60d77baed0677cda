// Builds the `smb` executable (used by tsup.config.ts after the library build, and by the integration
// tests on the sources): dist/bin/smb.cjs, the launcher (src/launcher.ts), and dist/bin/cli-bundle.cjs,
// src/cli.ts with the workspace packages (from their sources, so esbuild leaves out the modules the CLI
// does not use) and commander in one CommonJS file; then runs `smb --version` once to write the bundle's
// V8 code cache (cli-bundle.cjs.cache) that the launcher reads.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGES } from "../../tools/packages.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");

/** Builds into `outDir` (default dist/bin); resolves with the launcher's path. */
export async function buildBin({ outDir = join(here, "dist", "bin"), sourcemap = true } = {}) {
  const require = createRequire(createRequire(join(root, "package.json")).resolve("tsup"));
  const esbuild = require("esbuild");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
    sourcemap,
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(here, "src", "cli.ts")],
    outfile: join(outDir, "cli-bundle.cjs"),
    alias: Object.fromEntries(PACKAGES.map((p) => [p, join(root, "packages", p, "src", "index.ts")])),
    nodePaths: [join(here, "node_modules")],
  });
  const launcher = join(outDir, "smb.cjs");
  await esbuild.build({
    ...common,
    entryPoints: [join(here, "src", "launcher.ts")],
    outfile: launcher,
    banner: { js: "#!/usr/bin/env node" },
  });
  chmodSync(launcher, 0o755);
  execFileSync(process.execPath, [launcher, "--version"], {
    env: { ...process.env, SMB_CLI_WRITE_CODE_CACHE: "1", NODE_DEBUG: "" },
    stdio: "ignore",
  });
  return launcher;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildBin());
