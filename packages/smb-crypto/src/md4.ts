/**
 * MD4 message digest (RFC 1320) in pure TypeScript: OpenSSL 3 moved MD4 to its "legacy" provider, which
 * Node does not load, yet NTLM (MS-NLMP 3.3.1 NTOWFv1/NTOWFv2) still needs it.
 *
 * Works on 32-bit integers (`| 0` arithmetic) and reads little-endian words straight from the input; the
 * only allocations per call are the 16-word schedule, one 128-byte tail block and the 16-byte result.
 */

const INIT_A = 0x67452301;
const INIT_B = 0xefcdab89 | 0;
const INIT_C = 0x98badcfe | 0;
const INIT_D = 0x10325476;

/** RFC 1320 3.4: per-round shift amounts, and word orders for rounds 2 and 3. */
const S1 = [3, 7, 11, 19] as const;
const S2 = [3, 5, 9, 13] as const;
const S3 = [3, 9, 11, 15] as const;
const ORDER2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] as const;
const ORDER3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;

/** Processes one 64-byte block of `src` at `off`, updating `state` (A, B, C, D). */
function compress(state: Int32Array, x: Int32Array, src: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const o = off + i * 4;
    x[i] = src[o]! | (src[o + 1]! << 8) | (src[o + 2]! << 16) | (src[o + 3]! << 24);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  // Each step updates the first variable and the roles rotate (a,b,c,d) -> (d,a,b,c); after 16 steps
  // (a multiple of 4) the names line up again with RFC 1320's [abcd k s] notation.
  for (let i = 0; i < 16; i++) {
    const t = (a + ((b & c) | (~b & d)) + x[i]!) | 0;
    const s = S1[i & 3]!;
    a = d;
    d = c;
    c = b;
    b = (t << s) | (t >>> (32 - s));
  }
  for (let i = 0; i < 16; i++) {
    const t = (a + ((b & c) | (b & d) | (c & d)) + x[ORDER2[i]!]! + 0x5a827999) | 0;
    const s = S2[i & 3]!;
    a = d;
    d = c;
    c = b;
    b = (t << s) | (t >>> (32 - s));
  }
  for (let i = 0; i < 16; i++) {
    const t = (a + (b ^ c ^ d) + x[ORDER3[i]!]! + 0x6ed9eba1) | 0;
    const s = S3[i & 3]!;
    a = d;
    d = c;
    c = b;
    b = (t << s) | (t >>> (32 - s));
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}

/** MD4 digest (16 bytes) of `data`, per RFC 1320. */
export function md4(data: Uint8Array): Buffer {
  const state = new Int32Array([INIT_A, INIT_B, INIT_C, INIT_D]);
  const x = new Int32Array(16);
  const len = data.length;
  const whole = len - (len % 64);
  for (let off = 0; off < whole; off += 64) compress(state, x, data, off);

  // RFC 1320 3.1-3.2: append 0x80, zero-pad to 56 mod 64, then the bit length as 64-bit little-endian.
  const tail = new Uint8Array(128);
  const rem = len - whole;
  tail.set(data.subarray(whole), 0);
  tail[rem] = 0x80;
  const tailLen = rem < 56 ? 64 : 128;
  const bitsLo = (len * 8) >>> 0;
  const bitsHi = Math.floor(len / 0x20000000) >>> 0;
  const view = new DataView(tail.buffer);
  view.setUint32(tailLen - 8, bitsLo, true);
  view.setUint32(tailLen - 4, bitsHi, true);
  compress(state, x, tail, 0);
  if (tailLen === 128) compress(state, x, tail, 64);

  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 4; i++) out.writeInt32LE(state[i]!, i * 4);
  return out;
}
