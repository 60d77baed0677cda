/**
 * Kerberos V5 messages (RFC 4120 section 5 ASN.1) that a client sends and receives: AS-REQ / TGS-REQ,
 * AS-REP / TGS-REP and their encrypted parts, KRB-ERROR with METHOD-DATA / ETYPE-INFO2, AP-REQ with its
 * Authenticator, AP-REP with EncAPRepPart, and the pre-authentication data PA-ENC-TIMESTAMP and
 * PA-PAC-REQUEST. Decoders skip fields they do not know (extensions) and keep the raw DER of tickets,
 * which must be forwarded byte for byte.
 */
import {
  app,
  appTag,
  bool,
  ctx,
  DerReader,
  decodeValue,
  flags32,
  int,
  kstring,
  ktime,
  octets,
  seq,
  Tag,
  type Value,
} from "./asn1.js";
import { KerberosError } from "./errors.js";

export const PVNO = 5;

/** Message types (RFC 4120 7.5.7) = their APPLICATION tag numbers. */
export const MsgType = {
  TICKET: 1,
  AUTHENTICATOR: 2,
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  ENC_AS_REP_PART: 25,
  ENC_TGS_REP_PART: 26,
  ENC_AP_REP_PART: 27,
  KRB_ERROR: 30,
} as const;

/** Principal name types (RFC 4120 6.2). */
export const NameType = {
  UNKNOWN: 0,
  PRINCIPAL: 1,
  SRV_INST: 2,
  SRV_HST: 3,
  ENTERPRISE: 10,
} as const;

/** PA-DATA types. */
export const PaType = {
  TGS_REQ: 1,
  ENC_TIMESTAMP: 2,
  PW_SALT: 3,
  ETYPE_INFO: 11,
  ETYPE_INFO2: 19,
  PAC_REQUEST: 128,
  FX_COOKIE: 133,
  FX_FAST: 136,
  ENCRYPTED_CHALLENGE: 138,
  REQ_ENC_PA_REP: 149,
} as const;

/** KDCOptions bits (RFC 4120 5.4.1), as 32-bit words with bit 0 = 0x80000000. */
export const KdcOptions = {
  FORWARDABLE: 0x40000000,
  FORWARDED: 0x20000000,
  PROXIABLE: 0x10000000,
  RENEWABLE: 0x00800000,
  CANONICALIZE: 0x00010000,
  RENEWABLE_OK: 0x00000010,
  ENC_TKT_IN_SKEY: 0x00000008,
  RENEW: 0x00000002,
} as const;

/** TicketFlags bits. */
export const TicketFlags = {
  FORWARDABLE: 0x40000000,
  FORWARDED: 0x20000000,
  PROXIABLE: 0x10000000,
  RENEWABLE: 0x00800000,
  INITIAL: 0x00400000,
  PRE_AUTHENT: 0x00200000,
  OK_AS_DELEGATE: 0x00040000,
  ENC_PA_REP: 0x00010000,
} as const;

/** APOptions bits. */
export const ApOptions = {
  USE_SESSION_KEY: 0x40000000,
  MUTUAL_REQUIRED: 0x20000000,
} as const;

export interface PrincipalName {
  nameType: number;
  names: string[];
}

export interface EncryptedData {
  etype: number;
  kvno?: number;
  cipher: Buffer;
}

export interface EncryptionKeyData {
  keytype: number;
  keyvalue: Buffer;
}

export interface Checksum {
  cksumtype: number;
  checksum: Buffer;
}

export interface PaData {
  type: number;
  value: Buffer;
}

export interface Ticket {
  realm: string;
  sname: PrincipalName;
  encPart: EncryptedData;
  /** The whole Ticket DER ([APPLICATION 1] ...), forwarded unchanged in AP-REQs and ccaches. */
  raw: Buffer;
}

const badMsg = (what: string, reason: string): KerberosError =>
  new KerberosError("KRB5_BAD_MSG", `${what}: ${reason}`);

