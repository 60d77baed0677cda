/**
 * RpcError: everything that can go wrong on a DCE/RPC association, with a stable `code`:
 * - ERR_RPC_MALFORMED: a PDU or NDR stub that does not parse (names the structure and field);
 * - ERR_RPC_PROTOCOL: a well-formed PDU that breaks the protocol (wrong call_id, unexpected type ...);
 * - ERR_RPC_FAULT: a FAULT PDU (C706 12.6.4.7); `status` is the fault code and `statusName` its name;
 * - ERR_RPC_BIND_REJECTED: BIND_NAK or a BIND_ACK that refused our presentation context;
 * - ERR_RPC_WERROR: the call ran but returned a Win32 error (MS-ERREF 2.2), e.g. ERROR_ACCESS_DENIED;
 * - ERR_RPC_ENCODE: a value our encoders cannot represent; ERR_RPC_CLOSED: the client was closed.
 */
export type RpcErrorCode =
  | "ERR_RPC_MALFORMED"
  | "ERR_RPC_PROTOCOL"
  | "ERR_RPC_FAULT"
  | "ERR_RPC_BIND_REJECTED"
  | "ERR_RPC_WERROR"
  | "ERR_RPC_ENCODE"
  | "ERR_RPC_CLOSED";

export interface RpcErrorDetails {
  /** Fault code, WERROR or reject reason. */
  status?: number;
  /** Name of `status` ("nca_s_op_rng_error", "ERROR_ACCESS_DENIED" ...). */
  statusName?: string;
  /** Structure and field of a malformed PDU ("BIND_ACK.secAddr"). */
  field?: string;
  /** Operation number of the failed call. */
  opnum?: number;
  cause?: unknown;
}

export class RpcError extends Error {
  override readonly name = "RpcError";
  readonly status: number | undefined;
  readonly statusName: string | undefined;
  readonly field: string | undefined;
  readonly opnum: number | undefined;

  constructor(
    readonly code: RpcErrorCode,
    message: string,
    details: RpcErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status === undefined ? undefined : details.status >>> 0;
    this.statusName = details.statusName;
    this.field = details.field;
    this.opnum = details.opnum;
  }

  /** A malformed PDU or stub: "<structure>.<field>: <reason>". */
  static malformed(structure: string, field: string | undefined, reason: string): RpcError {
    const where = field ? `${structure}.${field}` : structure;
    return new RpcError("ERR_RPC_MALFORMED", `${where}: ${reason}`, { field: where });
  }

  /** True when `err` is an RpcError with this code or (number) status. */
  static is(err: unknown, codeOrStatus: RpcErrorCode | number): err is RpcError {
    if (!(err instanceof RpcError)) return false;
    return typeof codeOrStatus === "number" ? err.status === codeOrStatus >>> 0 : err.code === codeOrStatus;
  }
}

/**
 * Fault codes (C706 appendix E "nca_s_*", MS-RPCE 2.2.2.11 / 3.1.1.5.5 for the Windows values Windows and
 * Samba also send in FAULT PDUs).
 */
