/**
 * RFC 3961 5.1 n-fold: stretches or shrinks a byte string to `outBytes` bytes. The input is repeated
 * lcm(in, out) / in times, each copy rotated 13 bits further right, and the result is cut into
 * `outBytes` chunks that are added with one's-complement (end-around carry) addition.
 */
export function nfold(input: Uint8Array, outBytes: number): Buffer {
  const inBytes = input.length;
  if (inBytes === 0 || outBytes <= 0) throw new RangeError("n-fold needs a non-empty input and output");
  const inBits = BigInt(inBytes * 8);
  const outBits = BigInt(outBytes * 8);
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);
  const value = BigInt(`0x${Buffer.from(input).toString("hex")}`);
  const inMask = (1n << inBits) - 1n;
  const outMask = (1n << outBits) - 1n;

  let sum = 0n;
  // The concatenation of the rotated copies, consumed `outBytes` at a time from the most significant end.
  let pending = 0n;
  let pendingBits = 0n;
  for (let copy = 0; copy < lcm / inBytes; copy++) {
    const r = BigInt((13 * copy) % (inBytes * 8));
    const rotated = r === 0n ? value : ((value >> r) | (value << (inBits - r))) & inMask;
    pending = (pending << inBits) | rotated;
    pendingBits += inBits;
    while (pendingBits >= outBits) {
      pendingBits -= outBits;
      sum += pending >> pendingBits;
      pending &= (1n << pendingBits) - 1n;
    }
  }
  while (sum > outMask) sum = (sum & outMask) + (sum >> outBits);
  return Buffer.from(sum.toString(16).padStart(outBytes * 2, "0"), "hex");
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
