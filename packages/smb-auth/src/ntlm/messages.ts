/**
 * NTLM messages (MS-NLMP 2.2.1) declared as field tables for smb-structures' struct codec: every
 * *Len/*Offset field is derived from the payload it describes, payloads are laid out in field order
 * (the order Windows uses), and decoding checks every offset and length against the message.
 *
 * Fixed parts vary with the flags (VERSION present, MIC present), so each message has a base table and
 * extended tables; decoding reads the base and then the optional fields where the payload offsets leave
 * room for them.
 */
import {
  bytes,
  type ConstField,
  constant,
  type Decoded,
  type FixedCodec,
  lengthOf,
  mapped,
  offsetOf,
  reserved,
  SmbDecodeError,
  SmbEncodeError,
  struct,
  u8,
  u16,
  u32,
  u64,
  varBytes,
} from "smb-structures";
import { badToken } from "../errors.js";
import { NegotiateFlags, NTLMSSP_REVISION_W2K3 } from "./constants.js";

/** "NTLMSSP\0" read as a little-endian u64. */
const SIGNATURE_VALUE = Buffer.from("NTLMSSP\0", "latin1").readBigUInt64LE(0);
const signature: ConstField = { kind: "const", codec: u64, value: SIGNATURE_VALUE, lenient: false };

export const MessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

// ---------------------------------------------------------------------------------------------------
// VERSION (2.2.2.10)

export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  /** NTLMRevisionCurrent: 0x0F (NTLMSSP_REVISION_W2K3). */
  revision: number;
}

export const VersionStruct = struct(
  "VERSION",
  {
    major: u8,
    minor: u8,
    build: u16,
    reserved: reserved(3),
    revision: u8,
  },
  { spec: "MS-NLMP 2.2.2.10" },
);

/** The 8-byte VERSION as a fixed field of the messages. */
const versionField: FixedCodec<NtlmVersion> = mapped(
  bytes(VersionStruct.fixedSize),
  (b) => VersionStruct.decode(b),
  (v) => VersionStruct.encode(v),
);

/** Windows 10 (build 0), NTLMSSP_REVISION_W2K3: the version this client announces by default. */
export const DEFAULT_VERSION: NtlmVersion = {
  major: 10,
  minor: 0,
  build: 0,
  revision: NTLMSSP_REVISION_W2K3,
};

/** Len, MaxLen and Offset of one payload (MS-NLMP's "*Fields" 8-byte security buffers). */
function payloadFields<N extends string>(name: N) {
  return {
    [`${name}Len`]: lengthOf(name, u16),
    [`${name}MaxLen`]: u16,
    [`${name}Offset`]: offsetOf(name, u32),
  } as { [K in `${N}Len`]: ReturnType<typeof lengthOf> } & { [K in `${N}MaxLen`]: FixedCodec<number> } & {
    [K in `${N}Offset`]: ReturnType<typeof offsetOf>;
  };
}

const selfOffsets = { offsetsFrom: "self" } as const;

// ---------------------------------------------------------------------------------------------------
// NEGOTIATE_MESSAGE (2.2.1.1)

const negotiateHead = {
  signature,
  messageType: constant(u32, MessageType.NEGOTIATE),
  flags: u32,
  ...payloadFields("domainName"),
  ...payloadFields("workstation"),
};
const negotiatePayload = { domainName: varBytes(), workstation: varBytes() };

