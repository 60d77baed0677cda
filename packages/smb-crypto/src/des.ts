/**
 * DES single-block encryption (FIPS 46-3) in pure TypeScript, for NTLMv1 / LM (MS-NLMP 6 "DES",
 * "DESL") which OpenSSL 3 no longer provides by default. Only encryption is needed by NTLM.
 *
 * Bits are numbered as in FIPS 46-3: bit 1 is the most significant bit of the first byte. The initial
 * and final permutations run through per-byte lookup tables, and each round's S-box + P permutation is a
 * precomputed 64-entry table per S-box, so a block costs 16 table lookups per permutation and 8 per round.
 */

// FIPS 46-3 tables (1-based bit positions).
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40,
  32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5,
  63, 55, 47, 39, 31, 23, 15, 7,
] as const;

const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22,
  11, 4, 25,
] as const;

const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
] as const;

const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47,
  55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
] as const;

const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1] as const;

// S-boxes S1..S8, each 4 rows of 16.
const SBOX: readonly (readonly number[])[] = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3,
    8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6,
    13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11,
    5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5,
    14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15,
    1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2,
    12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14,
    9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2,
    14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8,
    6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4,
    5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3,
    8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8,
    13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8,
    6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3,
    12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9,
    2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6,
    11,
  ],
];

/**
 * Lookup tables for a 64-bit permutation: for input byte `b` with value `v`, `hi/lo[b * 256 + v]` hold
 * the output bits that byte contributes. Permuting is then the OR of 8 lookups per half.
 */
interface ByteTables {
  hi: Int32Array;
  lo: Int32Array;
}

function buildByteTables(table: readonly number[]): ByteTables {
  const hi = new Int32Array(8 * 256);
  const lo = new Int32Array(8 * 256);
  for (let out = 1; out <= 64; out++) {
    const src = table[out - 1]! - 1;
    const byte = src >> 3;
    const mask = 0x80 >> (src & 7);
    for (let v = 0; v < 256; v++) {
      if ((v & mask) === 0) continue;
      if (out <= 32) hi[byte * 256 + v]! |= 1 << (32 - out);
      else lo[byte * 256 + v]! |= 1 << (64 - out);
    }
  }
  return { hi, lo };
}

interface DesTables {
  ip: ByteTables;
  fp: ByteTables;
  /** SP[k * 64 + x]: P(S_{k+1}(x)) placed in its 4-bit slot, for each 6-bit input x (FIPS 46-3 "f"). */
  sp: Int32Array;
}

let tables: DesTables | undefined;

/** Built on first use: DES serves only LM / NTLMv1 and DES Kerberos, which most runs never touch. */
function desTables(): DesTables {
  if (tables) return tables;
  const FP: number[] = new Array<number>(64);
  for (let i = 0; i < 64; i++) FP[IP[i]! - 1] = i + 1; // FP = IP^-1
  const sp = new Int32Array(8 * 64);
  for (let k = 0; k < 8; k++) {
    const box = SBOX[k]!;
    for (let x = 0; x < 64; x++) {
      const row = ((x >> 4) & 2) | (x & 1);
      const col = (x >> 1) & 0xf;
      const pre = box[row * 16 + col]! << (28 - 4 * k);
      let out = 0;
      for (let i = 0; i < 32; i++) {
        // Output bit i+1 takes input bit P[i] (both 1-based, MSB first).
        if ((pre >>> (32 - P[i]!)) & 1) out |= 1 << (31 - i);
      }
      sp[k * 64 + x] = out;
    }
  }
  tables = { ip: buildByteTables(IP), fp: buildByteTables(FP), sp };
  return tables;
}

function permute(t: ByteTables, src: Uint8Array, out: Int32Array): void {
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 8; b++) {
    const idx = b * 256 + src[b]!;
    hi |= t.hi[idx]!;
    lo |= t.lo[idx]!;
  }
  out[0] = hi;
  out[1] = lo;
}

/** Bit `pos` (1-based, MSB of byte 0 first) of `key`. */
function keyBit(key: Uint8Array, pos: number): number {
  return (key[(pos - 1) >> 3]! >> (7 - ((pos - 1) & 7))) & 1;
}

/**
 * FIPS 46-3 key schedule into `out`: 16 round keys, each as eight 6-bit chunks. C and D are kept as two
 * 28-bit integers (bit 1 = most significant) and rotated in place.
 */
