/**
 * The Kerberos V5 GSS-API mechanism's token formats:
 * - RFC 2743 3.1 / RFC 4121 4.1 framing: [APPLICATION 0] { OID 1.2.840.113554.1.2.2, TOK_ID, body } with
 *   TOK_ID 01 00 (AP-REQ), 02 00 (AP-REP), 03 00 (KRB-ERROR);
 * - the RFC 4121 4.1.1 authenticator checksum (type 0x8003) carrying the context flags and the channel
 *   bindings hash;
 * - RFC 4121 4.2.6.1 MIC tokens (TOK_ID 04 04), used for SPNEGO's mechListMIC.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Asn1Error, oid, oidToString, readTlv } from "./asn1.js";
import { ChecksumType, KeyUsage } from "./crypto/enctypes.js";
import type { KerberosKey } from "./crypto/key.js";
import { KerberosError } from "./errors.js";

export const KRB5_OID = "1.2.840.113554.1.2.2";
/** The OID older Windows sends for Kerberos in SPNEGO (MS-KILE 3.1.5.1). */
export const MS_KRB5_OID = "1.2.840.48018.1.2.2";

export const TokId = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
  MIC: 0x0404,
  WRAP: 0x0504,
} as const;

/** GSS context flags (RFC 2744 / RFC 4121 4.1.1.1). */
export const GssFlags = {
  DELEG: 0x01,
  MUTUAL: 0x02,
  REPLAY: 0x04,
  SEQUENCE: 0x08,
  CONF: 0x10,
  INTEG: 0x20,
} as const;

export const DEFAULT_GSS_FLAGS =
  GssFlags.MUTUAL | GssFlags.REPLAY | GssFlags.SEQUENCE | GssFlags.CONF | GssFlags.INTEG;

/** Frames a Kerberos message as an InitialContextToken-style GSS token. */
export function wrapGssToken(tokId: number, body: Uint8Array, mechOid: string = KRB5_OID): Buffer {
  const inner = Buffer.concat([oid(mechOid), Buffer.from([tokId >> 8, tokId & 0xff]), body]);
  const len = inner.length;
  const lenOctets =
    len < 0x80
      ? Buffer.from([len])
      : len < 0x100
        ? Buffer.from([0x81, len])
        : len < 0x10000
          ? Buffer.from([0x82, len >> 8, len & 0xff])
          : Buffer.from([0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([Buffer.from([0x60]), lenOctets, inner]);
}

export interface UnwrappedToken {
  /** The mechanism OID of a framed token (undefined for a raw Kerberos message). */
  oid: string | undefined;
  /** TOK_ID (undefined for a raw Kerberos message). */
  tokId: number | undefined;
  /** The Kerberos message (AP-REP, KRB-ERROR ...). */
  body: Buffer;
}

/** Removes the GSS framing if present (acceptors may also answer with a bare AP-REP or KRB-ERROR). */
export function unwrapGssToken(token: Uint8Array): UnwrappedToken {
  const buf = Buffer.isBuffer(token) ? token : Buffer.from(token.buffer, token.byteOffset, token.length);
  if (buf[0] !== 0x60) return { oid: undefined, tokId: undefined, body: buf };
  const outer = readTlv(buf, 0, buf.length, "GSS token");
  const inner = outer.contents;
  const o = readTlv(inner, 0, inner.length, "GSS token mech");
  if (o.tag !== 0x06) throw new Asn1Error("GSS token", "no mechanism OID");
  if (o.next + 2 > inner.length) throw new Asn1Error("GSS token", "no TOK_ID");
  return {
    oid: oidToString(o.contents, "GSS token mech"),
    tokId: inner.readUInt16BE(o.next),
    body: inner.subarray(o.next + 2),
  };
}

/**
 * MD5 of a gss_channel_bindings_struct with empty addresses and `applicationData` (RFC 4121 4.1.1.2,
 * RFC 5929 "tls-server-end-point" data for SMB over QUIC/TLS); 16 zero bytes when there are no bindings.
 */
export function channelBindingsMd5(applicationData?: Uint8Array): Buffer {
  if (applicationData === undefined) return Buffer.alloc(16);
  const header = Buffer.alloc(20);
  header.writeUInt32LE(applicationData.length, 16);
  return createHash("md5").update(header).update(applicationData).digest();
}

/** The 0x8003 authenticator checksum value: Lgth (16), Bnd, Flags, all little-endian. */
export function gssChecksum(
  flags: number,
  channelBindings?: Uint8Array,
): { cksumtype: number; checksum: Buffer } {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(16, 0);
  channelBindingsMd5(channelBindings).copy(b, 4);
  b.writeUInt32LE(flags >>> 0, 20);
  return { cksumtype: ChecksumType.GSSAPI, checksum: b };
}

/** MIC token flags (RFC 4121 4.2.2). */
export const MicFlags = {
  SENT_BY_ACCEPTOR: 0x01,
  SEALED: 0x02,
  ACCEPTOR_SUBKEY: 0x04,
} as const;

function micHeader(flags: number, seq: bigint): Buffer {
  const h = Buffer.alloc(16, 0xff);
  h[0] = 0x04;
  h[1] = 0x04;
  h[2] = flags;
  h.writeBigUInt64BE(BigInt.asUintN(64, seq), 8);
  return h;
}

/** RFC 4121 4.2.6.1 MIC token for `data`, sent by the initiator with sequence number `seq`. */
export function makeMic(key: KerberosKey, acceptorSubkey: boolean, seq: bigint, data: Uint8Array): Buffer {
  if (key.enctype === 23) {
    throw new KerberosError(
      "KRB5_PROG_ETYPE_NOSUPP",
      "GSS MIC tokens with rc4-hmac (RFC 4757) are not supported",
    );
  }
  const header = micHeader(acceptorSubkey ? MicFlags.ACCEPTOR_SUBKEY : 0, seq);
  const cksum = key.checksum(KeyUsage.GSS_INITIATOR_SIGN, Buffer.concat([data, header]));
  return Buffer.concat([header, cksum]);
}

/** Verifies an acceptor's MIC token over `data`; returns its sequence number or undefined when invalid. */
export function verifyMic(key: KerberosKey, data: Uint8Array, token: Uint8Array): bigint | undefined {
  if (key.enctype === 23 || token.length < 16) return undefined;
  const t = Buffer.from(token);
  if (t[0] !== 0x04 || t[1] !== 0x04) return undefined;
  const flags = t[2]!;
  if ((flags & MicFlags.SENT_BY_ACCEPTOR) === 0) return undefined;
  for (let i = 3; i < 8; i++) if (t[i] !== 0xff) return undefined;
  const header = t.subarray(0, 16);
  const expected = key.checksum(KeyUsage.GSS_ACCEPTOR_SIGN, Buffer.concat([data, header]));
  const got = t.subarray(16);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  return t.readBigUInt64BE(8);
}