/** "a/b@REALM" for messages. */
export function principalToString(p: PrincipalName, realm?: string): string {
  const name = p.names.map((n) => n.replace(/[\\/@]/g, (c) => `\\${c}`)).join("/");
  return realm === undefined ? name : `${name}@${realm}`;
}

/** Reader over the SEQUENCE inside [APPLICATION n] (which must hold exactly that SEQUENCE). */
function appSequence(v: Value, n: number, what: string): DerReader {
  const outer = v.reader(appTag(n), what);
  const inner = outer.any(what);
  if (inner.tag !== Tag.SEQUENCE) throw badMsg(what, "not a SEQUENCE");
  outer.done();
  return new DerReader(inner.contents, what);
}

// -------------------------------------------------------------------------------------------------------
// Common types
// -------------------------------------------------------------------------------------------------------

export function encodePrincipalName(p: PrincipalName): Buffer {
  return seq(ctx(0, int(p.nameType)), ctx(1, seq(...p.names.map(kstring))));
}

export function decodePrincipalName(v: Value): PrincipalName {
  const r = v.reader();
  const nameType = r.field(0, "name-type").int();
  const names = r
    .field(1, "name-string")
    .sequenceOf()
    .map((s) => s.string());
  return { nameType, names };
}

export function encodeEncryptedData(e: EncryptedData): Buffer {
  return seq(
    ctx(0, int(e.etype)),
    ctx(1, e.kvno === undefined ? undefined : int(e.kvno)),
    ctx(2, octets(e.cipher)),
  );
}

export function decodeEncryptedData(v: Value): EncryptedData {
  const r = v.reader();
  const etype = r.field(0, "etype").int();
  const kvno = r.optional(1, "kvno")?.int();
  const cipher = r.field(2, "cipher").octets();
  return kvno === undefined ? { etype, cipher } : { etype, kvno: kvno >>> 0, cipher };
}

export function encodeEncryptionKey(k: EncryptionKeyData): Buffer {
  return seq(ctx(0, int(k.keytype)), ctx(1, octets(k.keyvalue)));
}

export function decodeEncryptionKey(v: Value): EncryptionKeyData {
  const r = v.reader();
  return { keytype: r.field(0, "keytype").int(), keyvalue: Buffer.from(r.field(1, "keyvalue").octets()) };
}

export function encodeChecksum(c: Checksum): Buffer {
  return seq(ctx(0, int(c.cksumtype)), ctx(1, octets(c.checksum)));
}

export function encodePaData(p: PaData): Buffer {
  return seq(ctx(1, int(p.type)), ctx(2, octets(p.value)));
}

export function decodePaData(v: Value): PaData {
  const r = v.reader();
  return { type: r.field(1, "padata-type").int(), value: r.field(2, "padata-value").octets() };
}

/** METHOD-DATA ::= SEQUENCE OF PA-DATA (KRB-ERROR e-data for KDC_ERR_PREAUTH_REQUIRED). */
export function decodeMethodData(data: Uint8Array): PaData[] {
  return decodeValue(data, "METHOD-DATA").sequenceOf().map(decodePaData);
}

export function decodeTicket(v: Value): Ticket {
  const r = appSequence(v, MsgType.TICKET, "Ticket");
  const vno = r.field(0, "tkt-vno").int();
  if (vno !== PVNO) throw badMsg("Ticket", `tkt-vno ${vno}`);
  const realm = r.field(1, "realm").string();
  const sname = decodePrincipalName(r.field(2, "sname"));
  const encPart = decodeEncryptedData(r.field(3, "enc-part"));
  return { realm, sname, encPart, raw: Buffer.from(v.raw) };
}

export function decodeTicketBytes(data: Uint8Array): Ticket {
  return decodeTicket(decodeValue(data, "Ticket"));
}

// -------------------------------------------------------------------------------------------------------
// Pre-authentication
// -------------------------------------------------------------------------------------------------------

/** PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL } */
export function encodePaEncTsEnc(time: Date, usec: number): Buffer {
  return seq(ctx(0, ktime(time)), ctx(1, int(usec)));
}

/** KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN } (MS-KILE 2.2.3) */
export function encodePaPacRequest(includePac: boolean): Buffer {
  return seq(ctx(0, bool(includePac)));
}

export interface EtypeInfo2Entry {
  etype: number;
  /** The salt's bytes (a KerberosString; kept raw so non-UTF-8 salts survive). */
  salt?: Buffer;
  s2kparams?: Buffer;
}

/** ETYPE-INFO2 (PA 19). */
export function decodeEtypeInfo2(data: Uint8Array): EtypeInfo2Entry[] {
  return decodeValue(data, "ETYPE-INFO2")
    .sequenceOf()
    .map((e) => {
      const r = e.reader();
      const entry: EtypeInfo2Entry = { etype: r.field(0, "etype").int() };
      const salt = r.optional(1, "salt");
      if (salt) entry.salt = Buffer.from(salt.tlv.contents);
      const params = r.optional(2, "s2kparams");
      if (params) entry.s2kparams = Buffer.from(params.octets());
      return entry;
    });
}

/** ETYPE-INFO (PA 11, older KDCs): { etype [0], salt [1] OCTET STRING OPTIONAL }. */
export function decodeEtypeInfo(data: Uint8Array): EtypeInfo2Entry[] {
  return decodeValue(data, "ETYPE-INFO")
    .sequenceOf()
    .map((e) => {
      const r = e.reader();
      const entry: EtypeInfo2Entry = { etype: r.field(0, "etype").int() };
      const salt = r.optional(1, "salt");
      if (salt) entry.salt = Buffer.from(salt.octets());
      return entry;
    });
}

// -------------------------------------------------------------------------------------------------------
// KDC-REQ
// -------------------------------------------------------------------------------------------------------

export interface KdcReqBody {
  options: number;
  cname?: PrincipalName;
  realm: string;
  sname?: PrincipalName;
  from?: Date;
  till: Date;
  rtime?: Date;
  nonce: number;
  etypes: readonly number[];
  additionalTickets?: Ticket[];
}

export function encodeKdcReqBody(b: KdcReqBody): Buffer {
  return seq(
    ctx(0, flags32(b.options)),
    ctx(1, b.cname && encodePrincipalName(b.cname)),
    ctx(2, kstring(b.realm)),
    ctx(3, b.sname && encodePrincipalName(b.sname)),
    ctx(4, b.from && ktime(b.from)),
    ctx(5, ktime(b.till)),
    ctx(6, b.rtime && ktime(b.rtime)),
    ctx(7, int(b.nonce >>> 0)),
    ctx(8, seq(...b.etypes.map(int))),
    ctx(11, b.additionalTickets?.length ? seq(...b.additionalTickets.map((t) => t.raw)) : undefined),
  );
}

/** AS-REQ ([APPLICATION 10]) or TGS-REQ ([APPLICATION 12]); `body` is the encoded KDC-REQ-BODY. */
export function encodeKdcReq(msgType: 10 | 12, padata: PaData[], body: Buffer): Buffer {
  return app(
    msgType,
    seq(
      ctx(1, int(PVNO)),
      ctx(2, int(msgType)),
      ctx(3, padata.length ? seq(...padata.map(encodePaData)) : undefined),
      ctx(4, body),
    ),
  );
}

// -------------------------------------------------------------------------------------------------------
// KDC-REP and KRB-ERROR
// -------------------------------------------------------------------------------------------------------

export interface KdcRep {
  msgType: 11 | 13;
  padata: PaData[];
  crealm: string;
  cname: PrincipalName;
  ticket: Ticket;
  encPart: EncryptedData;
}

