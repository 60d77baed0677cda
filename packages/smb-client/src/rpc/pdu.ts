/**
 * Connection-oriented DCE/RPC PDUs (C706 "DCE 1.1: Remote Procedure Call" chapter 12.6, with the MS-RPCE
 * 2.2.2 extensions) as declared struct layouts: common header, BIND, BIND_ACK, BIND_NAK, ALTER_CONTEXT(_RESP),
 * REQUEST, RESPONSE, FAULT. Only NDR little-endian / ASCII / IEEE data representation is spoken; no
 * authentication verifiers are sent (the SMB session signs or encrypts the pipe), those received are
 * skipped.
 */
import {
  constant,
  countOf,
  type Decoded,
  type FixedCodec,
  type Fields,
  guid,
  type Input,
  latin1,
  lengthOf,
  mapVar,
  reserved,
  SmbDecodeError,
  SmbEncodeError,
  type Struct,
  sizeFrom,
  struct,
  u8,
  u16,
  u32,
  varArray,
  varBytes,
  varStruct,
  withDefault,
} from "smb-structures";
import { faultName, hex32, RpcError } from "./errors.js";

/** PTYPE values (C706 12.6.3.1 / 12.6.4). */
export const PType = {
  REQUEST: 0,
  RESPONSE: 2,
  FAULT: 3,
  BIND: 11,
  BIND_ACK: 12,
  BIND_NAK: 13,
  ALTER_CONTEXT: 14,
  ALTER_CONTEXT_RESP: 15,
  SHUTDOWN: 17,
  CO_CANCEL: 18,
  ORPHANED: 19,
} as const;

/** pfc_flags (C706 12.6.3.1; MS-RPCE 2.2.2.3: 0x04 on BIND is PFC_SUPPORT_HEADER_SIGN). */
export const PfcFlags = {
  FIRST_FRAG: 0x01,
  LAST_FRAG: 0x02,
  PENDING_CANCEL: 0x04,
  CONC_MPX: 0x10,
  DID_NOT_EXECUTE: 0x20,
  MAYBE: 0x40,
  OBJECT_UUID: 0x80,
} as const;

/** packed_drep: little-endian integers, ASCII characters, IEEE floats (C706 14.1, NDR). */
export const DREP_LE_ASCII_IEEE = 0x00000010;
/** Common header size (C706 12.6.3.1). */
export const HEADER_SIZE = 16;
/** REQUEST header: common header + alloc_hint, p_cont_id, opnum. */
export const REQUEST_HEADER_SIZE = 24;
/** Our max_xmit_frag / max_recv_frag (Windows' and Samba's default). */
export const DEFAULT_MAX_FRAG = 4280;
/** C706 12.6.3.1: every implementation must accept fragments of this size. */
export const MUST_RECV_FRAG_SIZE = 1432;

/** p_syntax_id_t (C706 12.6.3.1): an interface or transfer syntax UUID with its version. */
export interface SyntaxId {
  uuid: string;
  version: number;
  versionMinor: number;
}

/** if_version is one u32: major in the low 16 bits, minor in the high ones (so major u16, minor u16 LE). */
export const syntaxId: FixedCodec<SyntaxId> = {
  kind: "fixed",
  size: 20,
  read: (b, o) => ({
    uuid: guid.read(b, o),
    version: b.readUInt16LE(o + 16),
    versionMinor: b.readUInt16LE(o + 18),
  }),
  write: (b, o, v) => {
    guid.write(b, o, v.uuid);
    b.writeUInt16LE(v.version, o + 16);
    b.writeUInt16LE(v.versionMinor, o + 18);
  },
  check: (v) =>
    guid.check?.(v.uuid) ??
    (isU16(v.version) && isU16(v.versionMinor) ? undefined : `bad version ${v.version}.${v.versionMinor}`),
};

function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

/** NDR 2.0 transfer syntax (C706 14). */
export const NDR_SYNTAX: SyntaxId = {
  uuid: "8a885d04-1ceb-11c9-9fe8-08002b104860",
  version: 2,
  versionMinor: 0,
};
/** NDR64 (MS-RPCE 2.2.5): recognised in results, never offered. */
export const NDR64_SYNTAX: SyntaxId = {
  uuid: "71710533-beba-4937-8319-b5dbef9ccc36",
  version: 1,
  versionMinor: 0,
};

