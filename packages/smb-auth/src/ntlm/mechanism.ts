/**
 * The NTLM client (MS-NLMP 3.1.5.1): NEGOTIATE, then AUTHENTICATE from the server's CHALLENGE.
 * NTLMv2 by default; NTLMv1, LM and the NTLM2 session response only when asked for; anonymous (null
 * session) with anonymous credentials. Randomness and time are injectable so the MS-NLMP 4.2 examples
 * reproduce byte for byte.
 */
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { hostname } from "node:os";
import { inspect } from "node:util";
import { dateToFiletime } from "smb-structures";
import { Credentials, type CredentialsInit, secretsOf } from "../credentials.js";
import { AuthError } from "../errors.js";
import { log, logging, redact } from "../log.js";
import type { AuthContext, AuthMechanism, AuthMechanismFactory } from "../mechanism.js";
import { Oid } from "../oids.js";
import { TargetInfo } from "./av-pairs.js";
import { AvFlags, AvId, formatNegotiateFlags, NegotiateFlags as F } from "./constants.js";
import {
  channelBindingsHash,
  computeMic,
  computeResponseV1,
  computeResponseV2,
  kxkey,
  lmowfv1,
  ntowfv1,
  ntowfv2,
  rc4k,
} from "./crypto.js";
import {
  type ChallengeMessage,
  DEFAULT_VERSION,
  decodeChallenge,
  encodeAuthenticate,
  encodeNegotiate,
  encodeNtlmString,
  type NtlmVersion,
} from "./messages.js";
import { NtlmSessionSecurity } from "./security.js";

export type LmCompatibilityLevel = 0 | 1 | 2 | 3 | 4 | 5;

export interface NtlmOptions {
  /**
   * NetBIOS name of this machine in the AUTHENTICATE_MESSAGE. Default: the credentials' workstation, else
   * the first label of the host name, upper-cased. "" sends none.
   */
  workstation?: string;
  /**
   * Client LmCompatibilityLevel: 0 = LM + NTLMv1 (no extended session security); 1 = LM + NTLMv1 with
   * the NTLM2 session response when the server agrees; 2 = NTLMv1 only; 3-5 = NTLMv2 (the default).
   */
  lmCompatibilityLevel?: LmCompatibilityLevel;
  /** Allow NTLMv1/LM at all; alone it means level 1. Default false (NTLMv2 only). */
  allowNtlmV1?: boolean;
  /** VERSION announced in NEGOTIATE/AUTHENTICATE (default 10.0.0, NTLMSSP_REVISION_W2K3). */
  version?: NtlmVersion;
  /**
   * Put a MIC in the AUTHENTICATE_MESSAGE when the server sent MsvAvTimestamp (default true). Off only for
   * servers that mishandle it.
   */
  mic?: boolean;
  /**
   * Add MsvAvTargetName (the SPN) and MsvAvChannelBindings to the NTLMv2 target info (default true; the
   * MS-NLMP 4.2.4 example predates them).
   */
  extendedProtection?: boolean;
  /** SPN for MsvAvTargetName (default "cifs/<AuthContext.targetName>"). */
  targetName?: string;
  /** Refuse a server that does not grant 128-bit session keys. */
  require128BitKey?: boolean;
  /** Source of randomness: client challenge (8 bytes), then ExportedSessionKey (16). */
  randomBytes?: (size: number) => Uint8Array;
  /** Current time (Date, or a FILETIME as bigint) for the NTLMv2 timestamp when the server sends none. */
  now?: () => Date | bigint;
}

/**
 * Flags the server may take away; the others (REQUEST_TARGET, NTLM, ALWAYS_SIGN, TARGET_INFO) keep the
 * client's value in the AUTHENTICATE_MESSAGE, as in the MS-NLMP 4.2.2.3 example.
 */
const NEGOTIABLE =
  F.VERSION |
  F.UNICODE |
  F.OEM |
  F.SIGN |
  F.SEAL |
  F.DATAGRAM |
  F.LM_KEY |
  F.EXTENDED_SESSIONSECURITY |
  F.IDENTIFY |
  F.NEGOTIATE_128 |
  F.KEY_EXCH |
  F.NEGOTIATE_56;

/** UNICODE, REQUEST_TARGET, SIGN, SEAL, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, TARGET_INFO, VERSION, 128, KEY_EXCH, 56. */
export const DEFAULT_NEGOTIATE_FLAGS =
  (F.UNICODE |
    F.REQUEST_TARGET |
    F.SIGN |
    F.SEAL |
    F.NTLM |
    F.ALWAYS_SIGN |
    F.EXTENDED_SESSIONSECURITY |
    F.TARGET_INFO |
    F.VERSION |
    F.NEGOTIATE_128 |
    F.KEY_EXCH |
    F.NEGOTIATE_56) >>>
  0;

