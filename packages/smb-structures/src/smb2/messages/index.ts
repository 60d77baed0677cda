/** MS-SMB2 message bodies, one file per command. */
export * from "./cancel.js";
export * from "./echo.js";
export * from "./logoff.js";
export * from "./negotiate.js";
export * from "./negotiate-contexts.js";
export * from "./session-setup.js";
export * from "./tree-connect.js";
export * from "./tree-disconnect.js";
export * from "./close.js";
export * from "./create.js";
export * from "./create-contexts.js";
export * from "./flush.js";
export * from "./read.js";
export * from "./write.js";
