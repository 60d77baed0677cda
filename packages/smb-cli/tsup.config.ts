import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
  // The `smb` executable (dist/bin): a launcher and a one-file bundle with a V8 code cache.
  async onSuccess() {
    const { buildBin } = await import("./build-bin.mjs");
    await buildBin();
  },
});
