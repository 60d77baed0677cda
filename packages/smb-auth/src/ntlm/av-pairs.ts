/**
 * AV_PAIR lists (MS-NLMP 2.2.2.1): the CHALLENGE_MESSAGE TargetInfo and the NTLMv2 client challenge's
 * AvPairs. Pairs are kept in order, unknown ids included, so what the server sent can be echoed back.
 */
import { lengthOf, SmbDecodeError, struct, u16, u32, varBytes } from "smb-structures";
import { badToken } from "../errors.js";
import { AvId } from "./constants.js";

export const AvPairStruct = struct(
  "AV_PAIR",
  { avId: u16, avLen: lengthOf("value", u16), value: varBytes() },
  { offsetsFrom: "self", spec: "MS-NLMP 2.2.2.1" },
);

export interface AvPair {
  id: number;
  value: Buffer;
}

const avIdNames = new Map<number, string>(Object.entries(AvId).map(([k, v]) => [v, k]));

export class TargetInfo {
  readonly pairs: AvPair[];

  constructor(pairs: AvPair[] = []) {
    this.pairs = pairs.filter((p) => p.id !== AvId.EOL);
  }

  /**
   * Decodes an AV_PAIR list up to MsvAvEOL (a list that simply ends without EOL is accepted; bytes after
   * EOL are ignored).
   */
  static decode(data: Uint8Array): TargetInfo {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const pairs: AvPair[] = [];
    let pos = 0;
    try {
      while (pos < buf.length) {
        const r = AvPairStruct.decodeAt(buf, pos, buf.length);
        if (r.value.avId === AvId.EOL) break;
        pairs.push({ id: r.value.avId, value: Buffer.from(r.value.value) });
        pos = r.end;
      }
    } catch (err) {
      if (err instanceof SmbDecodeError) throw badToken("NTLM target info (AV_PAIR list)", err, "ntlm");
      throw err;
    }
    return new TargetInfo(pairs);
  }

  /** The AV_PAIR list terminated by MsvAvEOL. */
  encode(): Buffer {
    const parts = [...this.pairs, { id: AvId.EOL, value: Buffer.alloc(0) }].map((p) =>
      AvPairStruct.encode({ avId: p.id, value: p.value }),
    );
    return Buffer.concat(parts);
  }

  get(id: number): Buffer | undefined {
    return this.pairs.find((p) => p.id === id)?.value;
  }

  has(id: number): boolean {
    return this.pairs.some((p) => p.id === id);
  }

  /** A UTF-16LE string value (the name pairs, MsvAvTargetName). */
  getString(id: number): string | undefined {
    return this.get(id)?.toString("utf16le");
  }

  /** Replaces the first pair with `id`, or appends one. */
  set(id: number, value: Buffer): this {
    const existing = this.pairs.find((p) => p.id === id);
    if (existing) existing.value = value;
    else this.pairs.push({ id, value });
    return this;
  }

  /** MsvAvFlags, when present (a 32-bit value). */
  get flags(): number | undefined {
    const v = this.get(AvId.FLAGS);
    if (!v) return undefined;
    if (v.length !== 4) throw badToken("MsvAvFlags (not 4 bytes)", undefined, "ntlm");
    return u32.read(v, 0);
  }

  /** MsvAvTimestamp as the raw 8-byte FILETIME, when present. */
  get timestamp(): Buffer | undefined {
    const v = this.get(AvId.TIMESTAMP);
    if (v && v.length !== 8) throw badToken("MsvAvTimestamp (not 8 bytes)", undefined, "ntlm");
    return v;
  }

  clone(): TargetInfo {
    return new TargetInfo(this.pairs.map((p) => ({ id: p.id, value: Buffer.from(p.value) })));
  }

  /** Readable form for logs and tests: names decoded, other values in hex. */
  toJSON(): Array<{ id: string; value: string }> {
    return this.pairs.map((p) => {
      const name = avIdNames.get(p.id) ?? `0x${p.id.toString(16).padStart(4, "0")}`;
      const text = p.id >= AvId.NB_COMPUTER_NAME && p.id <= AvId.DNS_TREE_NAME;
      return {
        id: name,
        value: text || p.id === AvId.TARGET_NAME ? p.value.toString("utf16le") : p.value.toString("hex"),
      };
    });
  }
}
