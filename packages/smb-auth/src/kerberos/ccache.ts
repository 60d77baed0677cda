/**
 * MIT credential cache files, format versions 4 (0x0504, current) and 3 (0x0503): read, and write (v4)
 * for a TGT obtained with a password. Layout (big-endian), per MIT's "ccache file format":
 *   version u16 | [v4: header length u16, tags {tag u16, len u16, value}] | default principal | credential*
 *   principal  = name_type u32, count u32, realm data, components data[count]
 *   credential = client, server, keyblock {enctype u16, [v3: enctype u16 again], data},
 *                times {authtime, starttime, endtime, renew_till: u32}, is_skey u8, ticket_flags u32,
 *                addresses u32-counted {type u16, data}, authdata u32-counted {type u16, data},
 *                ticket data, second_ticket data           (data = u32 length + bytes)
 * Header tag 1 holds the KDC clock offset (seconds, microseconds). Entries whose server realm is
 * "X-CACHECONF:" are configuration, not tickets.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  asFixedVar,
  constant,
  countOf,
  type Decoded,
  lengthOf,
  SmbDecodeError,
  struct,
  u8,
  varArray,
  varBytes,
} from "smb-structures";
import { be16, be32, countedArray, data32, nested } from "./binfmt.js";
import { findProfile } from "./crypto/enctypes.js";
import { KerberosKey } from "./crypto/key.js";
import { KerberosError, localError } from "./errors.js";
import type { Principal } from "./principal.js";

const PrincipalStruct = struct("ccache principal", {
  nameType: be32,
  count: countOf("components", be32),
  realm: nested(data32),
  components: varArray(data32),
});

const Keyblock4 = struct("ccache keyblock", {
  enctype: be16,
  length: lengthOf("key", be32),
  key: varBytes(),
});
const Keyblock3 = struct("ccache keyblock (v3)", {
  enctype: be16,
  enctypeAgain: be16,
  length: lengthOf("key", be32),
  key: varBytes(),
});
const Times = struct("ccache times", { authtime: be32, starttime: be32, endtime: be32, renewTill: be32 });
const Address = struct("ccache address", {
  addrtype: be16,
  length: lengthOf("data", be32),
  data: varBytes(),
});
const AuthData = struct("ccache authdata", {
  adType: be16,
  length: lengthOf("data", be32),
  data: varBytes(),
});

function credentialStruct<K extends typeof Keyblock4 | typeof Keyblock3>(keyblock: K, name: string) {
  return struct(name, {
    client: nested(PrincipalStruct),
    server: nested(PrincipalStruct),
    key: nested(keyblock),
    times: nested(Times),
    isSkey: asFixedVar(u8, 0),
    ticketFlags: asFixedVar(be32, 0),
    addresses: countedArray(Address, be32),
    authdata: countedArray(AuthData, be32),
    ticket: nested(data32),
    secondTicket: nested(data32),
  });
}
const Credential4 = credentialStruct(Keyblock4, "ccache credential");
const Credential3 = credentialStruct(Keyblock3, "ccache credential (v3)");

const HeaderTag = struct("ccache header tag", {
  tag: be16,
  length: lengthOf("value", be16),
  value: varBytes(),
});
const Header4 = struct("ccache v4 header", {
  version: constant(be16, 0x0504),
  length: lengthOf("tags", be16),
  tags: varArray(HeaderTag),
});

const TAG_KDC_OFFSET = 1;
const CONF_REALM = "X-CACHECONF:";

/** One cached ticket. */
export interface CcacheCredential {
  client: Principal;
  server: Principal;
  /** The session key; undefined when its enctype is one this client does not implement. */
  key: KerberosKey | undefined;
  keytype: number;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill: Date | undefined;
  isSkey: boolean;
  /** TicketFlags (bit 0 = 0x80000000, e.g. 0x40000000 forwardable). */
  flags: number;
  /** Ticket DER. */
  ticket: Buffer;
  secondTicket: Buffer;
  /** Configuration entry (server realm X-CACHECONF:). */
  isConfig: boolean;
}

export interface Ccache {
  version: 3 | 4;
  primary: Principal;
  credentials: CcacheCredential[];
  /** KDC clock offset stored in the v4 header (ms), if any. */
  kdcOffsetMs: number | undefined;
}

type PrincipalValue = Decoded<typeof PrincipalStruct.fields>;

function toPrincipal(p: PrincipalValue): Principal {
  return {
    realm: p.realm.data.toString("utf8"),
    name: { nameType: p.nameType, names: p.components.map((c) => c.data.toString("utf8")) },
  };
}

function fromPrincipal(p: Principal): PrincipalValue {
  return {
    nameType: p.name.nameType >>> 0,
    realm: { data: Buffer.from(p.realm, "utf8") },
    components: p.name.names.map((n) => ({ data: Buffer.from(n, "utf8") })),
  };
}

const time = (s: number): Date => new Date(s * 1000);
const secs = (d: Date | undefined): number => (d ? Math.max(0, Math.floor(d.getTime() / 1000)) >>> 0 : 0);

