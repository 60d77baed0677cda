// The workspace packages, bottom-up: a package may import only packages before it in this list
// (tools/check-layering.mjs enforces it; vitest.config.ts and smb-cli's build-bin.mjs alias them to src).
export const PACKAGES = [
  "smb-structures",
  "smb-crypto",
  "smb-auth",
  "smb-transport",
  "smb-client",
  "smb-dfs",
  "smb-cli",
];
