/** smb-client: SMB2/3 client: Connection, Session, Tree, Open, and an fs/promises-like API with a connection pool. */
export const PACKAGE_NAME = "smb-client";
