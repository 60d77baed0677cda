import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
  // import.meta.url in the CJS build (system-gssapi.ts locates its native addon relative to the module).
  shims: true,
});
