import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type DecipherCCM,
  type DecipherGCM,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { DecryptionError, NonceExhaustedError } from "./errors.js";
import { totalLength } from "./segments.js";
import {
  isTransformMessage,
  TRANSFORM_AAD_OFFSET,
  TRANSFORM_FLAG_ENCRYPTED,
  TRANSFORM_HEADER_SIZE,
  TransformField,
  writeTransformHeader,
} from "./transform-layout.js";

/**
 * SMB 3.x message encryption, MS-SMB2 3.1.4.3 (encrypt) and 3.1.5.1 (decrypt), with the
 * TRANSFORM_HEADER of 2.2.41. AES-CCM (NIST SP800-38C, RFC 4309) and AES-GCM (NIST SP800-38D) come from
 * OpenSSL through node:crypto; the tag is 16 bytes and becomes the header's Signature.
 */
export type CipherAlgorithm = "AES-128-CCM" | "AES-128-GCM" | "AES-256-CCM" | "AES-256-GCM";

/** Wire ids (MS-SMB2 2.2.3.1.2 SMB2_ENCRYPTION_CAPABILITIES). */
export const CipherId = {
  "AES-128-CCM": 0x0001,
  "AES-128-GCM": 0x0002,
  "AES-256-CCM": 0x0003,
  "AES-256-GCM": 0x0004,
} as const satisfies Record<CipherAlgorithm, number>;

/** The CipherAlgorithm for a wire cipher id, or undefined for an unknown id. */
export function cipherAlgorithmFromId(id: number): CipherAlgorithm | undefined {
  for (const [name, value] of Object.entries(CipherId)) if (value === id) return name as CipherAlgorithm;
  return undefined;
}

interface CipherSpec {
  readonly node: "aes-128-ccm" | "aes-128-gcm" | "aes-256-ccm" | "aes-256-gcm";
  readonly keySize: number;
  readonly ccm: boolean;
  /** Bytes of the 16-byte Nonce field used as the AEAD nonce: 11 for CCM, 12 for GCM. */
  readonly nonceSize: number;
}

const SPECS: Record<CipherAlgorithm, CipherSpec> = {
  "AES-128-CCM": { node: "aes-128-ccm", keySize: 16, ccm: true, nonceSize: 11 },
  "AES-128-GCM": { node: "aes-128-gcm", keySize: 16, ccm: false, nonceSize: 12 },
  "AES-256-CCM": { node: "aes-256-ccm", keySize: 32, ccm: true, nonceSize: 11 },
  "AES-256-GCM": { node: "aes-256-gcm", keySize: 32, ccm: false, nonceSize: 12 },
};

const TAG_SIZE = 16;
/**
 * GCM streams: large buffers go through OpenSSL in slices of this size. Each update() returns a fresh
 * output buffer; at 64 KiB those come from malloc's free lists, whereas one output of a megabyte or more
 * is a fresh mmap (page faults on every 4 KiB, kernel zeroing) and external memory that provokes GCs.
 */
const SLICE = 64 * 1024;
const MAX_MESSAGE_SIZE = 0xffffffff; // OriginalMessageSize is 32-bit

/** Options of {@link MessageCipher}; meant for known-answer tests and for splitting one key's nonces. */
export interface MessageCipherOptions {
  /**
   * Fixed nonce prefix (4 bytes for GCM, 3 for CCM) instead of a random one. Two instances with the same
   * key must never share a prefix, or nonces repeat.
   */
  noncePrefix?: Uint8Array;
  /** First value of the 64-bit message counter (default 0). */
  initialCounter?: bigint;
}

/**
 * Encrypts and decrypts SMB2 messages under one key (Session.EncryptionKey for sending,
 * Session.DecryptionKey for receiving: use one instance per direction).
 *
 * Nonces: each instance draws a random prefix (4 bytes for GCM, 3 bytes for CCM) and appends a 64-bit
 * little-endian counter that increments per message, so the AEAD nonce is prefix || counter (12 bytes
 * for GCM, 11 for CCM) and never repeats within an instance; {@link encrypt} throws
 * {@link NonceExhaustedError} instead of wrapping the counter. The random prefix keeps nonces distinct
 * across instances that share a key (e.g. one per channel); sharing one instance per session key is
 * better still.
 */
export class MessageCipher {
  readonly algorithm: CipherAlgorithm;
  readonly #spec: CipherSpec;
  readonly #key: KeyObject;
  readonly #prefix: Buffer;
  #counterLo: number;
  #counterHi: number;
  #exhausted = false;
  /** Reusable buffer for CCM, which needs the whole plaintext in one update call. */
  #scratch: Buffer = Buffer.alloc(0);