export const NegotiateBase = struct(
  "NEGOTIATE_MESSAGE",
  { ...negotiateHead, ...negotiatePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.1" },
);
export const NegotiateWithVersion = struct(
  "NEGOTIATE_MESSAGE",
  { ...negotiateHead, version: versionField, ...negotiatePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.1" },
);

// ---------------------------------------------------------------------------------------------------
// CHALLENGE_MESSAGE (2.2.1.2)

const challengeHead = {
  signature,
  messageType: constant(u32, MessageType.CHALLENGE),
  ...payloadFields("targetName"),
  flags: u32,
  serverChallenge: bytes(8),
  reserved: reserved(8),
  ...payloadFields("targetInfo"),
};
const challengePayload = { targetName: varBytes(), targetInfo: varBytes() };

export const ChallengeBase = struct(
  "CHALLENGE_MESSAGE",
  { ...challengeHead, ...challengePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.2" },
);
export const ChallengeWithVersion = struct(
  "CHALLENGE_MESSAGE",
  { ...challengeHead, version: versionField, ...challengePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.2" },
);

// ---------------------------------------------------------------------------------------------------
// AUTHENTICATE_MESSAGE (2.2.1.3)

const authenticateHead = {
  signature,
  messageType: constant(u32, MessageType.AUTHENTICATE),
  ...payloadFields("lmChallengeResponse"),
  ...payloadFields("ntChallengeResponse"),
  ...payloadFields("domainName"),
  ...payloadFields("userName"),
  ...payloadFields("workstation"),
  ...payloadFields("encryptedRandomSessionKey"),
  flags: u32,
};
/** Payload order as Windows writes it (MS-NLMP 4.2.2.3, 4.2.4.3). */
const authenticatePayload = {
  domainName: varBytes(),
  userName: varBytes(),
  workstation: varBytes(),
  lmChallengeResponse: varBytes(),
  ntChallengeResponse: varBytes(),
  encryptedRandomSessionKey: varBytes(),
};

export const AuthenticateBase = struct(
  "AUTHENTICATE_MESSAGE",
  { ...authenticateHead, ...authenticatePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.3" },
);
export const AuthenticateWithVersion = struct(
  "AUTHENTICATE_MESSAGE",
  { ...authenticateHead, version: versionField, ...authenticatePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.3" },
);
export const AuthenticateWithMic = struct(
  "AUTHENTICATE_MESSAGE",
  { ...authenticateHead, version: versionField, mic: bytes(16), ...authenticatePayload },
  { ...selfOffsets, spec: "MS-NLMP 2.2.1.3" },
);

// ---------------------------------------------------------------------------------------------------
// Message values and their encoders/decoders

export interface NegotiateMessage {
  flags: number;
  domainName: Buffer;
  workstation: Buffer;
  version?: NtlmVersion;
}

export interface ChallengeMessage {
  flags: number;
  targetName: Buffer;
  serverChallenge: Buffer;
  /** Raw AV_PAIR list (see TargetInfo). */
  targetInfo: Buffer;
  version?: NtlmVersion;
}

export interface AuthenticateMessage {
  flags: number;
  lmChallengeResponse: Buffer;
  ntChallengeResponse: Buffer;
  domainName: Buffer;
  userName: Buffer;
  workstation: Buffer;
  encryptedRandomSessionKey: Buffer;
  version?: NtlmVersion;
  /** 16 bytes when the message carries a MIC field. */
  mic?: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function encodeNegotiate(m: NegotiateMessage): Buffer {
  const common = {
    flags: m.flags >>> 0,
    domainName: m.domainName,
    domainNameMaxLen: m.domainName.length,
    workstation: m.workstation,
    workstationMaxLen: m.workstation.length,
  };
  return wrapEncode("NEGOTIATE_MESSAGE", () =>
    m.version ? NegotiateWithVersion.encode({ ...common, version: m.version }) : NegotiateBase.encode(common),
  );
}

export function encodeChallenge(m: ChallengeMessage): Buffer {
  const common = {
    flags: m.flags >>> 0,
    serverChallenge: m.serverChallenge,
    targetName: m.targetName,
    targetNameMaxLen: m.targetName.length,
    targetInfo: m.targetInfo,
    targetInfoMaxLen: m.targetInfo.length,
  };
  return wrapEncode("CHALLENGE_MESSAGE", () =>
    m.version ? ChallengeWithVersion.encode({ ...common, version: m.version }) : ChallengeBase.encode(common),
  );
}

export function encodeAuthenticate(m: AuthenticateMessage): Buffer {
  const common = {
    flags: m.flags >>> 0,
    lmChallengeResponse: m.lmChallengeResponse,
    lmChallengeResponseMaxLen: m.lmChallengeResponse.length,
    ntChallengeResponse: m.ntChallengeResponse,
    ntChallengeResponseMaxLen: m.ntChallengeResponse.length,
    domainName: m.domainName,
    domainNameMaxLen: m.domainName.length,
    userName: m.userName,
    userNameMaxLen: m.userName.length,
    workstation: m.workstation,
    workstationMaxLen: m.workstation.length,
    encryptedRandomSessionKey: m.encryptedRandomSessionKey,
    encryptedRandomSessionKeyMaxLen: m.encryptedRandomSessionKey.length,
  };
  return wrapEncode("AUTHENTICATE_MESSAGE", () => {
    if (m.mic) {
      return AuthenticateWithMic.encode({ ...common, version: m.version ?? DEFAULT_VERSION, mic: m.mic });
    }
    if (m.version) return AuthenticateWithVersion.encode({ ...common, version: m.version });
    return AuthenticateBase.encode(common);
  });
}

function wrapEncode(what: string, f: () => Buffer): Buffer {
  try {
    return f();
  } catch (err) {
    if (err instanceof SmbEncodeError) throw badToken(`${what} (cannot encode)`, err, "ntlm");
    throw err;
  }
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Smallest offset of a non-empty payload: where the fixed part must end at the latest. */
function payloadStart(buf: Buffer, fixedEnd: number, parts: Array<{ len: number; offset: number }>): number {
  let min = buf.length;
  for (const p of parts) if (p.len > 0 && p.offset < min) min = p.offset;
  return Math.max(min, fixedEnd);
}

function decodeWith<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SmbDecodeError || err instanceof RangeError) throw badToken(what, err, "ntlm");
    throw err;
  }
}

/** The fixed part's extended variant fits when the payload starts at or after its end. */
function fits(start: number, s: { fixedSize: number }): boolean {
  return start >= s.fixedSize;
}

/** VERSION is reported only when the flags announce it (the field may be present but unset). */
function versionIf(flags: number, v: NtlmVersion | undefined): { version?: NtlmVersion } {
  return v && flags & NegotiateFlags.VERSION ? { version: v } : {};
}

function offsetIn(buf: Buffer, part: Buffer): { len: number; offset: number } {
  return { len: part.length, offset: part.byteOffset - buf.byteOffset };
}

export function decodeNegotiate(data: Uint8Array): NegotiateMessage {
  const buf = asBuffer(data);
  return decodeWith("NEGOTIATE_MESSAGE", () => {
    const m = NegotiateBase.decode(buf);
    const start = payloadStart(buf, NegotiateBase.fixedSize, [
      offsetIn(buf, m.domainName),
      offsetIn(buf, m.workstation),
    ]);
    const v = fits(start, NegotiateWithVersion) ? NegotiateWithVersion.decode(buf).version : undefined;
    return { flags: m.flags, domainName: m.domainName, workstation: m.workstation, ...versionIf(m.flags, v) };
  });
}

export function decodeChallenge(data: Uint8Array): ChallengeMessage {
  const buf = asBuffer(data);
  return decodeWith("CHALLENGE_MESSAGE", () => {
    const m: Decoded<typeof ChallengeBase.fields> = ChallengeBase.decode(buf);
    const start = payloadStart(buf, ChallengeBase.fixedSize, [
      offsetIn(buf, m.targetName),
      offsetIn(buf, m.targetInfo),
    ]);
    const v = fits(start, ChallengeWithVersion) ? ChallengeWithVersion.decode(buf).version : undefined;
    return {
      flags: m.flags,
      targetName: m.targetName,
      serverChallenge: m.serverChallenge,
      targetInfo: m.targetInfo,
      ...versionIf(m.flags, v),
    };
  });
}

export function decodeAuthenticate(data: Uint8Array): AuthenticateMessage {
  const buf = asBuffer(data);
  return decodeWith("AUTHENTICATE_MESSAGE", () => {
    const m = AuthenticateBase.decode(buf);
    const start = payloadStart(
      buf,
      AuthenticateBase.fixedSize,
      [
        m.lmChallengeResponse,
        m.ntChallengeResponse,
        m.domainName,
        m.userName,
        m.workstation,
        m.encryptedRandomSessionKey,
      ].map((p) => offsetIn(buf, p)),
    );
    const out: AuthenticateMessage = {
      flags: m.flags,
      lmChallengeResponse: m.lmChallengeResponse,
      ntChallengeResponse: m.ntChallengeResponse,
      domainName: m.domainName,
      userName: m.userName,
      workstation: m.workstation,
      encryptedRandomSessionKey: m.encryptedRandomSessionKey,
    };
    // The MIC follows VERSION when the payload starts late enough to leave room for both.
    if (fits(start, AuthenticateWithMic)) {
      const full = AuthenticateWithMic.decode(buf);
      return { ...out, ...versionIf(m.flags, full.version), mic: full.mic };
    }
    if (fits(start, AuthenticateWithVersion)) {
      return { ...out, ...versionIf(m.flags, AuthenticateWithVersion.decode(buf).version) };
    }
    return out;
  });
}

const NtlmHeader = struct(
  "NTLM message header",
  { signature: u64, messageType: u32 },
  { spec: "MS-NLMP 2.2" },
);

/** The message type of an NTLMSSP token, or undefined when it is not one. */
export function ntlmMessageType(data: Uint8Array): number | undefined {
  const buf = asBuffer(data);
  if (buf.length < NtlmHeader.fixedSize) return undefined;
  const h = NtlmHeader.decode(buf);
  return h.signature === SIGNATURE_VALUE ? h.messageType : undefined;
}

/** Text fields are UTF-16LE when UNICODE was negotiated, otherwise OEM (ASCII/Latin-1 here). */
export function encodeNtlmString(s: string, flags: number): Buffer {
  return Buffer.from(s, flags & NegotiateFlags.UNICODE ? "utf16le" : "latin1");
}

export function decodeNtlmString(b: Buffer, flags: number): string {
  return b.toString(flags & NegotiateFlags.UNICODE ? "utf16le" : "latin1");
}

export { EMPTY as EMPTY_BUFFER };
