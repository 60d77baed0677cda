/**
 * MIT keytab files, format version 2 (0x0502), for password-less AS exchanges with a long-term key.
 * Layout (big-endian): version u16, then entries, each an i32 size (negative: a hole of that many bytes)
 * followed by: count u16, realm, components[count] (u16-counted strings), name_type u32, timestamp u32,
 * vno8 u8, keyblock {enctype u16, key u16-counted}, and a u32 kvno when at least 4 bytes remain (it
 * overrides vno8 when non-zero).
 */
import { readFileSync } from "node:fs";
import { asFixedVar, countOf, SmbDecodeError, struct, u8, varArray } from "smb-structures";
import { be16, be32, bei32, data16, nested, optionalTail } from "./binfmt.js";
import { findProfile } from "./crypto/enctypes.js";
import { KerberosKey } from "./crypto/key.js";
import { KerberosError, localError } from "./errors.js";
import type { Principal } from "./principal.js";

const Entry = struct("keytab entry", {
  count: countOf("components", be16),
  realm: nested(data16),
  components: varArray(data16),
  nameType: asFixedVar(be32, 1),
  timestamp: asFixedVar(be32, 0),
  vno8: asFixedVar(u8, 0),
  enctype: asFixedVar(be16, 0),
  key: nested(data16),
  vno: optionalTail(be32),
});

export interface KeytabEntry {
  principal: Principal;
  timestamp: Date;
  kvno: number;
  enctype: number;
  /** Undefined when the enctype is one this client does not implement. */
  key: KerberosKey | undefined;
}

export function parseKeytab(buf: Buffer, source = "keytab"): KeytabEntry[] {
  try {
    if (buf.length < 2) throw new SmbDecodeError("keytab", "version", "file too short");
    const version = buf.readUInt16BE(0);
    if (version !== 0x0502) {
      throw localError(
        "KRB5_KT_FORMAT",
        `${source}: unsupported keytab version 0x${version.toString(16)} (only 0x502)`,
      );
    }
    const out: KeytabEntry[] = [];
    let pos = 2;
    while (pos + 4 <= buf.length) {
      const size = bei32.read(buf, pos);
      pos += 4;
      if (size === 0) break;
      if (size < 0) {
        pos += -size; // a deleted entry
        continue;
      }
      if (pos + size > buf.length)
        throw new SmbDecodeError("keytab", "size", `entry of ${size} bytes runs past the file`);
      const e = Entry.decodeAt(buf, pos, pos + size).value;
      pos += size;
      const enctype = e.enctype >= 0x8000 ? e.enctype - 0x10000 : e.enctype;
      const profile = findProfile(enctype);
      out.push({
        principal: {
          realm: e.realm.data.toString("utf8"),
          name: { nameType: e.nameType, names: e.components.map((c) => c.data.toString("utf8")) },
        },
        timestamp: new Date(e.timestamp * 1000),
        kvno: e.vno !== undefined && e.vno !== 0 ? e.vno : e.vno8,
        enctype,
        key:
          profile && e.key.data.length === profile.keySize ? new KerberosKey(enctype, e.key.data) : undefined,
      });
    }
    return out;
  } catch (err) {
    if (err instanceof KerberosError) throw err;
    throw localError("KRB5_KT_FORMAT", `${source}: malformed keytab (${(err as Error).message})`, err);
  }
}

/** Serializes entries as a v2 keytab (test fixtures, exporting keys). */
export function serializeKeytab(entries: KeytabEntry[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x05, 0x02])];
  for (const e of entries) {
    if (!e.key) throw localError("KRB5_KT_FORMAT", "cannot write a keytab entry without its key");
    const body = Entry.encode({
      realm: { data: Buffer.from(e.principal.realm, "utf8") },
      components: e.principal.name.names.map((n) => ({ data: Buffer.from(n, "utf8") })),
      nameType: e.principal.name.nameType >>> 0,
      timestamp: Math.floor(e.timestamp.getTime() / 1000) >>> 0,
      vno8: e.kvno & 0xff,
      enctype: e.enctype & 0xffff,
      key: { data: e.key.exportBytes() },
      vno: e.kvno >>> 0,
    });
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    parts.push(size, body);
  }
  return Buffer.concat(parts);
}

/** "FILE:/path", "WRFILE:/path" or a plain path. */
export function resolveKeytabPath(name: string): string {
  const m = /^(FILE|WRFILE):(.*)$/.exec(name);
  if (m) return m[2]!;
  const type = /^([A-Za-z]+):/.exec(name);
  if (type) throw localError("KRB5_KT_NOTFOUND", `keytab type ${type[1]}: is not supported (use a file)`);
  return name;
}

export function readKeytab(name: string): KeytabEntry[] {
  const path = resolveKeytabPath(name);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw localError("KRB5_KT_NOTFOUND", `cannot read keytab ${path}`, err);
  }
  return parseKeytab(buf, path);
}