  constructor(alg: CipherAlgorithm, key: Uint8Array, options: MessageCipherOptions = {}) {
    const spec = SPECS[alg];
    if (spec === undefined) throw new TypeError(`unknown cipher: ${String(alg)}`);
    if (key.length !== spec.keySize) throw new RangeError(`${alg} key must be ${spec.keySize} bytes`);
    this.algorithm = alg;
    this.#spec = spec;
    this.#key = createSecretKey(Buffer.from(key));
    const prefixSize = spec.nonceSize - 8;
    if (options.noncePrefix !== undefined && options.noncePrefix.length !== prefixSize) {
      throw new RangeError(`${alg} nonce prefix must be ${prefixSize} bytes`);
    }
    this.#prefix = options.noncePrefix ? Buffer.from(options.noncePrefix) : randomBytes(prefixSize);
    const start = options.initialCounter ?? 0n;
    if (start < 0n || start > 0xffffffffffffffffn) throw new RangeError("initialCounter must be a u64");
    this.#counterLo = Number(start & 0xffffffffn);
    this.#counterHi = Number(start >> 32n);
  }

  /**
   * Encrypts one SMB2 message (a single message or a compound chain) given as segments. Returns the
   * 52-byte transform header followed by the ciphertext buffer(s), ready for `socket.writev`/`cork`.
   * OriginalMessageSize is the total plaintext length, Flags = 0x0001 (Encrypted).
   */
  encrypt(plainSegments: readonly Uint8Array[], sessionId: bigint): Buffer[] {
    const spec = this.#spec;
    const total = totalLength(plainSegments);
    if (total > MAX_MESSAGE_SIZE) throw new RangeError("message exceeds 4 GiB");
    if (this.#exhausted) throw new NonceExhaustedError();

    const header = Buffer.allocUnsafe(TRANSFORM_HEADER_SIZE);
    const nonce = Buffer.allocUnsafe(spec.nonceSize);
    this.#prefix.copy(nonce, 0);
    nonce.writeUInt32LE(this.#counterLo, spec.nonceSize - 8);
    nonce.writeUInt32LE(this.#counterHi, spec.nonceSize - 4);
    writeTransformHeader(header, {
      nonce,
      originalMessageSize: total,
      flags: TRANSFORM_FLAG_ENCRYPTED,
      sessionId,
    });
    this.#advanceCounter();
    const aad = header.subarray(TRANSFORM_AAD_OFFSET, TRANSFORM_HEADER_SIZE);
    const out: Buffer[] = [header];

    if (spec.ccm) {
      const cipher = createCipheriv(spec.node as "aes-128-ccm", this.#key, nonce, {
        authTagLength: TAG_SIZE,
      });
      cipher.setAAD(aad, { plaintextLength: total });
      out.push(cipher.update(this.#contiguous(plainSegments, total)));
      cipher.final();
      cipher.getAuthTag().copy(header, TransformField.signature.offset);
    } else {
      const cipher = createCipheriv(spec.node as "aes-128-gcm", this.#key, nonce, {
        authTagLength: TAG_SIZE,
      });
      cipher.setAAD(aad);
      for (const seg of plainSegments) {
        const n = seg.length;
        if (n <= SLICE) {
          if (n > 0) out.push(cipher.update(seg));
          continue;
        }
        for (let o = 0; o < n; o += SLICE) out.push(cipher.update(seg.subarray(o, Math.min(n, o + SLICE))));
      }
      cipher.final();
      cipher.getAuthTag().copy(header, TransformField.signature.offset);
    }
    return out;
  }

  /**
   * Decrypts a transformed message (52-byte transform header + ciphertext) and returns the plaintext SMB2
   * message. Throws {@link DecryptionError} when the message is truncated, has the wrong ProtocolId or
   * Flags, an OriginalMessageSize that differs from the ciphertext length, or fails authentication
   * (wrong key, or any tampered byte of the header's Nonce..SessionId, the ciphertext or the Signature).
   * Checking that SessionId belongs to this key is the caller's job.
   *
   * `output`, when given, must be exactly OriginalMessageSize bytes: GCM then writes the plaintext into
   * it (in slices, no large allocation) and returns it; CCM, which OpenSSL only does in one call, returns
   * a buffer of its own. `output` may be the ciphertext part of `message` itself (in place: each slice is
   * written back only after OpenSSL consumed it). On failure `output` holds garbage.
   */
  decrypt(message: Uint8Array, output?: Buffer): Buffer {
    const spec = this.#spec;
    if (message.length < TRANSFORM_HEADER_SIZE) {
      throw new DecryptionError("truncated", `transformed message of ${message.length} bytes is truncated`);
    }
    if (!isTransformMessage(message)) {
      throw new DecryptionError(
        "bad-protocol-id",
        "not an SMB2 TRANSFORM_HEADER (ProtocolId is not 0xFD 'SMB')",
      );
    }
    const v = new DataView(message.buffer, message.byteOffset, message.byteLength);
    const flags = v.getUint16(TransformField.flags.offset, true);
    if (flags !== TRANSFORM_FLAG_ENCRYPTED) {
      throw new DecryptionError(
        "bad-flags",
        `unsupported transform Flags/EncryptionAlgorithm 0x${flags.toString(16)}`,
      );
    }
    const size = v.getUint32(TransformField.originalMessageSize.offset, true);
    const ciphertext = message.subarray(TRANSFORM_HEADER_SIZE);
    if (size !== ciphertext.length) {
      throw new DecryptionError(
        "size-mismatch",
        `OriginalMessageSize ${size} does not match the ${ciphertext.length}-byte ciphertext`,
      );
    }
    const nonceAt = TransformField.nonce.offset;
    const nonce = message.subarray(nonceAt, nonceAt + spec.nonceSize);
    const tag = message.subarray(TransformField.signature.offset, TransformField.signature.offset + TAG_SIZE);
    const aad = message.subarray(TRANSFORM_AAD_OFFSET, TRANSFORM_HEADER_SIZE);
    try {
      let plain: Buffer;
      if (spec.ccm) {
        const d: DecipherCCM = createDecipheriv(spec.node as "aes-128-ccm", this.#key, nonce, {
          authTagLength: TAG_SIZE,
        });
        d.setAuthTag(tag);
        d.setAAD(aad, { plaintextLength: size });
        plain = d.update(ciphertext);
        d.final();
      } else {
        const d: DecipherGCM = createDecipheriv(spec.node as "aes-128-gcm", this.#key, nonce, {
          authTagLength: TAG_SIZE,
        });
        d.setAuthTag(tag);
        d.setAAD(aad);
        if (output !== undefined && output.length === size) {
          for (let o = 0; o < size; o += SLICE) {
            const part = d.update(ciphertext.subarray(o, Math.min(size, o + SLICE)));
            output.set(part, o);
          }
          plain = output;
        } else {
          plain = d.update(ciphertext);
        }
        d.final();
      }
      return plain;
    } catch (err) {
      throw new DecryptionError("bad-tag", "transformed message failed authentication", { cause: err });
    }
  }

  /** Messages this instance can still encrypt before its nonce counter is exhausted. */
  get remainingNonces(): bigint {
    if (this.#exhausted) return 0n;
    const used = (BigInt(this.#counterHi) << 32n) | BigInt(this.#counterLo);
    return (1n << 64n) - used;
  }

  #advanceCounter(): void {
    this.#counterLo = (this.#counterLo + 1) >>> 0;
    if (this.#counterLo === 0) {
      this.#counterHi = (this.#counterHi + 1) >>> 0;
      if (this.#counterHi === 0) this.#exhausted = true;
    }
  }

  /** The plaintext as one buffer: the segment itself when there is one, else a copy into the scratch. */
  #contiguous(segments: readonly Uint8Array[], total: number): Uint8Array {
    const nonEmpty = segments.filter((s) => s.length > 0);
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    if (this.#scratch.length < total) {
      this.#scratch = Buffer.allocUnsafe(
        Math.max(total, Math.min(this.#scratch.length * 2, MAX_MESSAGE_SIZE)),
      );
    }
    let off = 0;
    for (const s of nonEmpty) {
      this.#scratch.set(s, off);
      off += s.length;
    }
    return this.#scratch.subarray(0, total);
  }

  /** Keeps key material out of `util.inspect` / console.log output. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `MessageCipher { algorithm: '${this.algorithm}', key: <hidden> }`;
  }
}

/**
 * Both directions of one session for a client: encrypts requests with Session.EncryptionKey
 * (client-to-server) and decrypts replies with Session.DecryptionKey (server-to-client). A server would
 * pass the keys the other way round.
 */
export class SessionCipher {
  readonly algorithm: CipherAlgorithm;
  readonly #outbound: MessageCipher;
  readonly #inbound: MessageCipher;

  constructor(alg: CipherAlgorithm, encryptionKey: Uint8Array, decryptionKey: Uint8Array) {
    this.algorithm = alg;
    this.#outbound = new MessageCipher(alg, encryptionKey);
    this.#inbound = new MessageCipher(alg, decryptionKey);
  }

  /** See {@link MessageCipher.encrypt}. */
  encrypt(plainSegments: readonly Uint8Array[], sessionId: bigint): Buffer[] {
    return this.#outbound.encrypt(plainSegments, sessionId);
  }

  /** See {@link MessageCipher.decrypt}. */
  decrypt(message: Uint8Array, output?: Buffer): Buffer {
    return this.#inbound.decrypt(message, output);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SessionCipher { algorithm: '${this.algorithm}', keys: <hidden> }`;
  }
}
