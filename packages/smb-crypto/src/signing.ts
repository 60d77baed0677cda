import { createCipheriv, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { AesCmac } from "./cmac.js";
import { SignatureMismatchError } from "./errors.js";
import {
  copyRange,
  forEachSigningPiece,
  SIGNATURE_OFFSET,
  SIGNATURE_SIZE,
  SMB2_HEADER_SIZE,
  totalLength,
  writeRange,
} from "./segments.js";

/**
 * SMB2/3 message signing, MS-SMB2 3.1.4.1:
 * - 2.0.2 / 2.1: HMAC-SHA256 truncated to 16 bytes;
 * - 3.0 / 3.0.2 / 3.1.1: AES-128-CMAC (RFC 4493);
 * - 3.1.1 with SMB2_SIGNING_CAPABILITIES: AES-128-GMAC (AES-GCM, empty plaintext, message as AAD).
 * The signature covers the whole message (header + body, or one compound element) with the header's
 * Signature field (bytes 48..63) taken as zero. Setting SMB2_FLAGS_SIGNED is the caller's job and must
 * happen before signing, since the flags are covered.
 */
export type SigningAlgorithm = "HMAC-SHA256" | "AES-128-CMAC" | "AES-128-GMAC";

/** Wire ids of the signing algorithms (MS-SMB2 2.2.3.1.7 SMB2_SIGNING_CAPABILITIES). */
export const SigningAlgorithmId = {
  "HMAC-SHA256": 0x0000,
  "AES-128-CMAC": 0x0001,
  "AES-128-GMAC": 0x0002,
} as const satisfies Record<SigningAlgorithm, number>;

/** SMB2 header offsets used to build the GMAC nonce (MS-SMB2 2.2.1). */
const HDR_COMMAND = 12;
const HDR_FLAGS = 16;
const HDR_MESSAGE_ID = 24;
const SMB2_FLAGS_SERVER_TO_REDIR = 0x00000001;
const SMB2_CANCEL = 0x000c;

/** Computes and checks SMB2 message signatures with one signing key. */
export class Signer {
  readonly algorithm: SigningAlgorithm;
  readonly #key: KeyObject;
  readonly #cmac: AesCmac | undefined;
  /** Scratch for the header (GMAC nonce fields) and the received signature. */
  readonly #header = Buffer.alloc(SMB2_HEADER_SIZE);
  readonly #received = Buffer.alloc(SIGNATURE_SIZE);

  constructor(alg: SigningAlgorithm, key: Uint8Array) {
    if (alg !== "HMAC-SHA256" && alg !== "AES-128-CMAC" && alg !== "AES-128-GMAC") {
      throw new TypeError(`unknown signing algorithm: ${String(alg)}`);
    }
    if (alg === "HMAC-SHA256" ? key.length === 0 : key.length !== 16) {
      throw new RangeError(`${alg} signing key must be ${alg === "HMAC-SHA256" ? "non-empty" : "16 bytes"}`);
    }
    this.algorithm = alg;
    this.#key = createSecretKey(Buffer.from(key));
    this.#cmac = alg === "AES-128-CMAC" ? new AesCmac(this.#key) : undefined;
  }

  /**
   * The 16-byte signature of the message formed by concatenating `segments` (segments[0] starts with the
   * 64-byte SMB2 header; segment boundaries may fall anywhere). Nothing is concatenated.
   */
  sign(segments: readonly Uint8Array[]): Buffer {
    if (totalLength(segments) < SMB2_HEADER_SIZE)
      throw new RangeError("message shorter than the SMB2 header");
    switch (this.algorithm) {
      case "HMAC-SHA256": {
        const h = createHmac("sha256", this.#key);
        forEachSigningPiece(segments, (p) => h.update(p));
        return h.digest().subarray(0, SIGNATURE_SIZE);
      }
      case "AES-128-CMAC": {
        const s = this.#cmac!.start();
        forEachSigningPiece(segments, (p) => s.update(p));
        return s.digest();
      }
      case "AES-128-GMAC": {
        const g = createCipheriv("aes-128-gcm", this.#key, this.#gmacNonce(segments), { authTagLength: 16 });
        forEachSigningPiece(segments, (p) => g.setAAD(p));
        g.final();
        return g.getAuthTag();
      }
    }
  }

  /** Signs and writes the signature into the header's Signature field (bytes 48..63). */
  signInPlace(segments: readonly Uint8Array[]): void {
    writeRange(segments, SIGNATURE_OFFSET, this.sign(segments));
  }

  /** True when the header's Signature field matches; compared in constant time. */
  verify(segments: readonly Uint8Array[]): boolean {
    const expected = this.sign(segments);
    copyRange(segments, SIGNATURE_OFFSET, this.#received);
    return timingSafeEqual(expected, this.#received);
  }

  /** Like {@link verify} but throws {@link SignatureMismatchError} on a mismatch. */
  verifyOrThrow(segments: readonly Uint8Array[]): void {
    if (!this.verify(segments)) throw new SignatureMismatchError();
  }

  /**
   * MS-SMB2 3.1.4.1 AES-GMAC nonce (12 bytes): MessageId (8 bytes, as in the header), then a 32-bit
   * little-endian word whose bit 0 is set for server-to-client messages (SMB2_FLAGS_SERVER_TO_REDIR) and
   * bit 1 for SMB2 CANCEL requests.
   */
  #gmacNonce(segments: readonly Uint8Array[]): Buffer {
    const hdr = this.#header;
    copyRange(segments, 0, hdr);
    const nonce = Buffer.alloc(12);
    hdr.copy(nonce, 0, HDR_MESSAGE_ID, HDR_MESSAGE_ID + 8);
    let bits = 0;
    if (hdr.readUInt32LE(HDR_FLAGS) & SMB2_FLAGS_SERVER_TO_REDIR) bits |= 1;
    if (hdr.readUInt16LE(HDR_COMMAND) === SMB2_CANCEL) bits |= 2;
    nonce.writeUInt32LE(bits, 8);
    return nonce;
  }

  /** Keeps key material out of `util.inspect` / console.log output. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Signer { algorithm: '${this.algorithm}', key: <hidden> }`;
  }
}

/** One-shot signature of `segments` (see {@link Signer.sign}). */
export function signatureOf(alg: SigningAlgorithm, key: Uint8Array, segments: readonly Uint8Array[]): Buffer {
  return new Signer(alg, key).sign(segments);
}

/** One-shot AES-CMAC (RFC 4493) of the concatenation of `parts` under a 16/24/32-byte AES key. */
export function aesCmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  return new AesCmac(key).mac(...parts);
}
