import { createHash } from "node:crypto";

const HASH_SIZE = 64;

/**
 * SMB 3.1.1 preauthentication integrity hash (MS-SMB2 3.2.5.2, 3.2.5.3.1, 3.3.5.4): starting from 64
 * zero bytes, every NEGOTIATE and SESSION_SETUP request/response (except the final SESSION_SETUP
 * response) is folded in as H = SHA-512(H || message). The connection's value after NEGOTIATE seeds each
 * session's value: use {@link clone}.
 */
export class PreauthHash {
  #value: Buffer;

  constructor(initial?: Uint8Array) {
    if (initial !== undefined && initial.length !== HASH_SIZE)
      throw new RangeError("preauth hash is 64 bytes");
    this.#value = initial === undefined ? Buffer.alloc(HASH_SIZE) : Buffer.from(initial);
  }

  /** H = SHA-512(H || message); `message` may be given as segments (hashed without concatenating). */
  update(message: Uint8Array | readonly Uint8Array[]): this {
    const h = createHash("sha512");
    h.update(this.#value);
    if (message instanceof Uint8Array) h.update(message);
    else for (const seg of message) h.update(seg);
    this.#value = h.digest();
    return this;
  }

  /** A copy of the current 64-byte value. */
  get value(): Buffer {
    return Buffer.from(this.#value);
  }

  clone(): PreauthHash {
    return new PreauthHash(this.#value);
  }
}
