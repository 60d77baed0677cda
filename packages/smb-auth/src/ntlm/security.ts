/**
 * NTLM session security (MS-NLMP 3.4): message integrity (sign/verify, 3.4.4) and confidentiality
 * (seal/unseal, 3.4.3) with per-direction sequence numbers, for connection-oriented use (DCE/RPC, SPNEGO
 * mechListMIC). Without extended session security (NTLMv1) one RC4 keystream serves both directions and
 * the checksum is a CRC32; with it each direction has its own signing key, sealing key and keystream.
 */
import { timingSafeEqual } from "node:crypto";
import { inspect } from "node:util";
import { crc32 } from "node:zlib";
import { hmacMd5, Rc4 } from "smb-crypto";
import { bytes, constant, struct, u32 } from "smb-structures";
import { AuthError } from "../errors.js";
import { NegotiateFlags } from "./constants.js";
import { type Mode, sealKey, signKey } from "./crypto.js";

/** NTLMSSP_MESSAGE_SIGNATURE without extended session security (2.2.2.9.1). */
export const SignatureV1 = struct(
  "NTLMSSP_MESSAGE_SIGNATURE",
  { version: constant(u32, 1), randomPad: u32, checksum: bytes(4), seqNum: u32 },
  { spec: "MS-NLMP 2.2.2.9.1" },
);
/** NTLMSSP_MESSAGE_SIGNATURE with extended session security (2.2.2.9.2). */
export const SignatureEss = struct(
  "NTLMSSP_MESSAGE_SIGNATURE",
  { version: constant(u32, 1), checksum: bytes(8), seqNum: u32 },
  { spec: "MS-NLMP 2.2.2.9.2" },
);
export const SIGNATURE_SIZE = SignatureEss.fixedSize;

const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  u32.write(b, 0, n >>> 0);
  return b;
};
const ZERO4 = Buffer.alloc(4);

export class NtlmSessionSecurity {
  readonly flags: number;
  readonly #ess: boolean;
  readonly #outSignKey: Buffer | undefined;
  readonly #inSignKey: Buffer | undefined;
  readonly #outSealKey: Buffer;
  readonly #inSealKey: Buffer;
  #outHandle: Rc4;
  #inHandle: Rc4;
  #outSeq = 0;
  #inSeq = 0;

  /**
   * @param flags the negotiated flags (the AUTHENTICATE_MESSAGE's)
   * @param exportedSessionKey the ExportedSessionKey
   * @param role "client" (initiator: signs with the client-to-server keys) or "server"
   */
  constructor(flags: number, exportedSessionKey: Uint8Array, role: Mode = "client") {
    this.flags = flags >>> 0;
    this.#ess = (this.flags & NegotiateFlags.EXTENDED_SESSIONSECURITY) !== 0;
    const peer: Mode = role === "client" ? "server" : "client";
    this.#outSignKey = signKey(this.flags, exportedSessionKey, role);
    this.#inSignKey = signKey(this.flags, exportedSessionKey, peer);
    this.#outSealKey = sealKey(this.flags, exportedSessionKey, role);
    this.#inSealKey = sealKey(this.flags, exportedSessionKey, peer);
    this.#outHandle = new Rc4(this.#outSealKey);
    // Without ESS a single RC4 state is shared by both directions (as Windows and Samba do).
    this.#inHandle = this.#ess ? new Rc4(this.#inSealKey) : this.#outHandle;
  }