type State = "initial" | "negotiate-sent" | "complete" | "failed";

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function defaultWorkstation(): string {
  return (hostname().split(".")[0] ?? "").toUpperCase();
}

export class NtlmMechanism implements AuthMechanism {
  readonly name = "ntlm";
  readonly oid = Oid.NTLMSSP;
  /** True for anonymous credentials; the session layer may also set it from SessionFlags (guest/null). */
  isAnonymous: boolean;

  readonly #credentials: Credentials;
  readonly #options: NtlmOptions;
  readonly #level: LmCompatibilityLevel;
  readonly #spn: string | undefined;
  readonly #channelBindings: Buffer | undefined;
  #state: State = "initial";
  #negotiate: Buffer | undefined;
  #flags = 0;
  #sessionKey: Buffer | undefined;
  #security: NtlmSessionSecurity | undefined;
  #micSent = false;
  #challenge: ChallengeMessage | undefined;

  constructor(credentials: Credentials | CredentialsInit, options: NtlmOptions = {}, ctx?: AuthContext) {
    this.#credentials = credentials instanceof Credentials ? credentials : new Credentials(credentials);
    this.#options = options;
    this.isAnonymous = this.#credentials.isAnonymous;
    if (
      options.allowNtlmV1 === false &&
      options.lmCompatibilityLevel !== undefined &&
      options.lmCompatibilityLevel < 3
    ) {
      throw new AuthError(
        "ERR_SMB_AUTH_POLICY",
        `lmCompatibilityLevel ${options.lmCompatibilityLevel} needs NTLMv1, which allowNtlmV1: false forbids`,
        { mechanism: "ntlm" },
      );
    }
    const level = options.lmCompatibilityLevel ?? (options.allowNtlmV1 ? 1 : 3);
    if (!Number.isInteger(level) || level < 0 || level > 5) {
      throw new AuthError("ERR_SMB_AUTH_POLICY", `lmCompatibilityLevel must be 0..5, got ${level}`, {
        mechanism: "ntlm",
      });
    }
    this.#level = level as LmCompatibilityLevel;
    const host = ctx?.targetName;
    this.#spn = options.targetName ?? (host ? `cifs/${host}` : undefined);
    this.#channelBindings = ctx?.channelBindings;
    if (!this.#credentials.isAnonymous && !this.#credentials.hasPassword && !this.#credentials.hasNtHash) {
      throw new AuthError("ERR_SMB_AUTH_CREDENTIALS", "NTLM needs a password or an NT hash", {
        mechanism: "ntlm",
      });
    }
  }

  get complete(): boolean {
    return this.#state === "complete";
  }

  /** The ExportedSessionKey once complete. */
  get sessionKey(): Buffer | undefined {
    return this.#sessionKey ? Buffer.from(this.#sessionKey) : undefined;
  }

  /** The flags of the AUTHENTICATE_MESSAGE (0 before it is built). */
  get negotiatedFlags(): number {
    return this.#flags;
  }

  /** NTLM put a MIC in its AUTHENTICATE_MESSAGE: SPNEGO must then exchange mechListMICs (MS-SPNG 3.1.5.1). */
  get requiresMechListMic(): boolean {
    return this.#micSent;
  }

  /** The server's CHALLENGE_MESSAGE, once received (target name, target info, version). */
  get challenge(): ChallengeMessage | undefined {
    return this.#challenge;
  }

  async step(input?: Uint8Array): Promise<Buffer | undefined> {
    try {
      switch (this.#state) {
        case "initial":
          return this.#buildNegotiate();
        case "negotiate-sent":
          if (!input || input.length === 0) {
            throw new AuthError(
              "ERR_SMB_AUTH_BAD_TOKEN",
              "expected a CHALLENGE_MESSAGE, got an empty token",
              {
                mechanism: "ntlm",
              },
            );
          }
          return this.#buildAuthenticate(toBuffer(input));
        case "complete":
          if (!input || input.length === 0) return undefined;
          throw new AuthError("ERR_SMB_AUTH_STATE", "NTLM is complete; no more tokens expected", {
            mechanism: "ntlm",
          });
        default:
          throw new AuthError("ERR_SMB_AUTH_STATE", "NTLM context failed earlier", { mechanism: "ntlm" });
      }
    } catch (err) {
      if (this.#state !== "complete") this.#state = "failed";
      throw err;
    }
  }

  #random(size: number): Buffer {
    const r = this.#options.randomBytes ? this.#options.randomBytes(size) : nodeRandomBytes(size);
    if (r.length !== size) throw new RangeError(`randomBytes returned ${r.length} bytes, wanted ${size}`);
    return Buffer.from(r);
  }

