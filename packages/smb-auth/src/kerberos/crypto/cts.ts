/**
 * AES in CBC mode with ciphertext stealing as Kerberos uses it (RFC 3962 section 5, "CBC-CS3": the last two
 * blocks are always swapped, even when the input is a whole number of blocks). Built on node:crypto's
 * aes-*-cbc / aes-*-ecb with padding off; the initial vector is always zero (Kerberos messages do not chain
 * cipher state).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

const BLOCK = 16;
const ZERO_IV = Buffer.alloc(BLOCK);

function algorithm(key: Uint8Array, mode: "cbc" | "ecb"): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError("AES key must be 16 or 32 bytes");
  return `aes-${key.length * 8}-${mode}`;
}

function cbc(encrypt: boolean, key: Uint8Array, data: Uint8Array): Buffer {
  const c = encrypt
    ? createCipheriv(algorithm(key, "cbc"), key, ZERO_IV)
    : createDecipheriv(algorithm(key, "cbc"), key, ZERO_IV);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** One raw AES block operation (ECB). */
export function aesBlock(encrypt: boolean, key: Uint8Array, block: Uint8Array): Buffer {
  const c = encrypt
    ? createCipheriv(algorithm(key, "ecb"), key, null)
    : createDecipheriv(algorithm(key, "ecb"), key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** AES-CTS encryption with a zero IV; `data` must be at least one block long. */
export function ctsEncrypt(key: Uint8Array, data: Uint8Array): Buffer {
  const len = data.length;
  if (len < BLOCK) throw new RangeError("AES-CTS input must be at least one block");
  if (len === BLOCK) return cbc(true, key, data);
  const blocks = Math.ceil(len / BLOCK);
  const padded = Buffer.alloc(blocks * BLOCK);
  padded.set(data);
  const c = cbc(true, key, padded);
  const lastLen = len - (blocks - 1) * BLOCK;
  const out = Buffer.allocUnsafe(len);
  c.copy(out, 0, 0, (blocks - 2) * BLOCK);
  c.copy(out, (blocks - 2) * BLOCK, (blocks - 1) * BLOCK, blocks * BLOCK);
  c.copy(out, (blocks - 1) * BLOCK, (blocks - 2) * BLOCK, (blocks - 2) * BLOCK + lastLen);
  return out;
}

/** AES-CTS decryption with a zero IV. */
export function ctsDecrypt(key: Uint8Array, data: Uint8Array): Buffer {
  const len = data.length;
  if (len < BLOCK) throw new RangeError("AES-CTS input must be at least one block");
  if (len === BLOCK) return cbc(false, key, data);
  const blocks = Math.ceil(len / BLOCK);
  const lastLen = len - (blocks - 1) * BLOCK;
  const swappedStart = (blocks - 2) * BLOCK;
  // The full block at swappedStart is the encryption of the (zero-padded) last plaintext block; the
  // partial block after it is the head of the second-to-last ciphertext block.
  const d = aesBlock(false, key, data.subarray(swappedStart, swappedStart + BLOCK));
  const prev = Buffer.allocUnsafe(BLOCK);
  prev.set(data.subarray(swappedStart + BLOCK, len), 0);
  d.copy(prev, lastLen, lastLen, BLOCK);
  const tail = Buffer.allocUnsafe(lastLen);
  for (let i = 0; i < lastLen; i++) tail[i] = d[i]! ^ prev[i]!;
  const head = cbc(false, key, Buffer.concat([data.subarray(0, swappedStart), prev]));
  return Buffer.concat([head, tail]);
}
