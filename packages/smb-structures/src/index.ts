/** smb-structures: Every SMB2/3 wire structure: MS-SMB2 messages, MS-FSCC info classes, MS-DTYP security descriptors, create contexts, FSCTLs, MS-DFSC referrals and the NTSTATUS table. No I/O. */
export const PACKAGE_NAME = "smb-structures";