function keySchedule(key: Uint8Array, out: Uint8Array): void {
  let c = 0;
  let d = 0;
  for (let i = 0; i < 28; i++) c = (c << 1) | keyBit(key, PC1[i]!);
  for (let i = 28; i < 56; i++) d = (d << 1) | keyBit(key, PC1[i]!);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round]!;
    c = ((c << s) | (c >>> (28 - s))) & 0xfffffff;
    d = ((d << s) | (d >>> (28 - s))) & 0xfffffff;
    for (let k = 0; k < 8; k++) {
      let chunk = 0;
      for (let j = 0; j < 6; j++) {
        const p = PC2[k * 6 + j]!;
        chunk = (chunk << 1) | (p <= 28 ? (c >>> (28 - p)) & 1 : (d >>> (56 - p)) & 1);
      }
      out[round * 8 + k] = chunk;
    }
  }
}

// Scratch reused across calls (all synchronous).
const SUBKEYS = new Uint8Array(16 * 8);
const HALVES = new Int32Array(2);
const PRE_OUTPUT = new Uint8Array(8);

/**
 * Expands a 7-byte (56-bit) key to an 8-byte DES key: 7 key bits per byte followed by an odd-parity bit
 * (MS-NLMP 6 "DES"; the same layout as the LM hash and NTLMv1 DESL).
 */
export function expandDesKey(key7: Uint8Array): Buffer {
  if (key7.length !== 7) throw new RangeError("expandDesKey needs a 7-byte key");
  const k = key7;
  const out = Buffer.allocUnsafe(8);
  out[0] = k[0]! >> 1;
  out[1] = ((k[0]! & 0x01) << 6) | (k[1]! >> 2);
  out[2] = ((k[1]! & 0x03) << 5) | (k[2]! >> 3);
  out[3] = ((k[2]! & 0x07) << 4) | (k[3]! >> 4);
  out[4] = ((k[3]! & 0x0f) << 3) | (k[4]! >> 5);
  out[5] = ((k[4]! & 0x1f) << 2) | (k[5]! >> 6);
  out[6] = ((k[5]! & 0x3f) << 1) | (k[6]! >> 7);
  out[7] = k[6]! & 0x7f;
  for (let i = 0; i < 8; i++) {
    let v = out[i]!;
    let ones = 0;
    for (let b = v; b !== 0; b >>= 1) ones += b & 1;
    v = (v << 1) | ((ones & 1) === 0 ? 1 : 0); // odd parity over the whole byte
    out[i] = v;
  }
  return out;
}

/**
 * Encrypts one 8-byte block with DES (FIPS 46-3). `key` is 8 bytes (parity bits ignored, as DES does) or
 * 7 bytes, which are first expanded with {@link expandDesKey}.
 */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  if (block.length !== 8) throw new RangeError("DES block must be 8 bytes");
  let key8: Uint8Array;
  if (key.length === 7) key8 = expandDesKey(key);
  else if (key.length === 8) key8 = key;
  else throw new RangeError("DES key must be 7 or 8 bytes");

  const { ip, fp, sp: SP } = desTables();
  const subkeys = SUBKEYS;
  keySchedule(key8, subkeys);
  const halves = HALVES;
  permute(ip, block, halves);
  let l = halves[0]!;
  let r = halves[1]!;
  for (let round = 0; round < 16; round++) {
    const base = round * 8;
    let f = 0;
    for (let k = 0; k < 8; k++) {
      // E expansion: chunk k is bits 4k..4k+5 of R (1-based, cyclic), i.e. R rotated right by 27 - 4k.
      const n = (27 - 4 * k) & 31;
      const e = ((r >>> n) | (r << (32 - n))) & 0x3f;
      f |= SP[k * 64 + (e ^ subkeys[base + k]!)]!;
    }
    const t = l ^ f;
    l = r;
    r = t;
  }
  // Pre-output is R16 L16, then IP^-1.
  const pre = PRE_OUTPUT;
  pre[0] = r >>> 24;
  pre[1] = r >>> 16;
  pre[2] = r >>> 8;
  pre[3] = r;
  pre[4] = l >>> 24;
  pre[5] = l >>> 16;
  pre[6] = l >>> 8;
  pre[7] = l;
  permute(fp, pre, halves);
  const out = Buffer.allocUnsafe(8);
  out.writeInt32BE(halves[0]!, 0);
  out.writeInt32BE(halves[1]!, 4);
  return out;
}
