// Bundles packages/smb-cli/src/cli.ts and the workspace packages it uses from their src (what the
// built dist/cli.js would run, minus the separate package builds) into one file, with esbuild (tsup's).
// Used by the integration tests (a fresh bundle per run, ~0.1 s) unless SMB_CLI_BIN names a built binary.
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const PACKAGES = [
  "smb-structures",
  "smb-crypto",
  "smb-auth",
  "smb-transport",
  "smb-client",
  "smb-dfs",
  "smb-cli",
];

export async function buildCli(outDir = mkdtempSync(join(tmpdir(), "smb-cli-test-"))) {
  const require = createRequire(createRequire(join(root, "package.json")).resolve("tsup"));
  const esbuild = require("esbuild");
  const alias = Object.fromEntries(PACKAGES.map((p) => [p, join(root, "packages", p, "src", "index.ts")]));
  const outfile = join(outDir, "cli.mjs");
  await esbuild.build({
    entryPoints: [join(root, "packages/smb-cli/src/cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    alias,
    nodePaths: [join(root, "packages/smb-cli/node_modules")],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "error",
    sourcemap: "inline",
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await buildCli(process.argv[2]));
}
