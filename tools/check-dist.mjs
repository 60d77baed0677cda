#!/usr/bin/env node
// Checks the built packages as a consumer sees them: from a scratch dir whose node_modules links every
// package, `import()` and `require()` each by name (through its exports map), expect non-empty exports,
// and expect every file the manifest names (types .d.ts/.d.cts, bin, ...) to exist. Run after the build.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "smbjs-check-dist-"));
const pkgs = readdirSync(join(root, "packages")).map((dir) => {
  const path = join(root, "packages", dir);
  return { path, manifest: JSON.parse(readFileSync(join(path, "package.json"), "utf8")) };
});
mkdirSync(join(scratch, "node_modules"));
for (const { path, manifest } of pkgs) symlinkSync(path, join(scratch, "node_modules", manifest.name), "dir");
// import() resolves from the module that calls it, so call it from a module inside the scratch dir.
writeFileSync(join(scratch, "load.mjs"), "export const load = (name) => import(name);\n");
const { load } = await import(pathToFileURL(join(scratch, "load.mjs")).href);
const require = createRequire(join(scratch, "load.cjs"));

/** Every file the manifest names, as [field, path]: main, module, types, bin and the exports map's leaves. */
function namedFiles(m) {
  const leaves = (v, at) =>
    typeof v === "string" ? [[at, v]] : Object.entries(v ?? {}).flatMap(([k, x]) => leaves(x, `${at}[${k}]`));
  const bins = typeof m.bin === "string" ? { [m.name]: m.bin } : (m.bin ?? {});
  const top = Object.entries({ main: m.main, module: m.module, types: m.types }).filter(([, v]) => v);
  return [...top, ...Object.entries(bins).map(([k, v]) => [`bin ${k}`, v]), ...leaves(m.exports, "exports")];
}

let failures = 0;
for (const { path, manifest } of pkgs) {
  const problems = [];
  for (const [field, file] of namedFiles(manifest)) {
    if (!file.includes("*") && !existsSync(resolve(path, file))) problems.push(`${field}: missing ${file}`);
  }
  const esm = await load(manifest.name).catch((err) => problems.push(`import() failed: ${err.message}`));
  if (esm && Object.keys(esm).length === 0) problems.push("ESM entry has no exports");
  try {
    if (Object.keys(require(manifest.name)).length === 0) problems.push("CJS entry has no exports");
  } catch (err) {
    problems.push(`require() failed: ${err.message.split("\n")[0]}`);
  }
  failures += problems.length ? 1 : 0;
  console.log(
    `${problems.length ? "FAIL" : "ok  "} ${manifest.name}${problems.length ? `: ${problems.join("; ")}` : ""}`,
  );
}
rmSync(scratch, { recursive: true, force: true });
if (failures) {
  console.error(`check-dist: ${failures} of ${pkgs.length} packages broken (did the build run?)`);
  process.exit(1);
}
console.log(`check-dist: ${pkgs.length} packages load as ESM and CJS`);