export interface KrbErrorMessage {
  ctime?: Date;
  cusec?: number;
  stime: Date;
  susec: number;
  errorCode: number;
  crealm?: string;
  cname?: PrincipalName;
  realm: string;
  sname: PrincipalName;
  eText?: string;
  eData?: Buffer;
}

function decodeKdcRep(v: Value, msgType: 11 | 13): KdcRep {
  const what = msgType === 11 ? "AS-REP" : "TGS-REP";
  const rr = appSequence(v, msgType, what);
  if (rr.field(0, "pvno").int() !== PVNO) throw badMsg(what, "pvno is not 5");
  const mt = rr.field(1, "msg-type").int();
  if (mt !== msgType) throw badMsg(what, `msg-type ${mt}`);
  const padata = rr.optional(2, "padata")?.sequenceOf().map(decodePaData) ?? [];
  const crealm = rr.field(3, "crealm").string();
  const cname = decodePrincipalName(rr.field(4, "cname"));
  const ticket = decodeTicket(rr.field(5, "ticket"));
  const encPart = decodeEncryptedData(rr.field(6, "enc-part"));
  return { msgType, padata, crealm, cname, ticket, encPart };
}

export function decodeKrbError(v: Value): KrbErrorMessage {
  const rr = appSequence(v, MsgType.KRB_ERROR, "KRB-ERROR");
  rr.field(0, "pvno");
  rr.field(1, "msg-type");
  const e: KrbErrorMessage = {
    ctime: rr.optional(2, "ctime")?.time(),
    cusec: rr.optional(3, "cusec")?.int(),
    stime: rr.field(4, "stime").time(),
    susec: rr.field(5, "susec").int(),
    errorCode: rr.field(6, "error-code").int(),
    crealm: rr.optional(7, "crealm")?.string(),
    cname: (() => {
      const c = rr.optional(8, "cname");
      return c && decodePrincipalName(c);
    })(),
    realm: rr.field(9, "realm").string(),
    sname: decodePrincipalName(rr.field(10, "sname")),
    eText: rr.optional(11, "e-text")?.string(),
    eData: (() => {
      const d = rr.optional(12, "e-data");
      return d && Buffer.from(d.octets());
    })(),
  };
  return e;
}

export type KdcReply = { kind: "rep"; rep: KdcRep } | { kind: "error"; error: KrbErrorMessage };

/** Decodes what a KDC answered: an AS-REP / TGS-REP (as expected) or a KRB-ERROR. */
export function decodeKdcReply(data: Uint8Array, expect: 11 | 13): KdcReply {
  const v = decodeValue(data, "KDC reply");
  if (v.tlv.tag === appTag(MsgType.KRB_ERROR)) return { kind: "error", error: decodeKrbError(v) };
  if (v.tlv.tag === appTag(expect)) return { kind: "rep", rep: decodeKdcRep(v, expect) };
  throw badMsg("KDC reply", `unexpected message tag 0x${v.tlv.tag.toString(16)}`);
}

export interface EncKdcRepPart {
  key: EncryptionKeyData;
  nonce: number;
  keyExpiration?: Date;
  flags: number;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  srealm: string;
  sname: PrincipalName;
}

/** EncASRepPart ([APPLICATION 25]) or EncTGSRepPart ([APPLICATION 26]); either tag is accepted for both (as MIT does). */
export function decodeEncKdcRepPart(data: Uint8Array): EncKdcRepPart {
  const v = decodeValue(data, "EncKDCRepPart");
  const tag = v.tlv.tag;
  if (tag !== appTag(MsgType.ENC_AS_REP_PART) && tag !== appTag(MsgType.ENC_TGS_REP_PART)) {
    throw badMsg("EncKDCRepPart", `unexpected tag 0x${tag.toString(16)}`);
  }
  const r = appSequence(v, tag & 0x1f, "EncKDCRepPart");
  const key = decodeEncryptionKey(r.field(0, "key"));
  r.field(1, "last-req");
  const nonce = r.field(2, "nonce").int() >>> 0;
  const keyExpiration = r.optional(3, "key-expiration")?.time();
  const flags = r.field(4, "flags").flags();
  const authtime = r.field(5, "authtime").time();
  const starttime = r.optional(6, "starttime")?.time();
  const endtime = r.field(7, "endtime").time();
  const renewTill = r.optional(8, "renew-till")?.time();
  const srealm = r.field(9, "srealm").string();
  const sname = decodePrincipalName(r.field(10, "sname"));
  r.skipRest(); // caddr, encrypted-pa-data
  return { key, nonce, keyExpiration, flags, authtime, starttime, endtime, renewTill, srealm, sname };
}