export const FAULT_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00000005, "nca_s_fault_access_denied"],
  [0x000006d8, "nca_s_fault_cant_perform"],
  [0x000006f7, "nca_s_fault_ndr"],
  [0x000006d3, "RPC_S_UNKNOWN_AUTHN_SERVICE"],
  [0x00000721, "RPC_S_SEC_PKG_ERROR"],
  [0x1c010001, "nca_s_comm_failure"],
  [0x1c010002, "nca_s_op_rng_error"],
  [0x1c010003, "nca_s_unk_if"],
  [0x1c010006, "nca_s_wrong_boot_time"],
  [0x1c010009, "nca_s_you_crashed"],
  [0x1c01000b, "nca_s_proto_error"],
  [0x1c010013, "nca_s_out_args_too_big"],
  [0x1c010014, "nca_s_server_too_busy"],
  [0x1c010015, "nca_s_fault_string_too_long"],
  [0x1c010017, "nca_s_unsupported_type"],
  [0x1c000001, "nca_s_fault_int_div_by_zero"],
  [0x1c000002, "nca_s_fault_addr_error"],
  [0x1c000003, "nca_s_fault_fp_div_zero"],
  [0x1c000004, "nca_s_fault_fp_underflow"],
  [0x1c000005, "nca_s_fault_fp_overflow"],
  [0x1c000006, "nca_s_fault_invalid_tag"],
  [0x1c000007, "nca_s_fault_invalid_bound"],
  [0x1c000008, "nca_s_rpc_version_mismatch"],
  [0x1c000009, "nca_s_unspec_reject"],
  [0x1c00000a, "nca_s_bad_actid"],
  [0x1c00000b, "nca_s_who_are_you_failed"],
  [0x1c00000c, "nca_s_manager_not_entered"],
  [0x1c00000d, "nca_s_fault_cancel"],
  [0x1c00000e, "nca_s_fault_ill_inst"],
  [0x1c00000f, "nca_s_fault_fp_error"],
  [0x1c000010, "nca_s_fault_int_overflow"],
  [0x1c000012, "nca_s_fault_unspec"],
  [0x1c000013, "nca_s_fault_remote_comm_failure"],
  [0x1c000014, "nca_s_fault_pipe_empty"],
  [0x1c000015, "nca_s_fault_pipe_closed"],
  [0x1c000016, "nca_s_fault_pipe_order"],
  [0x1c000017, "nca_s_fault_pipe_discipline"],
  [0x1c000018, "nca_s_fault_pipe_comm_error"],
  [0x1c000019, "nca_s_fault_pipe_memory"],
  [0x1c00001a, "nca_s_fault_context_mismatch"],
  [0x1c00001b, "nca_s_fault_remote_no_memory"],
  [0x1c00001c, "nca_s_invalid_pres_context_id"],
  [0x1c00001d, "nca_s_unsupported_authn_level"],
  [0x1c00001f, "nca_s_invalid_checksum"],
  [0x1c000020, "nca_s_invalid_crc"],
  [0x1c000021, "nca_s_fault_user_defined"],
  [0x1c000022, "nca_s_fault_tx_open_failed"],
  [0x1c000023, "nca_s_fault_codeset_conv_error"],
  [0x1c000024, "nca_s_fault_object_not_found"],
  [0x1c000025, "nca_s_fault_no_client_stub"],
]);

/** Win32 error codes (MS-ERREF 2.2) the srvsvc/wkssvc/lsarpc calls commonly return. */
export const WERROR_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "ERROR_SUCCESS"],
  [2, "ERROR_FILE_NOT_FOUND"],
  [5, "ERROR_ACCESS_DENIED"],
  [8, "ERROR_NOT_ENOUGH_MEMORY"],
  [50, "ERROR_NOT_SUPPORTED"],
  [53, "ERROR_BAD_NETPATH"],
  [87, "ERROR_INVALID_PARAMETER"],
  [123, "ERROR_INVALID_NAME"],
  [124, "ERROR_INVALID_LEVEL"],
  [234, "ERROR_MORE_DATA"],
  [259, "ERROR_NO_MORE_ITEMS"],
  [1722, "RPC_S_SERVER_UNAVAILABLE"],
  [2123, "NERR_BufTooSmall"],
  [2310, "NERR_NetNameNotFound"],
]);

export const WERROR = {
  SUCCESS: 0,
  ACCESS_DENIED: 5,
  INVALID_LEVEL: 124,
  MORE_DATA: 234,
} as const;

/** "nca_s_op_rng_error" for a known fault code, else "0x1c0100ff". */
export function faultName(status: number): string {
  return FAULT_NAMES.get(status >>> 0) ?? hex32(status);
}

/** "ERROR_ACCESS_DENIED" for a known WERROR, else "0x000004d5". */
export function werrorName(status: number): string {
  return WERROR_NAMES.get(status >>> 0) ?? hex32(status);
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}
