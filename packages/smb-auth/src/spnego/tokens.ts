/**
 * SPNEGO tokens (RFC 4178 4.2, MS-SPNG 2.2): NegTokenInit (and the server's NegTokenInit2 with negHints)
 * inside the GSS-API InitialContextToken framing, and NegTokenResp.
 *
 *   NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }
 *   NegTokenInit  ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1] ContextFlags OPTIONAL,
 *                                mechToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 *   NegTokenInit2 ::= SEQUENCE { mechTypes [0], reqFlags [1] OPTIONAL, mechToken [2] OPTIONAL,
 *                                negHints [3] NegHints OPTIONAL, mechListMIC [4] OPTIONAL }   (MS-SPNG 2.2.1)
 *   NegTokenResp  ::= SEQUENCE { negState [0] ENUMERATED OPTIONAL, supportedMech [1] MechType OPTIONAL,
 *                                responseToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 */
import {
  bitString,
  contextTag,
  DerError,
  decodeBitString,
  decodeOid,
  decodeSmallInteger,
  enumerated,
  expectTag,
  explicit,
  oid,
  octetString,
  readChildren,
  readTlv,
  readWhole,
  sequence,
  type Tlv,
  Tag,
  tlv,
} from "../der.js";
import { Oid } from "../oids.js";

/** negState values (RFC 4178 4.2.2). */
export const NegState = {
  ACCEPT_COMPLETED: 0,
  ACCEPT_INCOMPLETE: 1,
  REJECT: 2,
  REQUEST_MIC: 3,
} as const;
export type NegState = (typeof NegState)[keyof typeof NegState];

/** ContextFlags bit numbers (RFC 4178 4.2.1). */
export const ContextFlag = {
  DELEG: 0,
  MUTUAL: 1,
  REPLAY: 2,
  SEQUENCE: 3,
  ANON: 4,
  CONF: 5,
  INTEG: 6,
} as const;

export interface NegHints {
  hintName?: string;
  hintAddress?: Buffer;
}

export interface NegTokenInit {
  readonly kind: "init";
  readonly mechTypes: string[];
  /** The MechTypeList DER exactly as it was on the wire (what mechListMIC covers). */
  readonly mechTypesDer: Buffer;
  readonly reqFlags?: number[];
  readonly mechToken?: Buffer;
  /** MS-SPNG NegTokenInit2 hints (servers send "not_defined_in_RFC4178@please_ignore"). */
  readonly negHints?: NegHints;
  readonly mechListMIC?: Buffer;
}

export interface NegTokenResp {
  readonly kind: "resp";
  readonly negState?: number;
  readonly supportedMech?: string;
  readonly responseToken?: Buffer;
  readonly mechListMIC?: Buffer;
}

export type NegotiationToken = NegTokenInit | NegTokenResp;

/** MechTypeList ::= SEQUENCE OF MechType. Its DER is also the input to the mechListMIC. */
export function encodeMechTypeList(mechTypes: readonly string[]): Buffer {
  return sequence(...mechTypes.map(oid));
}

export interface NegTokenInitInput {
  mechTypes: readonly string[];
  reqFlags?: readonly number[];
  mechToken?: Uint8Array;
  mechListMIC?: Uint8Array;
}

/** A client NegTokenInit wrapped in the GSS-API InitialContextToken (0x60, SPNEGO OID). */
export function encodeNegTokenInit(input: NegTokenInitInput): Buffer {
  const fields: Buffer[] = [explicit(0, encodeMechTypeList(input.mechTypes))];
  if (input.reqFlags) fields.push(explicit(1, bitString([...input.reqFlags])));
  if (input.mechToken) fields.push(explicit(2, octetString(input.mechToken)));
  if (input.mechListMIC) fields.push(explicit(3, octetString(input.mechListMIC)));
  return tlv(Tag.APPLICATION_0, oid(Oid.SPNEGO), explicit(0, sequence(...fields)));
}

export interface NegTokenRespInput {
  negState?: number;
  supportedMech?: string;
  responseToken?: Uint8Array;
  mechListMIC?: Uint8Array;
}

/** A NegTokenResp ([1] SEQUENCE; never wrapped in the GSS framing). */
export function encodeNegTokenResp(input: NegTokenRespInput): Buffer {
  const fields: Buffer[] = [];
  if (input.negState !== undefined) fields.push(explicit(0, enumerated(input.negState)));
  if (input.supportedMech !== undefined) fields.push(explicit(1, oid(input.supportedMech)));
  if (input.responseToken) fields.push(explicit(2, octetString(input.responseToken)));
  if (input.mechListMIC) fields.push(explicit(3, octetString(input.mechListMIC)));
  return explicit(1, sequence(...fields));
}

/**
 * Decodes a SPNEGO token: a GSS InitialContextToken carrying a NegTokenInit (or NegTokenInit2), or a bare
 * NegTokenInit / NegTokenResp. Throws {@link DerError} (ERR_SMB_AUTH_BAD_TOKEN) on anything else.
 */
