/** smb-transport: SMB2/3 direct TCP transport and message pump: MessageId and credit accounting, async replies, cancel, timeouts, compounding. */
export const PACKAGE_NAME = "smb-transport";