/** Common header fields (C706 12.6.3.1) with this PDU's type; frag_length is derived. */
function header<P extends number>(ptype: P) {
  return {
    rpcVers: constant(u8, 5),
    rpcVersMinor: withDefault(u8, 0),
    ptype: constant(u8, ptype),
    pfcFlags: withDefault(u8, PfcFlags.FIRST_FRAG | PfcFlags.LAST_FRAG),
    drep: constant(u32, DREP_LE_ASCII_IEEE),
    fragLength: sizeFrom(u16, "rpcVers"),
    authLength: withDefault(u16, 0),
    callId: u32,
  };
}

function pdu<F extends Fields>(name: string, spec: string, fields: F) {
  return struct(name, fields, { offsetsFrom: "self", spec });
}

/** The common header alone, every field visible (for dispatching on ptype and framing). */
export const CommonHeader = struct(
  "PDU header",
  {
    rpcVers: u8,
    rpcVersMinor: u8,
    ptype: u8,
    pfcFlags: u8,
    drep: u32,
    fragLength: u16,
    authLength: u16,
    callId: u32,
  },
  { offsetsFrom: "self", spec: "C706 12.6.3.1" },
);
export type CommonHeader = Decoded<(typeof CommonHeader)["fields"]>;

/** p_cont_elem_t (C706 12.6.3.1): a presentation context offered in BIND / ALTER_CONTEXT. */
export const ContextElement = struct(
  "p_cont_elem_t",
  {
    contextId: u16,
    nTransferSyn: countOf("transferSyntaxes", u8),
    reserved: reserved(1),
    abstractSyntax: syntaxId,
    transferSyntaxes: varArray(syntaxId),
  },
  { offsetsFrom: "self" },
);

const bindFields = {
  maxXmitFrag: withDefault(u16, DEFAULT_MAX_FRAG),
  maxRecvFrag: withDefault(u16, DEFAULT_MAX_FRAG),
  assocGroupId: withDefault(u32, 0),
  nContextElem: countOf("contexts", u8),
  reserved: reserved(1),
  reserved2: reserved(2),
  contexts: varArray(ContextElement),
};

/** BIND (C706 12.6.4.3). */
export const BindPdu = pdu("BIND", "C706 12.6.4.3", { ...header(PType.BIND), ...bindFields });
/** ALTER_CONTEXT (C706 12.6.4.1): same body as BIND, adds contexts to an association. */
export const AlterContextPdu = pdu("ALTER_CONTEXT", "C706 12.6.4.1", {
  ...header(PType.ALTER_CONTEXT),
  ...bindFields,
});

/** p_result_t (C706 12.6.3.1): the answer to one offered context. */
export const ContextResult = struct("p_result_t", {
  result: u16,
  reason: u16,
  transferSyntax: syntaxId,
});
/** p_result_list_t: starts 4-aligned after the secondary address. */
export const ResultList = struct(
  "p_result_list_t",
  {
    nResults: countOf("results", u8),
    reserved: reserved(1),
    reserved2: reserved(2),
    results: varArray(ContextResult),
  },
  { offsetsFrom: "self" },
);

/** port_any_t: a NUL-terminated ASCII string whose length counts the NUL ("\pipe\srvsvc"). */
const secondaryAddress = mapVar(
  latin1(),
  (s) => (s.endsWith("\0") ? s.slice(0, -1) : s),
  (s: string) => (s.length > 0 ? `${s}\0` : ""),
);

const bindAckFields = {
  maxXmitFrag: u16,
  maxRecvFrag: u16,
  assocGroupId: u32,
  secAddrLength: lengthOf("secAddr", u16),
  secAddr: secondaryAddress,
  resultList: varStruct(ResultList, { align: 4 }),
};
/** BIND_ACK (C706 12.6.4.4). */
export const BindAckPdu = pdu("BIND_ACK", "C706 12.6.4.4", { ...header(PType.BIND_ACK), ...bindAckFields });
/** ALTER_CONTEXT_RESP (C706 12.6.4.2). */
export const AlterContextRespPdu = pdu("ALTER_CONTEXT_RESP", "C706 12.6.4.2", {
  ...header(PType.ALTER_CONTEXT_RESP),
  ...bindAckFields,
});

