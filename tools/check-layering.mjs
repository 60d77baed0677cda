#!/usr/bin/env node
// Fails when a package imports a package above it in the layer order, or a package it does not declare.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { PACKAGES } from "./packages.mjs";

const ORDER = PACKAGES;
const root = new URL("..", import.meta.url).pathname;
const builtins = new Set(builtinModules);
const importRe =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:import|require)\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(c|m)?tsx?$/.test(name)) yield p;
  }
}

const problems = [];
for (const [level, pkg] of ORDER.entries()) {
  const dir = join(root, "packages", pkg);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const declared = new Set(
    Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }),
  );
  for (const dep of declared) {
    const depLevel = ORDER.indexOf(dep);
    if (depLevel >= level) problems.push(`${pkg}/package.json: depends on ${dep}, which is not below it`);
  }
  for (const file of walk(join(dir, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec || spec.startsWith(".") || spec.startsWith("node:") || builtins.has(spec)) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      const rel = file.slice(root.length);
      if (ORDER.includes(name) && ORDER.indexOf(name) >= level) {
        problems.push(`${rel}: imports ${name}, which is not below ${pkg}`);
      } else if (!declared.has(name)) {
        problems.push(`${rel}: imports ${name}, which ${pkg}/package.json does not declare`);
      }
    }
  }
}
if (problems.length) {
  console.error(`layering check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`layering check: ${ORDER.length} packages, imports go bottom-up only`);
