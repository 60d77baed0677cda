/** smb-cli: the `smb` command line tool (its `main()` is usable programmatically, e.g. in tests). */
export const PACKAGE_NAME = "smb-cli";
export type { ScrubbedArgv } from "./argv.js";
export { hideCommandLine, scrubArgv, splitUserPassword } from "./argv.js";
export type { EntryJson, EntryType } from "./entry.js";
export { ExitCode, type ExitCodeValue, exitCodeFor, formatError } from "./errors.js";
export type { Io } from "./io.js";
export type { MainOptions } from "./main.js";
export { main, VERSION } from "./main.js";
export type { DfJson } from "./commands/files.js";
export type { InfoJson, ShareJson, WatchJson } from "./commands/server.js";
