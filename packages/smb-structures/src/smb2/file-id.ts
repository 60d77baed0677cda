/**
 * MS-SMB2 2.2.14.1 SMB2_FILEID: Persistent (8 bytes) and Volatile (8 bytes). Decoded into two bigints
 * (a copy, not a view, so a FileId outlives the receive buffer it came from).
 */
import type { FixedCodec } from "../codec/primitives.js";

export interface FileId {
  persistent: bigint;
  volatile: bigint;
}

export const fileId: FixedCodec<FileId> = {
  kind: "fixed",
  size: 16,
  read: (b, o) => ({ persistent: b.readBigUInt64LE(o), volatile: b.readBigUInt64LE(o + 8) }),
  write: (b, o, v) => {
    b.writeBigUInt64LE(v.persistent, o);
    b.writeBigUInt64LE(v.volatile, o + 8);
  },
  check: (v) =>
    typeof v === "object" &&
    v !== null &&
    typeof v.persistent === "bigint" &&
    typeof v.volatile === "bigint" &&
    v.persistent >= 0n &&
    v.volatile >= 0n &&
    v.persistent <= 0xffffffffffffffffn &&
    v.volatile <= 0xffffffffffffffffn
      ? undefined
      : "not a FileId {persistent, volatile} of u64 bigints",
};

/** The FileId of a related compound request: "use the handle of the previous request" (3.2.4.1.4). */
export const RELATED_FILE_ID: Readonly<FileId> = Object.freeze({
  persistent: 0xffffffffffffffffn,
  volatile: 0xffffffffffffffffn,
});

/** A string key for maps ("persistent:volatile" in hex). */
export function fileIdKey(id: FileId): string {
  return `${id.persistent.toString(16)}:${id.volatile.toString(16)}`;
}
