/** Bundles packages/smb-cli/src/cli.ts with the workspace packages from src; resolves with the file. */
export function buildCli(outDir?: string): Promise<string>;
