import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkgs = ["smb-structures", "smb-crypto", "smb-auth", "smb-transport", "smb-client", "smb-dfs", "smb-cli"];

// Tests run against each package's src through aliases (fast); tools/check-dist.mjs checks the built
// exports maps separately.
export default defineConfig({
  resolve: {
    alias: pkgs.map((p) => ({
      find: new RegExp(`^${p}$`),
      replacement: fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
    })),
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tools/test/**/*.test.ts"],
    globalSetup: ["tools/samba/vitest-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
