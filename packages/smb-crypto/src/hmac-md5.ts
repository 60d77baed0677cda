import { createHmac } from "node:crypto";

/**
 * HMAC-MD5 (RFC 2104) over the concatenation of `parts`, via node:crypto (HMAC-MD5 still works under
 * OpenSSL 3). Used by NTLMv2 (MS-NLMP 3.3.2 NTOWFv2, NTProofStr, session keys, message signing).
 */
export function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac("md5", key);
  for (const p of parts) h.update(p);
  return h.digest();
}