// -------------------------------------------------------------------------------------------------------
// AP-REQ / AP-REP
// -------------------------------------------------------------------------------------------------------

export interface AuthenticatorInput {
  crealm: string;
  cname: PrincipalName;
  cksum?: Checksum;
  cusec: number;
  ctime: Date;
  subkey?: EncryptionKeyData;
  seqNumber?: number;
}

export function encodeAuthenticator(a: AuthenticatorInput): Buffer {
  return app(
    MsgType.AUTHENTICATOR,
    seq(
      ctx(0, int(PVNO)),
      ctx(1, kstring(a.crealm)),
      ctx(2, encodePrincipalName(a.cname)),
      ctx(3, a.cksum && encodeChecksum(a.cksum)),
      ctx(4, int(a.cusec)),
      ctx(5, ktime(a.ctime)),
      ctx(6, a.subkey && encodeEncryptionKey(a.subkey)),
      ctx(7, a.seqNumber === undefined ? undefined : int(a.seqNumber >>> 0)),
    ),
  );
}

export function encodeApReq(
  apOptions: number,
  ticket: Ticket | Buffer,
  authenticator: EncryptedData,
): Buffer {
  return app(
    MsgType.AP_REQ,
    seq(
      ctx(0, int(PVNO)),
      ctx(1, int(MsgType.AP_REQ)),
      ctx(2, flags32(apOptions)),
      ctx(3, Buffer.isBuffer(ticket) ? ticket : ticket.raw),
      ctx(4, encodeEncryptedData(authenticator)),
    ),
  );
}

/** AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0], msg-type [1], enc-part [2] EncryptedData } */
export function decodeApRep(data: Uint8Array): EncryptedData {
  const s = appSequence(decodeValue(data, "AP-REP"), MsgType.AP_REP, "AP-REP");
  if (s.field(0, "pvno").int() !== PVNO) throw badMsg("AP-REP", "pvno is not 5");
  const mt = s.field(1, "msg-type").int();
  if (mt !== MsgType.AP_REP) throw badMsg("AP-REP", `msg-type ${mt}`);
  return decodeEncryptedData(s.field(2, "enc-part"));
}

export interface EncApRepPart {
  ctime: Date;
  cusec: number;
  subkey?: EncryptionKeyData;
  seqNumber?: number;
}

export function decodeEncApRepPart(data: Uint8Array): EncApRepPart {
  const s = appSequence(decodeValue(data, "EncAPRepPart"), MsgType.ENC_AP_REP_PART, "EncAPRepPart");
  const ctime = s.field(0, "ctime").time();
  const cusec = s.field(1, "cusec").int();
  const sk = s.optional(2, "subkey");
  const seqNumber = s.optional(3, "seq-number")?.int();
  return {
    ctime,
    cusec,
    subkey: sk && decodeEncryptionKey(sk),
    seqNumber: seqNumber === undefined ? undefined : seqNumber >>> 0,
  };
}

/** Encoders used by tests (and by anyone faking a KDC or acceptor). */
export function encodeEncApRepPart(p: EncApRepPart): Buffer {
  return app(
    MsgType.ENC_AP_REP_PART,
    seq(
      ctx(0, ktime(p.ctime)),
      ctx(1, int(p.cusec)),
      ctx(2, p.subkey && encodeEncryptionKey(p.subkey)),
      ctx(3, p.seqNumber === undefined ? undefined : int(p.seqNumber >>> 0)),
    ),
  );
}

