#!/usr/bin/env node
/** The `smb` command. Commands arrive with the smb-cli issue; until then it reports its version. */
import { PACKAGE_NAME } from "./index.js";

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-V")) {
  process.stdout.write("0.1.0\n");
} else {
  process.stderr.write(`${PACKAGE_NAME}: usage: smb --version\n`);
  process.exitCode = args.length === 0 ? 0 : 2;
}
