/**
 * Compounded messages (MS-SMB2 3.2.4.1.4 / 3.3.5.2.7): each header's NextCommand is the offset of the
 * next message from the start of this one (8-byte aligned), 0 for the last.
 */
import { SmbDecodeError } from "../codec/errors.js";
import { ProtocolId } from "./constants.js";
import { HEADER_SIZE } from "./header.js";

const NEXT_COMMAND_OFFSET = 20;

export interface CompoundOptions {
  /** Reject NextCommand values that are not multiples of 8 (default true). */
  requireAlignment?: boolean;
}

/**
 * The [start, end) of each message of a received compound (a single message gives one range). Each
 * message must hold a whole SMB2 header; a NextCommand that is too small, unaligned or leaves the
 * buffer is an SmbDecodeError.
 */
export function splitCompound(
  buf: Buffer,
  start = 0,
  end = buf.length,
  opts: CompoundOptions = {},
): [number, number][] {
  const aligned = opts.requireAlignment ?? true;
  const out: [number, number][] = [];
  let pos = start;
  for (;;) {
    const at = `message ${out.length} at ${pos - start}`;
    if (pos + HEADER_SIZE > end)
      throw new SmbDecodeError("SMB2 compound", undefined, `${at}: shorter than a header`);
    if (buf.readUInt32LE(pos) !== ProtocolId.SMB2) {
      throw new SmbDecodeError("SMB2 compound", "ProtocolId", `${at}: not an SMB2 header`);
    }
    const next = buf.readUInt32LE(pos + NEXT_COMMAND_OFFSET);
    if (next === 0) {
      out.push([pos, end]);
      return out;
    }
    if (next < HEADER_SIZE || (aligned && next % 8 !== 0) || pos + next >= end) {
      throw new SmbDecodeError("SMB2 compound", "NextCommand", `${at}: bad NextCommand ${next}`);
    }
    out.push([pos, pos + next]);
    pos += next;
  }
}