/** BIND_NAK (C706 12.6.4.5); MS-RPCE 2.2.2.5 may append a signature and extended error, ignored here. */
export const BindNakPdu = pdu("BIND_NAK", "C706 12.6.4.5", {
  ...header(PType.BIND_NAK),
  providerRejectReason: u16,
  nProtocols: countOf("versions", u8),
  versions: varArray(struct("version_t", { major: u8, minor: u8 })),
});

/** REQUEST (C706 12.6.4.9), without object UUID (PFC_OBJECT_UUID is never set by this client). */
export const RequestPdu = pdu("REQUEST", "C706 12.6.4.9", {
  ...header(PType.REQUEST),
  allocHint: u32,
  contextId: u16,
  opnum: u16,
  stub: varBytes(),
});

/** RESPONSE (C706 12.6.4.10). */
export const ResponsePdu = pdu("RESPONSE", "C706 12.6.4.10", {
  ...header(PType.RESPONSE),
  allocHint: u32,
  contextId: u16,
  cancelCount: withDefault(u8, 0),
  reserved: reserved(1),
  stub: varBytes(),
});

/** FAULT (C706 12.6.4.7; MS-RPCE 2.2.2.13: flags bit 0x01 = extended error information follows). */
export const FaultPdu = pdu("FAULT", "C706 12.6.4.7", {
  ...header(PType.FAULT),
  allocHint: withDefault(u32, 0),
  contextId: withDefault(u16, 0),
  cancelCount: withDefault(u8, 0),
  flags: withDefault(u8, 0),
  status: u32,
  reserved: reserved(4),
  stub: varBytes(),
});

export type BindPdu = Decoded<(typeof BindPdu)["fields"]>;
export type BindAckPdu = Decoded<(typeof BindAckPdu)["fields"]>;
export type BindNakPdu = Decoded<(typeof BindNakPdu)["fields"]>;
export type RequestPdu = Decoded<(typeof RequestPdu)["fields"]>;
export type ResponsePdu = Decoded<(typeof ResponsePdu)["fields"]>;
export type FaultPdu = Decoded<(typeof FaultPdu)["fields"]>;

/** p_cont_def_result_t (C706 12.6.3.1; MS-RPCE 2.2.2.4 adds negotiate_ack). */
export const ContextResultCode = {
  ACCEPTANCE: 0,
  USER_REJECTION: 1,
  PROVIDER_REJECTION: 2,
  NEGOTIATE_ACK: 3,
} as const;
const RESULT_NAMES = ["acceptance", "user_rejection", "provider_rejection", "negotiate_ack"];
/** p_provider_reason_t (C706 12.6.3.1; MS-RPCE 2.2.2.4 adds the last two). */
const PROVIDER_REASONS = [
  "reason_not_specified",
  "abstract_syntax_not_supported",
  "proposed_transfer_syntaxes_not_supported",
  "local_limit_exceeded",
  "protocol_version_not_specified",
  "authentication_type_not_recognized",
];
/** p_reject_reason_t of BIND_NAK (C706 12.6.3.1; MS-RPCE 2.2.2.5 adds 8 and 9). */
const REJECT_REASONS = [
  "reason_not_specified",
  "temporary_congestion",
  "local_limit_exceeded",
  "called_paddr_unknown",
  "protocol_version_not_supported",
  "default_context_not_supported",
  "user_data_not_readable",
  "no_psap_available",
  "authentication_type_not_recognized",
  "invalid_checksum",
];

export function contextResultName(result: number): string {
  return RESULT_NAMES[result] ?? `result ${result}`;
}
export function providerReasonName(reason: number): string {
  return PROVIDER_REASONS[reason] ?? `reason ${reason}`;
}
export function rejectReasonName(reason: number): string {
  return REJECT_REASONS[reason] ?? `reason ${reason}`;
}

// biome-ignore lint/suspicious/noExplicitAny: any PDU struct.
type AnyStruct = Struct<any>;

