import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { PACKAGES } from "./tools/packages.mjs";

// Tests run against each package's src through aliases (fast); tools/check-dist.mjs checks the built
// exports maps separately.
const alias = PACKAGES.map((p) => ({
  find: new RegExp(`^${p}$`),
  replacement: fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
}));

// Two projects: unit tests (no I/O) and integration tests (*.int.test.ts) that talk to the real Samba
// started once by the global setup.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "tools/test/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.int.test.ts", "tools/test/**/*.int.test.ts"],
          globalSetup: ["tools/samba/vitest-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
    ],
  },
});
