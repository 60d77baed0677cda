import type { CipherAlgorithm, SigningAlgorithm } from "../src/index.js";
import { readFileSync } from "node:fs";

/** Hex (any case, whitespace ignored) to Buffer. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}

/** The deterministic fill used for large inputs in openssl-vectors.json: byte i = (i * 31 + 7) & 0xff. */
export function pattern(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** Splits `data` at the given cut points (sorted, deduplicated, clamped) into consecutive views. */
export function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  return out;
}

type Hex = string;

/** Shape of vectors/openssl-vectors.json. */
export interface OpensslVectors {
  md4: { data: Hex; digest: Hex }[];
  md4Pattern: { length: number; digest: Hex }[];
  des: { key: Hex; block: Hex; ciphertext: Hex }[];
  rc4: { key: Hex; data: Hex; ciphertext: Hex }[];
  hmacMd5: { key: Hex; data: Hex; mac: Hex }[];
  cmac: { key: Hex; data: Hex; mac: Hex }[];
  cmacPattern: { key: Hex; length: number; mac: Hex }[];
  smbSigning: ({
    key: Hex;
    header: Hex;
    payload?: Hex;
    patternPayloadLength?: number;
    gmacNonce: Hex;
  } & Record<SigningAlgorithm, Hex>)[];
  kdf: { key: Hex; label: Hex; context: Hex; lengthBits: 128 | 256; output: Hex }[];
  derive311Aes256: {
    sessionKey: Hex;
    preauthHash: Hex;
    signingKey: Hex;
    encryptionKey: Hex;
    decryptionKey: Hex;
    applicationKey: Hex;
  };
  transform: { alg: CipherAlgorithm; key: Hex; nonce: Hex; sessionId: Hex; plaintext: Hex; message: Hex }[];
}

/** Known answers computed by the openssl CLI / python cryptography (see vectors/generate-openssl-vectors.mjs). */
export const opensslVectors: OpensslVectors = JSON.parse(
  readFileSync(new URL("./vectors/openssl-vectors.json", import.meta.url), "utf8"),
);
