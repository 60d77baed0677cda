// The `smb` executable as built (build-bin.mjs): the launcher runs the bundle with the build's V8 code
// cache, which V8 accepts; without a cache, or with a damaged one, it still runs.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.mjs";

let launcher: string;
let bundle: string;

beforeAll(async () => {
  launcher = await buildCli();
  bundle = join(dirname(launcher), "cli-bundle.cjs");
}, 60_000);

const smb = (...args: string[]) =>
  spawnSync(process.execPath, [launcher, ...args], { encoding: "utf8", env: { PATH: process.env.PATH } });

describe("the smb executable", () => {
  it("runs from the bundle with a code cache V8 accepts", () => {
    const r = smb("--version");
    expect([r.status, r.stdout.trim()]).toEqual([
      0,
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
    ]);
    const source = readFileSync(bundle, "utf8").replace(/^#!/, "//");
    const script = new Script(Module.wrap(source), {
      filename: bundle,
      cachedData: readFileSync(`${bundle}.cache`),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it("runs without the cache or with a damaged one, and never writes it", () => {
    writeFileSync(`${bundle}.cache`, Buffer.from("not a code cache"));
    const damaged = smb("ls", "--help");
    expect([damaged.status, damaged.stdout]).toEqual([0, expect.stringContaining("--recursive")]);
    expect(readFileSync(`${bundle}.cache`, "utf8")).toBe("not a code cache");
    rmSync(`${bundle}.cache`);
    const none = smb("nope");
    expect([none.status, none.stderr]).toEqual([2, expect.stringContaining("unknown command")]);
  });
});
