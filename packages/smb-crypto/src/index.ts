/** smb-crypto: SMB2/3 signing (HMAC-SHA256, AES-CMAC, AES-GMAC), encryption (AES-CCM/GCM), SP800-108 KDF, preauth integrity, and pure-TypeScript MD4/RC4/DES. */
export const PACKAGE_NAME = "smb-crypto";
