/**
 * MS-SMB2 2.2.2 SMB2 ERROR Response, its 3.1.1 error contexts (2.2.2.1) and the error data formats
 * (2.2.2.2): symbolic link error response, share redirect context, STATUS_BUFFER_TOO_SMALL's size.
 * ErrorData stays raw in the response; the helpers below read it.
 */
import { SmbDecodeError } from "../../codec/errors.js";
import { constant, countOf, lengthOf, offsetOf, reserved, sizeFrom } from "../../codec/fields.js";
import { bytes, u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { utf16, varArray, varBytes } from "../../codec/variable.js";

/**
 * 2.2.2 SMB2 ERROR Response: 9 bytes with an empty ErrorData (StructureSize counts one byte). Also the
 * body of interim (STATUS_PENDING) responses. ErrorContextCount > 0 (3.1.1): ErrorData is a list of
 * SMB2_ERROR_CONTEXT (`errorContexts`); otherwise it is the error's own data or empty.
 */
export const ErrorResponse = struct(
  "SMB2 ERROR Response",
  {
    structureSize: constant(u16, 9),
    errorContextCount: u8,
    reserved: reserved(1),
    byteCount: lengthOf("errorData", u32),
    errorData: varBytes(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.2" },
);
export type ErrorResponse = Decoded<typeof ErrorResponse.fields>;

/** 2.2.2.1 ErrorId. */
export const ErrorId = {
  DEFAULT: 0x00000000,
  SHARE_REDIRECT: 0x72645253,
} as const;

/** 2.2.2.1 SMB2 ERROR Context Response: each starts 8-byte aligned. */
export const ErrorContext = struct(
  "SMB2_ERROR_CONTEXT",
  {
    errorDataLength: lengthOf("errorContextData", u32),
    errorId: u32,
    errorContextData: varBytes(),
  },
  { spec: "MS-SMB2 2.2.2.1" },
);
export type ErrorContext = Decoded<typeof ErrorContext.fields>;

const errorContextArray = varArray(ErrorContext, { elementAlign: 8 });

/** ErrorData made of error contexts (its ErrorContextCount is the list length). */
export const ErrorContextList = struct("SMB2 error context list", { contexts: errorContextArray });

/** The error contexts of a 3.1.1 error response (empty when ErrorContextCount is 0). */
export function errorContexts(resp: Pick<ErrorResponse, "errorContextCount" | "errorData">): ErrorContext[] {
  if (resp.errorContextCount === 0) return [];
  const d = resp.errorData;
  return errorContextArray.decode(d, 0, d.length, resp.errorContextCount, { base: 0 }).value;
}

/** An ERROR response body carrying error contexts (3.1.1). */
export function errorResponseWithContexts(contexts: ErrorContext[]): ErrorResponse {
  return { errorContextCount: contexts.length, errorData: ErrorContextList.encode({ contexts }) };
}

/** 2.2.2.2.1 SymLinkErrorTag ("SYML") and the reparse tag of symbolic links. */
export const SYMLINK_ERROR_TAG = 0x4c4d5953;
export const IO_REPARSE_TAG_SYMLINK = 0xa000000c;
/** 2.2.2.2.1 Flags. */
export const SymlinkErrorFlags = { SYMLINK_FLAG_RELATIVE: 0x00000001 } as const;

/**
 * 2.2.2.2.1 Symbolic Link Error Response (STATUS_STOPPED_ON_SYMLINK). The name offsets count from the
 * start of PathBuffer; UnparsedPathLength is the byte count of the request path left after the link.
 */
export const SymlinkErrorResponse = struct(
  "SMB2 Symbolic Link Error Response",
  {
    symLinkLength: sizeFrom(u32),
    symLinkErrorTag: constant(u32, SYMLINK_ERROR_TAG),
    reparseTag: constant(u32, IO_REPARSE_TAG_SYMLINK),
    reparseDataLength: sizeFrom(u16, "substituteNameOffset"),
    unparsedPathLength: u16,
    substituteNameOffset: offsetOf("substituteName", u16),
    substituteNameLength: lengthOf("substituteName", u16),
    printNameOffset: offsetOf("printName", u16),
    printNameLength: lengthOf("printName", u16),
    flags: u32,
    // Encoded PrintName first, as Windows lays out symbolic link reparse data; decoded by the offsets.
    printName: utf16(),
    substituteName: utf16(),
  },
  { offsetsFrom: "fixedEnd", spec: "MS-SMB2 2.2.2.2.1" },
);
export type SymlinkErrorResponse = Decoded<typeof SymlinkErrorResponse.fields>;

/** 2.2.2.2.2.1 MOVE_DST_IPADDR Type. */
export const MoveDstIpAddrType = { IPV4: 0x00000001, IPV6: 0x00000002 } as const;

/** 2.2.2.2.2.1 MOVE_DST_IPADDR: the 16-byte address field holds 4 bytes (+ 12 reserved) for IPv4. */
export const MoveDstIpAddr = struct(
  "MOVE_DST_IPADDR",
  { type: u32, reserved: reserved(4), address: bytes(16) },
  { spec: "MS-SMB2 2.2.2.2.2.1" },
);
export type MoveDstIpAddr = Decoded<typeof MoveDstIpAddr.fields>;

/** Text form of a MOVE_DST_IPADDR address ("10.0.0.1", "fe80:0:0:0:0:0:0:1"). */
export function moveDstIpAddrToString(a: Pick<MoveDstIpAddr, "type" | "address">): string {
  if (a.type === MoveDstIpAddrType.IPV4) return Array.from(a.address.subarray(0, 4)).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(a.address.readUInt16BE(i).toString(16));
  return groups.join(":");
}

/** 2.2.2.2.2 Share Redirect Error Context Response (ErrorId SHARE_REDIRECT). */
export const ShareRedirectErrorContext = struct(
  "Share Redirect Error Context Response",
  {
    structureSize: constant(u32, 0x30, true),
    notificationType: constant(u32, 3),
    resourceNameOffset: offsetOf("resourceName", u32),
    resourceNameLength: lengthOf("resourceName", u32),
    flags: reserved(2),
    targetType: constant(u16, 0),
    ipAddrCount: countOf("ipAddrMoveList", u32),
    ipAddrMoveList: varArray(MoveDstIpAddr),
    resourceName: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.2.2.2" },
);
export type ShareRedirectErrorContext = Decoded<typeof ShareRedirectErrorContext.fields>;

/** The symbolic link error of a STATUS_STOPPED_ON_SYMLINK response (plain ErrorData or the DEFAULT context). */
export function symlinkError(
  resp: Pick<ErrorResponse, "errorContextCount" | "errorData">,
): SymlinkErrorResponse {
  const data =
    resp.errorContextCount > 0
      ? errorContexts(resp).find((c) => c.errorId === ErrorId.DEFAULT)?.errorContextData
      : resp.errorData;
  if (!data) throw new SmbDecodeError("SMB2 ERROR Response", "ErrorData", "no symbolic link error context");
  return SymlinkErrorResponse.decode(data);
}

/** 2.2.2.2: the u32 size a STATUS_BUFFER_TOO_SMALL error reports as needed, if present. */
export function bufferTooSmallRequiredSize(resp: Pick<ErrorResponse, "errorData">): number | undefined {
  return resp.errorData.length >= 4 ? resp.errorData.readUInt32LE(0) : undefined;
}
