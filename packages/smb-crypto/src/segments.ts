/**
 * Helpers to treat a list of segments (e.g. an iovec of header + payload buffers) as one logical message
 * without concatenating it. Offsets are into that logical message.
 */

/** Size of the SMB2 packet header (MS-SMB2 2.2.1). */
export const SMB2_HEADER_SIZE = 64;
/** Offset and size of the Signature field in the SMB2 header (MS-SMB2 2.2.1.1/2.2.1.2). */
export const SIGNATURE_OFFSET = 48;
export const SIGNATURE_SIZE = 16;

const ZERO_SIGNATURE = new Uint8Array(SIGNATURE_SIZE);

/** Total byte length of `segments`. */
export function totalLength(segments: readonly Uint8Array[]): number {
  let n = 0;
  for (const s of segments) n += s.length;
  return n;
}

/**
 * Calls `sink` with consecutive views of the logical message, except that bytes
 * [SIGNATURE_OFFSET, SIGNATURE_OFFSET + 16) are replaced by zeros (MS-SMB2 3.1.4.1: the signature is
 * computed with the Signature field zeroed). Works whatever the segment boundaries are.
 */
export function forEachSigningPiece(
  segments: readonly Uint8Array[],
  sink: (piece: Uint8Array) => void,
): void {
  const sigStart = SIGNATURE_OFFSET;
  const sigEnd = SIGNATURE_OFFSET + SIGNATURE_SIZE;
  let pos = 0;
  for (const seg of segments) {
    const len = seg.length;
    if (len === 0) continue;
    const segEnd = pos + len;
    if (segEnd <= sigStart || pos >= sigEnd) {
      sink(seg);
    } else {
      // Part before the signature field, the zeroed overlap, and the part after it.
      const a = Math.max(sigStart - pos, 0);
      const b = Math.min(sigEnd - pos, len);
      if (a > 0) sink(seg.subarray(0, a));
      sink(ZERO_SIGNATURE.subarray(pos + a - sigStart, pos + b - sigStart));
      if (b < len) sink(seg.subarray(b));
    }
    pos = segEnd;
  }
}

/** Copies logical bytes [start, start + dst.length) of `segments` into `dst`. */
export function copyRange(segments: readonly Uint8Array[], start: number, dst: Uint8Array): void {
  const end = start + dst.length;
  let pos = 0;
  for (const seg of segments) {
    const segEnd = pos + seg.length;
    if (segEnd > start && pos < end) {
      const from = Math.max(start - pos, 0);
      const to = Math.min(end - pos, seg.length);
      dst.set(seg.subarray(from, to), pos + from - start);
    }
    if (segEnd >= end) return;
    pos = segEnd;
  }
}

/** Writes `src` over logical bytes [start, start + src.length) of `segments`. */
export function writeRange(segments: readonly Uint8Array[], start: number, src: Uint8Array): void {
  const end = start + src.length;
  let pos = 0;
  for (const seg of segments) {
    const segEnd = pos + seg.length;
    if (segEnd > start && pos < end) {
      const from = Math.max(start - pos, 0);
      const to = Math.min(end - pos, seg.length);
      seg.set(src.subarray(pos + from - start, pos + to - start), from);
    }
    if (segEnd >= end) return;
    pos = segEnd;
  }
}