export function encodeApRep(encPart: EncryptedData): Buffer {
  return app(
    MsgType.AP_REP,
    seq(ctx(0, int(PVNO)), ctx(1, int(MsgType.AP_REP)), ctx(2, encodeEncryptedData(encPart))),
  );
}

export function encodeKrbError(e: KrbErrorMessage): Buffer {
  return app(
    MsgType.KRB_ERROR,
    seq(
      ctx(0, int(PVNO)),
      ctx(1, int(MsgType.KRB_ERROR)),
      ctx(2, e.ctime && ktime(e.ctime)),
      ctx(3, e.cusec === undefined ? undefined : int(e.cusec)),
      ctx(4, ktime(e.stime)),
      ctx(5, int(e.susec)),
      ctx(6, int(e.errorCode)),
      ctx(7, e.crealm === undefined ? undefined : kstring(e.crealm)),
      ctx(8, e.cname && encodePrincipalName(e.cname)),
      ctx(9, kstring(e.realm)),
      ctx(10, encodePrincipalName(e.sname)),
      ctx(11, e.eText === undefined ? undefined : kstring(e.eText)),
      ctx(12, e.eData && octets(e.eData)),
    ),
  );
}

export function encodeTicket(t: Omit<Ticket, "raw">): Buffer {
  return app(
    MsgType.TICKET,
    seq(
      ctx(0, int(PVNO)),
      ctx(1, kstring(t.realm)),
      ctx(2, encodePrincipalName(t.sname)),
      ctx(3, encodeEncryptedData(t.encPart)),
    ),
  );
}

export interface ApReq {
  apOptions: number;
  ticket: Ticket;
  authenticator: EncryptedData;
}

/** AP-REQ decoder (for acceptors and tests). */
export function decodeApReq(data: Uint8Array): ApReq {
  const s = appSequence(decodeValue(data, "AP-REQ"), MsgType.AP_REQ, "AP-REQ");
  if (s.field(0, "pvno").int() !== PVNO) throw badMsg("AP-REQ", "pvno is not 5");
  const mt = s.field(1, "msg-type").int();
  if (mt !== MsgType.AP_REQ) throw badMsg("AP-REQ", `msg-type ${mt}`);
  const apOptions = s.field(2, "ap-options").flags();
  const ticket = decodeTicket(s.field(3, "ticket"));
  const authenticator = decodeEncryptedData(s.field(4, "authenticator"));
  return { apOptions, ticket, authenticator };
}

/** Authenticator decoder (for acceptors and tests). */
export function decodeAuthenticator(data: Uint8Array): AuthenticatorInput {
  const s = appSequence(decodeValue(data, "Authenticator"), MsgType.AUTHENTICATOR, "Authenticator");
  if (s.field(0, "authenticator-vno").int() !== PVNO)
    throw badMsg("Authenticator", "authenticator-vno is not 5");
  const crealm = s.field(1, "crealm").string();
  const cname = decodePrincipalName(s.field(2, "cname"));
  const ck = s.optional(3, "cksum");
  let cksum: Checksum | undefined;
  if (ck) {
    const r = ck.reader();
    cksum = {
      cksumtype: r.field(0, "cksumtype").int(),
      checksum: Buffer.from(r.field(1, "checksum").octets()),
    };
  }
  const cusec = s.field(4, "cusec").int();
  const ctime = s.field(5, "ctime").time();
  const sk = s.optional(6, "subkey");
  const seqNumber = s.optional(7, "seq-number")?.int();
  s.skipRest();
  return {
    crealm,
    cname,
    cksum,
    cusec,
    ctime,
    subkey: sk && decodeEncryptionKey(sk),
    seqNumber: seqNumber === undefined ? undefined : seqNumber >>> 0,
  };
}