export function decodeNegotiationToken(token: Uint8Array): NegotiationToken {
  const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  if (buf.length === 0) throw new DerError("SPNEGO token", "empty");
  const first = buf[0]!;
  if (first === Tag.APPLICATION_0) {
    const outer = readWhole(buf, Tag.APPLICATION_0, "InitialContextToken");
    const mech = readTlv(outer.value, 0, outer.value.length, "InitialContextToken.thisMech");
    const thisMech = decodeOid(mech, "InitialContextToken.thisMech");
    if (thisMech !== Oid.SPNEGO) {
      throw new DerError("InitialContextToken", `mechanism ${thisMech} is not SPNEGO`);
    }
    const inner = outer.value.subarray(mech.end);
    const choice = readWhole(inner, contextTag(0), "NegotiationToken");
    return decodeInit(choice);
  }
  if (first === contextTag(0)) return decodeInit(readWhole(buf, contextTag(0), "NegotiationToken"));
  if (first === contextTag(1)) return decodeResp(readWhole(buf, contextTag(1), "NegotiationToken"));
  throw new DerError("SPNEGO token", `unexpected tag 0x${first.toString(16).padStart(2, "0")}`);
}

/** The single TLV inside an explicit [n] wrapper. */
function unwrapExplicit(t: Tlv, where: string): Tlv {
  const inner = readTlv(t.value, 0, t.value.length, where);
  if (inner.end !== t.value.length) throw new DerError(where, "trailing bytes in explicit tag");
  return inner;
}

/** Context-tagged fields of a SEQUENCE, in strictly increasing tag order. */
function taggedFields(seq: Tlv, where: string): Map<number, Tlv> {
  const out = new Map<number, Tlv>();
  let last = -1;
  for (const child of readChildren(seq, where)) {
    if ((child.tag & 0xe0) !== 0xa0) {
      throw new DerError(where, `unexpected tag 0x${child.tag.toString(16)} (expected [n] fields)`);
    }
    const n = child.tag & 0x1f;
    if (n <= last) throw new DerError(where, `field [${n}] out of order or repeated`);
    last = n;
    out.set(n, unwrapExplicit(child, `${where}[${n}]`));
  }
  return out;
}

function octets(t: Tlv, where: string): Buffer {
  expectTag(t, Tag.OCTET_STRING, where);
  return Buffer.from(t.value);
}

function decodeInit(choice: Tlv): NegTokenInit {
  const where = "NegTokenInit";
  const seq = unwrapExplicit(choice, where);
  expectTag(seq, Tag.SEQUENCE, where);
  const f = taggedFields(seq, where);
  const mt = f.get(0);
  if (!mt) throw new DerError(where, "missing mechTypes");
  expectTag(mt, Tag.SEQUENCE, `${where}.mechTypes`);
  const mechTypes = readChildren(mt, `${where}.mechTypes`).map((t) => decodeOid(t, `${where}.mechTypes`));
  let reqFlags: number[] | undefined;
  let mechToken: Buffer | undefined;
  let negHints: NegHints | undefined;
  let mechListMIC: Buffer | undefined;
  const rf = f.get(1);
  if (rf) {
    expectTag(rf, Tag.BIT_STRING, `${where}.reqFlags`);
    reqFlags = decodeBitString(rf, `${where}.reqFlags`);
  }
  const tok = f.get(2);
  if (tok) mechToken = octets(tok, `${where}.mechToken`);
  const f3 = f.get(3);
  if (f3) {
    // RFC 4178 puts mechListMIC at [3]; MS-SPNG's NegTokenInit2 puts negHints there and the MIC at [4].
    if (f3.tag === Tag.SEQUENCE) negHints = decodeNegHints(f3);
    else mechListMIC = octets(f3, `${where}.mechListMIC`);
  }
  const f4 = f.get(4);
  if (f4) {
    if (mechListMIC) throw new DerError(where, "two mechListMIC fields");
    mechListMIC = octets(f4, `${where}.mechListMIC`);
  }
  return {
    kind: "init",
    mechTypes,
    mechTypesDer: Buffer.from(mt.raw),
    ...(reqFlags && { reqFlags }),
    ...(mechToken && { mechToken }),
    ...(negHints && { negHints }),
    ...(mechListMIC && { mechListMIC }),
  };
}

/** NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL, hintAddress [1] OCTET STRING OPTIONAL } */
function decodeNegHints(seq: Tlv): NegHints {
  const where = "NegHints";
  const f = taggedFields(seq, where);
  const out: NegHints = {};
  const name = f.get(0);
  if (name) {
    if (name.tag !== Tag.GENERAL_STRING && name.tag !== Tag.UTF8_STRING) {
      throw new DerError(`${where}.hintName`, `unexpected tag 0x${name.tag.toString(16)}`);
    }
    out.hintName = name.value.toString("latin1");
  }
  const addr = f.get(1);
  if (addr) out.hintAddress = octets(addr, `${where}.hintAddress`);
  return out;
}

function decodeResp(choice: Tlv): NegTokenResp {
  const where = "NegTokenResp";
  const seq = unwrapExplicit(choice, where);
  expectTag(seq, Tag.SEQUENCE, where);
  const f = taggedFields(seq, where);
  let negState: number | undefined;
  const ns = f.get(0);
  if (ns) {
    expectTag(ns, Tag.ENUMERATED, `${where}.negState`);
    negState = decodeSmallInteger(ns, `${where}.negState`);
  }
  const sm = f.get(1);
  const supportedMech = sm ? decodeOid(sm, `${where}.supportedMech`) : undefined;
  const rt = f.get(2);
  const responseToken = rt ? octets(rt, `${where}.responseToken`) : undefined;
  const mic = f.get(3);
  const mechListMIC = mic ? octets(mic, `${where}.mechListMIC`) : undefined;
  return {
    kind: "resp",
    ...(negState !== undefined && { negState }),
    ...(supportedMech !== undefined && { supportedMech }),
    ...(responseToken && { responseToken }),
    ...(mechListMIC && { mechListMIC }),
  };
}
