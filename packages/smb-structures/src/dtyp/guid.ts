/**
 * MS-DTYP 2.3.4 GUID: Data1 (u32), Data2 (u16), Data3 (u16) little-endian, Data4 8 bytes as-is. The
 * string form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" prints Data1..3 as numbers, so its first three
 * groups are byte-reversed relative to the wire (the classic mistake is packing them in RFC order).
 */
import { randomBytes } from "node:crypto";
import { SmbDecodeError } from "../codec/errors.js";
import type { FixedCodec } from "../codec/primitives.js";

const GUID_RE = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/** Wire bytes (16) of a GUID string. */
export function guidToBytes(guid: string): Buffer {
  const m = GUID_RE.exec(guid);
  if (!m) throw new SmbDecodeError("GUID", undefined, `not a GUID string: ${JSON.stringify(guid)}`);
  const out = Buffer.alloc(16);
  out.writeUInt32LE(Number.parseInt(m[1]!, 16), 0);
  out.writeUInt16LE(Number.parseInt(m[2]!, 16), 4);
  out.writeUInt16LE(Number.parseInt(m[3]!, 16), 6);
  out.write(m[4]! + m[5]!, 8, "hex");
  return out;
}

/** Lower-case string form of 16 wire bytes. */
export function guidFromBytes(b: Uint8Array, off = 0): string {
  const buf = Buffer.from(b.buffer, b.byteOffset + off, 16);
  const d4 = buf.toString("hex", 8, 16);
  return [
    buf.readUInt32LE(0).toString(16).padStart(8, "0"),
    buf.readUInt16LE(4).toString(16).padStart(4, "0"),
    buf.readUInt16LE(6).toString(16).padStart(4, "0"),
    d4.slice(0, 4),
    d4.slice(4),
  ].join("-");
}

/** A random (version 4) GUID string. */
export function randomGuid(): string {
  const b = randomBytes(16);
  b[7] = (b[7]! & 0x0f) | 0x40; // version nibble is the high nibble of Data3 (stored LE at byte 7)
  b[8] = (b[8]! & 0x3f) | 0x80;
  return guidFromBytes(b);
}

export const NULL_GUID = "00000000-0000-0000-0000-000000000000";

/** GUID field codec: string values, Microsoft byte order on the wire. */
export const guid: FixedCodec<string> = {
  kind: "fixed",
  size: 16,
  read: (b, o) => guidFromBytes(b, o),
  write: (b, o, v) => {
    guidToBytes(v).copy(b, o);
  },
  check: (v) => (GUID_RE.test(v) ? undefined : `not a GUID string: ${JSON.stringify(v)}`),
};
