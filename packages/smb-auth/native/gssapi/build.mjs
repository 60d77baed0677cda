#!/usr/bin/env node
// Builds the optional GSS-API addon (build/Release/smb_gssapi.node) with the node-gyp that ships with
// npm (no download), against the local Node headers when present (Debian's nodejs: /usr/include/node).
// Needs a C compiler, make, python3 and the Kerberos development files (Debian: libkrb5-dev).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const prefix = dirname(dirname(process.execPath)); // /usr for /usr/bin/node
const gyp = [
  process.env.npm_config_node_gyp,
  join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  join(prefix, "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
].find((p) => p && existsSync(p));
if (!gyp) {
  console.error(
    "build:gssapi: node-gyp not found (it ships with npm; set npm_config_node_gyp to its node-gyp.js)",
  );
  process.exit(1);
}
if (!["/usr/include/gssapi/gssapi.h", "/usr/local/include/gssapi/gssapi.h"].some((p) => existsSync(p))) {
  console.error("build:gssapi: gssapi/gssapi.h not found; install libkrb5-dev (Debian/Ubuntu) or krb5-devel");
  process.exit(1);
}
const args = [gyp, "rebuild"];
const nodedir = process.env.npm_config_nodedir ?? prefix;
if (existsSync(join(nodedir, "include", "node", "node_api.h"))) args.push(`--nodedir=${nodedir}`);
const r = spawnSync(process.execPath, args, { cwd: here, stdio: "inherit" });
process.exit(r.status ?? 1);
