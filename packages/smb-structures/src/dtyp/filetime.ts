/**
 * MS-DTYP 2.3.3 FILETIME: 100-ns intervals since 1601-01-01 UTC, as a u64. Kept as bigint on the wire
 * codec (full precision); converted to Date where callers want one.
 */
import type { FixedCodec } from "../codec/primitives.js";
import { u64 } from "../codec/primitives.js";

/** 100-ns intervals between 1601-01-01 and 1970-01-01. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function filetimeToDate(ft: bigint): Date {
  return new Date(Number((ft - FILETIME_UNIX_EPOCH) / 10000n));
}
export function dateToFiletime(d: Date): bigint {
  return BigInt(d.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}
/** Milliseconds since the Unix epoch with sub-ms precision (fs.Stats *Ms fields). */
export function filetimeToUnixMs(ft: bigint): number {
  return Number(ft - FILETIME_UNIX_EPOCH) / 10000;
}

const EPOCH_HI = Number(FILETIME_UNIX_EPOCH >> 32n);
const EPOCH_LO = Number(FILETIME_UNIX_EPOCH & 0xffffffffn);

/**
 * filetimeToUnixMs of the FILETIME at `off`, without allocating a bigint (directory listings read
 * thousands). Identical results: (hi - EPOCH_HI) * 2^32 and (lo - EPOCH_LO) are exact doubles, so the
 * sum is rounded once, to nearest-even, as Number(ft - FILETIME_UNIX_EPOCH) rounds.
 */
export function readFiletimeUnixMs(buf: Buffer, off: number): number {
  return filetimeWordsToUnixMs(buf.readUInt32LE(off), buf.readUInt32LE(off + 4));
}

/** filetimeToUnixMs of the FILETIME whose low and high 32-bit words are `lo` and `hi`. */
export function filetimeWordsToUnixMs(lo: number, hi: number): number {
  return ((hi - EPOCH_HI) * 4294967296 + (lo - EPOCH_LO)) / 10000;
}

export function unixMsToFiletime(ms: number): bigint {
  return BigInt(Math.round(ms * 10000)) + FILETIME_UNIX_EPOCH;
}

/** FILETIME field: the raw u64 (0 means "not set" / "don't change" in SET_INFO). */
export const filetime: FixedCodec<bigint> = u64;
