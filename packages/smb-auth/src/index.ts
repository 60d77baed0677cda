/** smb-auth: NTLM (v2, v1/LM opt-in, anonymous), SPNEGO and Kerberos for SMB2/3. */
export const PACKAGE_NAME = "smb-auth";
