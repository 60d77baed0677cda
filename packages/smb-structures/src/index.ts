/** smb-structures: every SMB2/3 wire structure, declared once. No I/O. */
export * from "./codec/index.js";
export * from "./smb2/constants.js";
export * from "./smb2/header.js";
export * from "./smb2/transform-header.js";
export * from "./dtyp/filetime.js";
export * from "./dtyp/guid.js";
export * from "./ntstatus/index.js";
export * from "./smb2/file-id.js";
export * from "./smb2/messages/index.js";
export * from "./codec/extras.js";
export * from "./dtyp/sid.js";
export * from "./dtyp/access-mask.js";
export * from "./dtyp/ace.js";
export * from "./dtyp/security-descriptor.js";
export * from "./dtyp/sddl.js";
export * from "./fscc/index.js";
export * from "./fsctl/index.js";
