/** MS-SMB2 2.2.3 SMB2 NEGOTIATE Request and 2.2.4 SMB2 NEGOTIATE Response. */
import { constant, countOf, lengthOf, offsetOf, reserved } from "../../codec/fields.js";
import { u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varArray, varBytes } from "../../codec/variable.js";
import { filetime } from "../../dtyp/filetime.js";
import { guid } from "../../dtyp/guid.js";
import { negotiateContextList } from "./negotiate-contexts.js";

/** 2.2.3 SecurityMode (also SESSION_SETUP's, there as a u8). */
export const SecurityMode = {
  SIGNING_ENABLED: 0x0001,
  SIGNING_REQUIRED: 0x0002,
} as const;

/** 2.2.3 / 2.2.4 Capabilities (SMB2_GLOBAL_CAP_*). */
export const GlobalCapabilities = {
  DFS: 0x00000001,
  LEASING: 0x00000002,
  LARGE_MTU: 0x00000004,
  MULTI_CHANNEL: 0x00000008,
  PERSISTENT_HANDLES: 0x00000010,
  DIRECTORY_LEASING: 0x00000020,
  ENCRYPTION: 0x00000040,
  NOTIFICATIONS: 0x00000080,
} as const;

/**
 * 2.2.3 SMB2 NEGOTIATE Request. The 8 bytes after ClientGuid are NegotiateContextOffset,
 * NegotiateContextCount and Reserved2 when Dialects holds 0x0311, and ClientStartTime (MUST be 0)
 * otherwise: with no contexts all 8 are written as zero, which satisfies both readings. The context list
 * starts 8-byte aligned after the dialects (2 bytes of padding for an odd dialect count).
 */
export const NegotiateRequest = struct(
  "SMB2 NEGOTIATE Request",
  {
    structureSize: constant(u16, 36),
    dialectCount: countOf("dialects", u16),
    securityMode: u16,
    reserved: reserved(2),
    capabilities: u32,
    clientGuid: guid,
    negotiateContextOffset: offsetOf("negotiateContexts", u32, { zeroIfEmpty: true }),
    negotiateContextCount: countOf("negotiateContexts", u16),
    reserved2: reserved(2),
    dialects: varArray(u16),
    negotiateContexts: negotiateContextList(),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.3" },
);
export type NegotiateRequest = Decoded<typeof NegotiateRequest.fields>;

/**
 * 2.2.4 SMB2 NEGOTIATE Response. NegotiateContextCount/NegotiateContextOffset are Reserved (0) unless
 * the dialect is 3.1.1. SecurityBuffer is the GSS token (a view into the received message).
 */
export const NegotiateResponse = struct(
  "SMB2 NEGOTIATE Response",
  {
    structureSize: constant(u16, 65),
    securityMode: u16,
    dialectRevision: u16,
    negotiateContextCount: countOf("negotiateContexts", u16),
    serverGuid: guid,
    capabilities: u32,
    maxTransactSize: u32,
    maxReadSize: u32,
    maxWriteSize: u32,
    systemTime: filetime,
    serverStartTime: filetime,
    securityBufferOffset: offsetOf("securityBuffer", u16),
    securityBufferLength: lengthOf("securityBuffer", u16),
    negotiateContextOffset: offsetOf("negotiateContexts", u32, { zeroIfEmpty: true }),
    securityBuffer: varBytes(),
    negotiateContexts: negotiateContextList(),
  },
  { encodeBase: 64, minSize: 65, spec: "MS-SMB2 2.2.4" },
);
export type NegotiateResponse = Decoded<typeof NegotiateResponse.fields>;