  #buildNegotiate(): Buffer {
    let flags = DEFAULT_NEGOTIATE_FLAGS;
    if (this.#level === 0) flags &= ~F.EXTENDED_SESSIONSECURITY;
    this.#flags = flags >>> 0;
    const msg = encodeNegotiate({
      flags: this.#flags,
      domainName: Buffer.alloc(0),
      workstation: Buffer.alloc(0),
      version: this.#options.version ?? DEFAULT_VERSION,
    });
    this.#negotiate = msg;
    this.#state = "negotiate-sent";
    if (logging()) log("ntlm: NEGOTIATE flags=%s", formatNegotiateFlags(this.#flags));
    return msg;
  }

  #buildAuthenticate(challengeBytes: Buffer): Buffer {
    const challenge = decodeChallenge(challengeBytes);
    this.#challenge = challenge;
    const ours = this.#flags;
    let flags = ((ours & ~NEGOTIABLE) | (ours & challenge.flags & NEGOTIABLE)) >>> 0;
    if (!(flags & F.UNICODE)) flags = (flags | F.OEM) >>> 0;
    if (flags & F.EXTENDED_SESSIONSECURITY) flags &= ~F.LM_KEY;
    if (this.isAnonymous) flags |= F.ANONYMOUS;
    flags >>>= 0;
    if (logging())
      log(
        "ntlm: CHALLENGE flags=%s targetInfo=%d bytes; AUTHENTICATE flags=%s",
        formatNegotiateFlags(challenge.flags),
        challenge.targetInfo.length,
        formatNegotiateFlags(flags),
      );
    if (this.#options.require128BitKey && !(flags & F.NEGOTIATE_128)) {
      throw new AuthError("ERR_SMB_AUTH_POLICY", "the server did not grant 128-bit session keys", {
        mechanism: "ntlm",
      });
    }

    const creds = this.#credentials;
    const secrets = secretsOf(creds);
    const user = creds.username;
    const domain = creds.domain ?? "";
    const workstation = this.#options.workstation ?? creds.workstation ?? defaultWorkstation();

    let lm: Buffer;
    let nt: Buffer;
    let keyExchangeKey: Buffer;
    let mic = false;
    let useKeyExchange = (flags & F.KEY_EXCH) !== 0;

    if (this.isAnonymous) {
      // MS-NLMP 3.3.1/3.3.2: anonymous sends an empty NtChallengeResponse and LmChallengeResponse Z(1).
      nt = Buffer.alloc(0);
      lm = Buffer.alloc(1);
      keyExchangeKey = Buffer.alloc(16);
      useKeyExchange = false;
      flags = (flags & ~F.KEY_EXCH) >>> 0;
    } else {
      const ntHash = secrets.ntHash ?? ntowfv1(secrets.password ?? "");
      if (this.#level >= 3) {
        const r = this.#ntlmV2(challenge, ntHash, user, domain);
        lm = r.lm;
        nt = r.nt;
        keyExchangeKey = r.sessionBaseKey;
        mic = r.mic;
      } else {
        const lmHash =
          secrets.password !== undefined && this.#level < 2 ? lmowfv1(secrets.password) : undefined;
        const clientChallenge = this.#random(8);
        const r = computeResponseV1({
          flags,
          responseKeyNT: ntHash,
          responseKeyLM: lmHash,
          serverChallenge: challenge.serverChallenge,
          clientChallenge,
          noLmResponse: this.#level >= 2,
        });
        lm = r.lmChallengeResponse;
        nt = r.ntChallengeResponse;
        keyExchangeKey = kxkey({
          flags,
          sessionBaseKey: r.sessionBaseKey,
          lmowf: lmHash,
          lmChallengeResponse: lm,
          serverChallenge: challenge.serverChallenge,
          v2: false,
        });
      }
    }

    let exportedSessionKey = keyExchangeKey;
    let encryptedRandomSessionKey: Buffer = Buffer.alloc(0);
    if (useKeyExchange) {
      exportedSessionKey = this.#random(16);
      encryptedRandomSessionKey = rc4k(keyExchangeKey, exportedSessionKey);
    }

    const fields = {
      flags,
      lmChallengeResponse: lm,
      ntChallengeResponse: nt,
      domainName: encodeNtlmString(domain, flags),
      userName: encodeNtlmString(user, flags),
      workstation: encodeNtlmString(workstation, flags),
      encryptedRandomSessionKey,
      ...(flags & F.VERSION ? { version: this.#options.version ?? DEFAULT_VERSION } : {}),
    };
    let auth: Buffer;
    if (mic) {
      const zeroMic = encodeAuthenticate({ ...fields, mic: Buffer.alloc(16) });
      const value = computeMic(exportedSessionKey, this.#negotiate!, challengeBytes, zeroMic);
      auth = encodeAuthenticate({ ...fields, mic: value });
    } else {
      auth = encodeAuthenticate(fields);
    }

    this.#flags = flags;
    this.#sessionKey = exportedSessionKey;
    this.#micSent = mic;
    this.#security = new NtlmSessionSecurity(flags, exportedSessionKey, "client");
    this.#state = "complete";
    log(
      "ntlm: AUTHENTICATE user=%s domain=%s ws=%s %s mic=%s sessionKey=%s",
      JSON.stringify(user),
      JSON.stringify(domain),
      JSON.stringify(workstation),
      this.isAnonymous ? "anonymous" : this.#level >= 3 ? "NTLMv2" : "NTLMv1",
      mic,
      redact(exportedSessionKey),
    );
    return auth;
  }

  /** NTLMv2 responses with the server's AV pairs echoed plus MsvAvFlags/TargetName/ChannelBindings. */
  #ntlmV2(challenge: ChallengeMessage, ntHash: Buffer, user: string, domain: string) {
    const responseKey = ntowfv2(ntHash, user, domain);
    const serverInfo = TargetInfo.decode(challenge.targetInfo);
    const info = serverInfo.clone();
    const serverTime = serverInfo.timestamp;
    const mic = serverTime !== undefined && this.#options.mic !== false;
    if (mic) {
      const flagsValue = Buffer.alloc(4);
      flagsValue.writeUInt32LE(((serverInfo.flags ?? 0) | AvFlags.MIC_PRESENT) >>> 0);
      info.set(AvId.FLAGS, flagsValue);
    }
    if (this.#options.extendedProtection !== false) {
      if (!info.has(AvId.CHANNEL_BINDINGS))
        info.set(AvId.CHANNEL_BINDINGS, channelBindingsHash(this.#channelBindings));
      if (this.#spn && !info.has(AvId.TARGET_NAME))
        info.set(AvId.TARGET_NAME, Buffer.from(this.#spn, "utf16le"));
    }
    const clientChallenge = this.#random(8);
    const time = serverTime ?? this.#filetimeNow();
    const r = computeResponseV2({
      responseKeyNT: responseKey,
      serverChallenge: challenge.serverChallenge,
      clientChallenge,
      time,
      targetInfo: info.encode(),
    });
    // MS-NLMP 3.1.5.1.2 / 3.3.2: with a server timestamp the LmChallengeResponse is Z(24).
    const lm = serverTime !== undefined ? Buffer.alloc(24) : r.lmChallengeResponse;
    return { lm, nt: r.ntChallengeResponse, sessionBaseKey: r.sessionBaseKey, mic };
  }

  #filetimeNow(): Buffer {
    const now = this.#options.now?.() ?? new Date();
    const ft = typeof now === "bigint" ? now : dateToFiletime(now);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(ft);
    return b;
  }

  #requireSecurity(): NtlmSessionSecurity {
    if (!this.#security) {
      throw new AuthError("ERR_SMB_AUTH_STATE", "NTLM session security needs a complete context", {
        mechanism: "ntlm",
      });
    }
    return this.#security;
  }

  /** GSS_GetMIC with the NTLM session security (used for the SPNEGO mechListMIC). */
  getMic(data: Uint8Array): Buffer {
    return this.#requireSecurity().sign(data);
  }

  verifyMic(data: Uint8Array, mic: Uint8Array): boolean {
    return this.#requireSecurity().verify(data, mic);
  }

  resetIntegrityState(direction: "outbound" | "inbound"): void {
    this.#requireSecurity().reset(direction);
  }

  /** MS-NLMP 3.4 message integrity and confidentiality, once complete. */
  sign(message: Uint8Array): Buffer {
    return this.#requireSecurity().sign(message);
  }

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    return this.#requireSecurity().verify(message, signature);
  }

  seal(message: Uint8Array): { data: Buffer; signature: Buffer } {
    return this.#requireSecurity().seal(message);
  }

  unseal(data: Uint8Array, signature: Uint8Array): Buffer {
    return this.#requireSecurity().unseal(data, signature);
  }

  [inspect.custom](): string {
    const key = this.#sessionKey ? redact(this.#sessionKey) : "<none>";
    return `NtlmMechanism { user: ${JSON.stringify(this.#credentials.toString())}, state: '${this.#state}', flags: '${formatNegotiateFlags(this.#flags)}', sessionKey: ${key} }`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      user: this.#credentials.toString(),
      state: this.#state,
      flags: formatNegotiateFlags(this.#flags),
    };
  }
}

/** An NTLM mechanism factory for SPNEGO or direct use. */
export function ntlm(
  credentials: Credentials | CredentialsInit,
  options: NtlmOptions = {},
): AuthMechanismFactory {
  const creds = credentials instanceof Credentials ? credentials : new Credentials(credentials);
  return {
    name: "ntlm",
    oid: Oid.NTLMSSP,
    create: (ctx: AuthContext) => new NtlmMechanism(creds, options, ctx),
  };
}