  /** Sequence numbers of the next outbound and inbound messages. */
  get sequence(): { outbound: number; inbound: number } {
    return { outbound: this.#outSeq, inbound: this.#inSeq };
  }

  /** GSS_GetMIC: the 16-byte signature of `message` with the next outbound sequence number. */
  sign(message: Uint8Array): Buffer {
    if (!(this.flags & NegotiateFlags.SIGN)) {
      if (this.flags & NegotiateFlags.ALWAYS_SIGN) return dummySignature();
      throw new AuthError("ERR_SMB_AUTH_STATE", "NTLM signing was not negotiated", { mechanism: "ntlm" });
    }
    const sig = this.#mac(this.#outHandle, this.#outSignKey, this.#outSeq, message);
    this.#outSeq = (this.#outSeq + 1) >>> 0;
    return sig;
  }

  /** GSS_VerifyMIC: true when `signature` is the peer's signature of `message` at the next inbound number. */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== SIGNATURE_SIZE) return false;
    if (!(this.flags & NegotiateFlags.SIGN)) {
      return (this.flags & NegotiateFlags.ALWAYS_SIGN) !== 0 && timingSafeEqual(dummySignature(), signature);
    }
    const expected = this.#mac(this.#inHandle, this.#inSignKey, this.#inSeq, message);
    // Without ESS the RandomPad field is not covered (senders zero it after encrypting it).
    const from = this.#ess ? 0 : SignatureV1.fixedSize - 8;
    const ok = timingSafeEqual(expected.subarray(from), Buffer.from(signature).subarray(from));
    if (ok) this.#inSeq = (this.#inSeq + 1) >>> 0;
    return ok;
  }

  /** GSS_WrapEx with confidentiality: the encrypted message and its signature (3.4.3). */
  seal(message: Uint8Array): { data: Buffer; signature: Buffer } {
    this.#requireSeal();
    const data = this.#outHandle.update(message);
    const signature = this.#mac(this.#outHandle, this.#outSignKey, this.#outSeq, message);
    this.#outSeq = (this.#outSeq + 1) >>> 0;
    return { data, signature };
  }

  /** GSS_UnwrapEx: decrypts and verifies; throws ERR_SMB_AUTH_MIC when the signature does not match. */
  unseal(data: Uint8Array, signature: Uint8Array): Buffer {
    this.#requireSeal();
    const message = this.#inHandle.update(data);
    if (!this.verify(message, signature)) {
      throw new AuthError("ERR_SMB_AUTH_MIC", "NTLM sealed message signature mismatch", {
        mechanism: "ntlm",
      });
    }
    return message;
  }

  /** Restarts the RC4 keystream of one direction (after the SPNEGO mechListMIC, as Windows does). */
  reset(direction: "outbound" | "inbound"): void {
    if (!this.#ess) {
      this.#outHandle = new Rc4(this.#outSealKey);
      this.#inHandle = this.#outHandle;
    } else if (direction === "outbound") {
      this.#outHandle = new Rc4(this.#outSealKey);
    } else {
      this.#inHandle = new Rc4(this.#inSealKey);
    }
  }

  #requireSeal(): void {
    if (!(this.flags & NegotiateFlags.SEAL)) {
      throw new AuthError("ERR_SMB_AUTH_STATE", "NTLM sealing was not negotiated", { mechanism: "ntlm" });
    }
  }

  /** MAC (3.4.4.1 without ESS, 3.4.4.2 with ESS). */
  #mac(handle: Rc4, key: Buffer | undefined, seq: number, message: Uint8Array): Buffer {
    if (this.#ess) {
      let checksum = hmacMd5(key!, u32le(seq), message).subarray(0, 8);
      if (this.flags & NegotiateFlags.KEY_EXCH) checksum = handle.update(checksum);
      return SignatureEss.encode({ checksum, seqNum: seq >>> 0 });
    }
    const crc = u32le(crc32(message));
    handle.update(ZERO4); // RandomPad = RC4(Handle, RandomPad), then reset to 0
    const checksum = handle.update(crc);
    const seqNum = (u32.read(handle.update(ZERO4), 0) ^ seq) >>> 0;
    return SignatureV1.encode({ randomPad: 0, checksum, seqNum });
  }

  [inspect.custom](): string {
    return `NtlmSessionSecurity { ess: ${this.#ess}, outbound: ${this.#outSeq}, inbound: ${this.#inSeq}, keys: <hidden> }`;
  }

  toJSON(): Record<string, unknown> {
    return { ess: this.#ess, outbound: this.#outSeq, inbound: this.#inSeq };
  }
}

/** The signature sent when only NTLMSSP_NEGOTIATE_ALWAYS_SIGN was negotiated (3.4.4). */
function dummySignature(): Buffer {
  return SignatureV1.encode({ randomPad: 0, checksum: Buffer.alloc(4), seqNum: 0 });
}