/** Encodes a PDU; a value that does not fit becomes RpcError ERR_RPC_ENCODE. */
export function encodePdu<F extends Fields>(s: Struct<F>, value: Input<F>): Buffer {
  let buf: Buffer;
  try {
    buf = s.encode(value);
  } catch (err) {
    if (err instanceof SmbEncodeError || err instanceof RangeError || err instanceof SmbDecodeError) {
      throw new RpcError("ERR_RPC_ENCODE", `${s.name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (buf.length > 0xffff) {
    throw new RpcError("ERR_RPC_ENCODE", `${s.name}: ${buf.length} bytes exceed frag_length's 65535`);
  }
  return buf;
}

/**
 * Checks a common header: version 5.0 (or 5.1), NDR little-endian/ASCII/IEEE, a frag_length that covers
 * the header and fits `buf` (when `complete`), and an auth_length that fits the fragment.
 */
export function decodeHeader(buf: Buffer, complete = true): CommonHeader {
  if (buf.length < HEADER_SIZE) {
    throw RpcError.malformed("PDU header", undefined, `needs ${HEADER_SIZE} bytes, has ${buf.length}`);
  }
  const h = CommonHeader.decode(buf, 0, HEADER_SIZE);
  if (h.rpcVers !== 5 || h.rpcVersMinor > 1) {
    throw RpcError.malformed(
      "PDU header",
      "rpc_vers",
      `version ${h.rpcVers}.${h.rpcVersMinor}, expected 5.0`,
    );
  }
  if (h.drep !== DREP_LE_ASCII_IEEE) {
    throw RpcError.malformed(
      "PDU header",
      "packed_drep",
      `${hex32(h.drep)} is not NDR little-endian/ASCII/IEEE (0x00000010)`,
    );
  }
  if (h.fragLength < HEADER_SIZE) {
    throw RpcError.malformed("PDU header", "frag_length", `${h.fragLength} is shorter than the header`);
  }
  if (complete && h.fragLength > buf.length) {
    throw RpcError.malformed("PDU header", "frag_length", `${h.fragLength} exceeds the ${buf.length} bytes`);
  }
  if (h.authLength > 0 && h.authLength + 8 > h.fragLength - HEADER_SIZE) {
    throw RpcError.malformed("PDU header", "auth_length", `${h.authLength} does not fit the fragment`);
  }
  return h;
}

/**
 * Decodes one PDU of the given layout from `buf` (its first frag_length bytes). Any malformed field
 * becomes RpcError ERR_RPC_MALFORMED naming it; an authentication verifier (sec_trailer + auth_value,
 * MS-RPCE 2.2.2.11) is cut off the stub.
 */
export function decodePdu<F extends Fields>(s: Struct<F>, buf: Buffer): Decoded<F> {
  const h = decodeHeader(buf);
  try {
    const v = s.decode(buf, 0, h.fragLength) as Decoded<F> & { stub?: Buffer };
    if (h.authLength > 0 && Buffer.isBuffer(v.stub)) {
      const trailer = h.fragLength - h.authLength - 8;
      const padLength = buf[trailer + 2]!;
      const stubStart = v.stub.byteOffset - buf.byteOffset;
      const stubEnd = trailer - padLength;
      if (stubEnd < stubStart)
        throw RpcError.malformed(s.name, "auth_pad_length", `${padLength} is too long`);
      v.stub = buf.subarray(stubStart, stubEnd);
    }
    return v;
  } catch (err) {
    throw asRpcError(err, s);
  }
}

/** Maps a codec error (or a stray RangeError) to RpcError ERR_RPC_MALFORMED. */
export function asRpcError(err: unknown, s?: AnyStruct): unknown {
  if (err instanceof RpcError) return err;
  if (err instanceof SmbDecodeError) return RpcError.malformed(err.structure, err.field, err.reason);
  if (err instanceof RangeError) return RpcError.malformed(s?.name ?? "PDU", undefined, err.message);
  return err;
}

/** The RpcError a FAULT PDU stands for ("nca_s_op_rng_error (0x1c010002)"). */
export function faultError(f: FaultPdu, opnum?: number): RpcError {
  const name = faultName(f.status);
  const didNot = f.pfcFlags & PfcFlags.DID_NOT_EXECUTE ? ", the call did not execute" : "";
  const what = opnum === undefined ? "" : ` for opnum ${opnum}`;
  return new RpcError("ERR_RPC_FAULT", `RPC fault${what}: ${name} (${hex32(f.status)})${didNot}`, {
    status: f.status,
    statusName: name,
    opnum,
  });
}

export interface FragmentRequestOptions {
  callId: number;
  contextId: number;
  opnum: number;
  stub: Buffer;
  /** The largest fragment the server accepts (its BIND_ACK max_recv_frag). */
  maxXmitFrag: number;
}

/**
 * Splits a call's stub into REQUEST fragments of at most maxXmitFrag bytes (C706 12.6.2). Every fragment
 * but the last carries a multiple of 8 stub bytes so NDR alignment survives the split; alloc_hint is the
 * stub still to come, as Windows and Samba send it.
 */
export function fragmentRequest(o: FragmentRequestOptions): Buffer[] {
  const room = o.maxXmitFrag - REQUEST_HEADER_SIZE;
  if (room < 8)
    throw new RpcError("ERR_RPC_ENCODE", `max_xmit_frag ${o.maxXmitFrag} leaves no room for stub`);
  const out: Buffer[] = [];
  if (o.stub.length <= room) {
    out.push(
      encodePdu(RequestPdu, {
        callId: o.callId,
        allocHint: o.stub.length,
        contextId: o.contextId,
        opnum: o.opnum,
        stub: o.stub,
      }),
    );
    return out;
  }
  const chunk = room - (room % 8);
  for (let off = 0; off < o.stub.length; off += chunk) {
    const end = Math.min(off + chunk, o.stub.length);
    const flags = (off === 0 ? PfcFlags.FIRST_FRAG : 0) | (end === o.stub.length ? PfcFlags.LAST_FRAG : 0);
    out.push(
      encodePdu(RequestPdu, {
        callId: o.callId,
        pfcFlags: flags,
        allocHint: o.stub.length - off,
        contextId: o.contextId,
        opnum: o.opnum,
        stub: o.stub.subarray(off, end),
      }),
    );
  }
  return out;
}

/**
 * Joins the stubs of a call's RESPONSE fragments (C706 12.6.2): the first carries PFC_FIRST_FRAG, the last
 * PFC_LAST_FRAG, all the same call_id. A FAULT among them throws its RpcError.
 */
export function reassembleResponse(fragments: readonly Buffer[], callId: number, opnum?: number): Buffer {
  const stubs: Buffer[] = [];
  for (const [i, frag] of fragments.entries()) {
    const h = decodeHeader(frag);
    if (h.ptype === PType.FAULT) throw faultError(decodePdu(FaultPdu, frag), opnum);
    if (h.ptype !== PType.RESPONSE) {
      throw new RpcError("ERR_RPC_PROTOCOL", `expected a RESPONSE PDU, got ${ptypeName(h.ptype)}`);
    }
    if (h.callId !== callId) {
      throw new RpcError("ERR_RPC_PROTOCOL", `RESPONSE for call_id ${h.callId}, expected ${callId}`);
    }
    const first = (h.pfcFlags & PfcFlags.FIRST_FRAG) !== 0;
    const last = (h.pfcFlags & PfcFlags.LAST_FRAG) !== 0;
    if (first !== (i === 0)) {
      throw new RpcError(
        "ERR_RPC_PROTOCOL",
        i === 0 ? "first RESPONSE fragment lacks PFC_FIRST_FRAG" : `fragment ${i} repeats PFC_FIRST_FRAG`,
      );
    }
    if (last !== (i === fragments.length - 1)) {
      throw new RpcError(
        "ERR_RPC_PROTOCOL",
        last
          ? `fragment ${i} has PFC_LAST_FRAG before the end`
          : "last RESPONSE fragment lacks PFC_LAST_FRAG",
      );
    }
    stubs.push(decodePdu(ResponsePdu, frag).stub);
  }
  if (stubs.length === 0) throw new RpcError("ERR_RPC_PROTOCOL", "no RESPONSE fragments");
  return stubs.length === 1 ? stubs[0]! : Buffer.concat(stubs);
}

const PTYPE_NAMES = new Map<number, string>(Object.entries(PType).map(([k, v]) => [v, k]));
export function ptypeName(ptype: number): string {
  return PTYPE_NAMES.get(ptype) ?? `ptype ${ptype}`;
}
