/** MS-SMB2 2.2.26 SMB2 LOCK Request (with 2.2.26.1 SMB2_LOCK_ELEMENT) and 2.2.27 SMB2 LOCK Response. */
import { constant, countOf, reserved, withDefault } from "../../codec/fields.js";
import { type FixedCodec, u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varArray } from "../../codec/variable.js";
import { fileId } from "../file-id.js";
import { structureSize4 } from "./simple.js";

/** 2.2.26.1 Flags (SMB2_LOCKFLAG_*). */
export const LockFlags = {
  SHARED_LOCK: 0x00000001,
  EXCLUSIVE_LOCK: 0x00000002,
  UNLOCK: 0x00000004,
  FAIL_IMMEDIATELY: 0x00000010,
} as const;

/** 2.2.26.1 SMB2_LOCK_ELEMENT. */
export const LockElement = struct(
  "SMB2_LOCK_ELEMENT",
  { offset: u64, length: u64, flags: u32, reserved: reserved(4) },
  { spec: "MS-SMB2 2.2.26.1" },
);
export type LockElement = Decoded<typeof LockElement.fields>;

/** LockSequenceNumber (low 4 bits) and LockSequenceIndex (high 28 bits) of one u32 (3.x resilient handles). */
export interface LockSequence {
  number: number;
  index: number;
}
export const lockSequence: FixedCodec<LockSequence> = {
  kind: "fixed",
  size: 4,
  read: (b, o) => {
    const v = b.readUInt32LE(o);
    return { number: v & 0xf, index: v >>> 4 };
  },
  write: (b, o, v) => {
    b.writeUInt32LE(((v.index << 4) | v.number) >>> 0, o);
  },
  check: (v) =>
    Number.isInteger(v?.number) &&
    v.number >= 0 &&
    v.number <= 0xf &&
    Number.isInteger(v.index) &&
    v.index >= 0 &&
    v.index <= 0xfffffff
      ? undefined
      : "LockSequence number must be 0-15 and index 0-0xfffffff",
};

/** 2.2.26: StructureSize 48 counts one lock element; LockCount is at least 1. */
export const LockRequest = struct(
  "SMB2 LOCK Request",
  {
    structureSize: constant(u16, 48),
    lockCount: countOf("locks", u16),
    lockSequence: withDefault(lockSequence, { number: 0, index: 0 }),
    fileId,
    locks: varArray(LockElement),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.26" },
);
export type LockRequest = Decoded<typeof LockRequest.fields>;

export const LockResponse = structureSize4("SMB2 LOCK Response", "MS-SMB2 2.2.27");
export type LockResponse = Decoded<typeof LockResponse.fields>;
