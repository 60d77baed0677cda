// Builds the `smb` executable from the sources as the package build does (packages/smb-cli/build-bin.mjs:
// the launcher, the one-file bundle of cli.ts with the workspace packages, its V8 code cache) into a
// fresh directory. Used by the integration tests (~0.5 s per run) unless SMB_CLI_BIN names a built binary.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBin } from "../../build-bin.mjs";

export async function buildCli(outDir = mkdtempSync(join(tmpdir(), "smb-cli-test-"))) {
  return buildBin({ outDir });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await buildCli(process.argv[2]));
}
