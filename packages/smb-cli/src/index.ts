/** smb-cli: The `smb` command line tool. */
export const PACKAGE_NAME = "smb-cli";
