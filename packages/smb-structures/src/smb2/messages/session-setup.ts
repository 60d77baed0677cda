/** MS-SMB2 2.2.5 SMB2 SESSION_SETUP Request and 2.2.6 SMB2 SESSION_SETUP Response. */
import { constant, lengthOf, offsetOf, withDefault } from "../../codec/fields.js";
import { u8, u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { varBytes } from "../../codec/variable.js";

/** 2.2.5 Flags. */
export const SessionSetupFlags = { BINDING: 0x01 } as const;

/** 2.2.6 SessionFlags. */
export const SessionFlags = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

/** 2.2.5 SMB2 SESSION_SETUP Request. SecurityMode is a u8 here (SecurityMode values of 2.2.3). */
export const SessionSetupRequest = struct(
  "SMB2 SESSION_SETUP Request",
  {
    structureSize: constant(u16, 25),
    flags: withDefault(u8, 0),
    securityMode: u8,
    capabilities: withDefault(u32, 0),
    channel: withDefault(u32, 0),
    securityBufferOffset: offsetOf("securityBuffer", u16),
    securityBufferLength: lengthOf("securityBuffer", u16),
    previousSessionId: withDefault(u64, 0n),
    securityBuffer: varBytes(),
  },
  { encodeBase: 64, minSize: 25, spec: "MS-SMB2 2.2.5" },
);
export type SessionSetupRequest = Decoded<typeof SessionSetupRequest.fields>;

/** 2.2.6 SMB2 SESSION_SETUP Response. */
export const SessionSetupResponse = struct(
  "SMB2 SESSION_SETUP Response",
  {
    structureSize: constant(u16, 9),
    sessionFlags: u16,
    securityBufferOffset: offsetOf("securityBuffer", u16),
    securityBufferLength: lengthOf("securityBuffer", u16),
    securityBuffer: varBytes(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.6" },
);
export type SessionSetupResponse = Decoded<typeof SessionSetupResponse.fields>;
