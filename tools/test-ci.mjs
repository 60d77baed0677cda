#!/usr/bin/env node
// Runs vitest once with its default and JSON reporters, then prints the plain summary line CI reads as the
// last line: "N passed, N failed, N skipped". Exits non-zero on any failure, a vitest error, or 0 tests.
// Extra arguments are passed to vitest (e.g. a path filter).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "smbjs-vitest-"));
const out = join(dir, "results.json");
const args = ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`];
const vitest = spawnSync("pnpm", [...args, ...process.argv.slice(2)], { stdio: "inherit" });

let report;
try {
  report = JSON.parse(readFileSync(out, "utf8"));
} catch {
  console.error("test-ci: vitest wrote no JSON report");
}
rmSync(dir, { recursive: true, force: true });

const passed = report?.numPassedTests ?? 0;
const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
// A test file that fails to load reports no failed test: count it as one failure.
const brokenFiles = (report?.testResults ?? []).filter(
  (f) => f.status === "failed" && !f.assertionResults.some((t) => t.status === "failed"),
).length;
const failed = (report?.numFailedTests ?? 0) + brokenFiles;

const ok = vitest.status === 0 && failed === 0 && passed + skipped > 0;
if (!ok && vitest.status !== 0)
  console.error(`test-ci: vitest exited with ${vitest.status ?? vitest.signal}`);
if (passed + failed + skipped === 0) console.error("test-ci: no tests ran");
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