/** Parses a ccache file's bytes. */
export function parseCcache(buf: Buffer, source = "credential cache"): Ccache {
  try {
    if (buf.length < 2) throw new SmbDecodeError("ccache", "version", "file too short");
    const version = buf.readUInt16BE(0);
    if (version !== 0x0504 && version !== 0x0503) {
      throw localError(
        "KRB5_CC_FORMAT",
        `${source}: unsupported credential cache version 0x${version.toString(16)} (only 3 and 4 are read)`,
      );
    }
    let pos = 2;
    let kdcOffsetMs: number | undefined;
    if (version === 0x0504) {
      const h = Header4.decodeAt(buf, 0, buf.length);
      for (const t of h.value.tags) {
        if (t.tag === TAG_KDC_OFFSET && t.value.length === 8) {
          kdcOffsetMs = t.value.readInt32BE(0) * 1000 + Math.round(t.value.readInt32BE(4) / 1000);
        }
      }
      pos = h.end;
    }
    const primary = PrincipalStruct.decodeAt(buf, pos, buf.length);
    pos = primary.end;
    const credentials: CcacheCredential[] = [];
    const cred = version === 0x0504 ? Credential4 : Credential3;
    while (pos < buf.length) {
      const r = cred.decodeAt(buf, pos, buf.length);
      if (r.end <= pos) throw new SmbDecodeError("ccache", "credential", "no progress");
      pos = r.end;
      const c = r.value;
      const server = toPrincipal(c.server);
      const keytype = c.key.enctype >= 0x8000 ? c.key.enctype - 0x10000 : c.key.enctype;
      const profile = findProfile(keytype);
      const t = c.times;
      credentials.push({
        client: toPrincipal(c.client),
        server,
        keytype,
        key:
          profile && c.key.key.length === profile.keySize ? new KerberosKey(keytype, c.key.key) : undefined,
        authtime: time(t.authtime),
        starttime: time(t.starttime || t.authtime),
        endtime: time(t.endtime),
        renewTill: t.renewTill ? time(t.renewTill) : undefined,
        isSkey: c.isSkey !== 0,
        flags: c.ticketFlags >>> 0,
        ticket: Buffer.from(c.ticket.data),
        secondTicket: Buffer.from(c.secondTicket.data),
        isConfig: server.realm === CONF_REALM,
      });
    }
    return {
      version: version === 0x0504 ? 4 : 3,
      primary: toPrincipal(primary.value),
      credentials,
      kdcOffsetMs,
    };
  } catch (err) {
    if (err instanceof KerberosError) throw err;
    throw localError(
      "KRB5_CC_FORMAT",
      `${source}: malformed credential cache (${(err as Error).message})`,
      err,
    );
  }
}

/** Serializes a ccache in format 4 (what MIT writes today). */
export function serializeCcache(cc: Omit<Ccache, "version">): Buffer {
  const tags =
    cc.kdcOffsetMs === undefined
      ? []
      : [
          {
            tag: TAG_KDC_OFFSET,
            value: (() => {
              const v = Buffer.alloc(8);
              const s = Math.trunc(cc.kdcOffsetMs / 1000);
              v.writeInt32BE(s, 0);
              v.writeInt32BE(Math.round((cc.kdcOffsetMs - s * 1000) * 1000), 4);
              return v;
            })(),
          },
        ];
  const parts: Buffer[] = [Header4.encode({ tags }), PrincipalStruct.encode(fromPrincipal(cc.primary))];
  for (const c of cc.credentials) {
    if (!c.key) throw localError("KRB5_CC_FORMAT", "cannot write a credential whose key is unavailable");
    parts.push(
      Credential4.encode({
        client: fromPrincipal(c.client),
        server: fromPrincipal(c.server),
        key: { enctype: c.key.enctype & 0xffff, key: c.key.exportBytes() },
        times: {
          authtime: secs(c.authtime),
          starttime: secs(c.starttime),
          endtime: secs(c.endtime),
          renewTill: secs(c.renewTill),
        },
        isSkey: c.isSkey ? 1 : 0,
        ticketFlags: c.flags >>> 0,
        addresses: [],
        authdata: [],
        ticket: { data: c.ticket },
        secondTicket: { data: c.secondTicket },
      }),
    );
  }
  return Buffer.concat(parts);
}

/**
 * The file behind a ccache name: "FILE:/path", a plain path, else $KRB5CCNAME, else /tmp/krb5cc_<uid>.
 * Other cache types (KEYRING:, KCM:, DIR:, MEMORY:, API:) are not readable from a file.
 */
export function resolveCcachePath(name?: string, env: NodeJS.ProcessEnv = process.env): string {
  const n = name ?? env.KRB5CCNAME ?? `/tmp/krb5cc_${process.getuid?.() ?? 0}`;
  if (n.startsWith("FILE:")) return n.slice(5);
  const type = /^([A-Za-z]+):/.exec(n);
  if (type && type[1] !== "FILE") {
    throw localError(
      "KRB5_FCC_NOFILE",
      `credential cache type ${type[1]}: is not supported (use a FILE: cache, e.g. KRB5CCNAME=FILE:/tmp/krb5cc_$UID)`,
    );
  }
  return n;
}

/** Reads and parses a ccache file. */
export function readCcache(name?: string, env: NodeJS.ProcessEnv = process.env): Ccache {
  const path = resolveCcachePath(name, env);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw localError("KRB5_FCC_NOFILE", `no credential cache found at ${path} (run kinit?)`, err);
  }
  return parseCcache(buf, path);
}

/** Writes a ccache file (mode 0600, atomically via a temporary file and rename). */
export function writeCcache(name: string, cc: Omit<Ccache, "version">): string {
  const path = resolveCcachePath(name);
  const data = serializeCcache(cc);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw localError("KRB5_FCC_NOFILE", `cannot write credential cache ${path}`, err);
  }
  return path;
}
