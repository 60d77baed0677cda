/** Builds the `smb` executable into `outDir` (default dist/bin); resolves with the launcher's path. */
export function buildBin(opts?: { outDir?: string; sourcemap?: boolean }): Promise<string>;
