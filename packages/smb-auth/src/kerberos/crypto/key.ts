/**
 * A Kerberos key (EncryptionKey: enctype + bytes). The bytes live in a private field and never show in
 * util.inspect, JSON or error messages; callers that must hand them on (the GSS session key for SMB) use
 * the explicit {@link KerberosKey.exportBytes}.
 */
import { type EncryptionProfile, enctypeName, profileOf } from "./enctypes.js";

export class KerberosKey {
  readonly enctype: number;
  readonly #bytes: Buffer;
  readonly #profile: EncryptionProfile;

  constructor(enctype: number, bytes: Uint8Array) {
    this.#profile = profileOf(enctype);
    if (bytes.length !== this.#profile.keySize) {
      throw new RangeError(
        `${this.#profile.name} key must be ${this.#profile.keySize} bytes, got ${bytes.length}`,
      );
    }
    this.enctype = enctype;
    this.#bytes = Buffer.from(bytes);
  }

  /** Long-term key from a password (salt and s2kparams from ETYPE-INFO2, or the default salt). */
  static fromPassword(
    enctype: number,
    password: string,
    salt: string | Uint8Array,
    params?: Uint8Array,
  ): KerberosKey {
    return new KerberosKey(enctype, profileOf(enctype).stringToKey(password, salt, params));
  }

  /** A fresh random key (AP-REQ subkeys). */
  static random(enctype: number): KerberosKey {
    return new KerberosKey(enctype, profileOf(enctype).randomKey());
  }

  get name(): string {
    return enctypeName(this.enctype);
  }

  get profile(): EncryptionProfile {
    return this.#profile;
  }

  /** The raw key bytes (a copy). */
  exportBytes(): Buffer {
    return Buffer.from(this.#bytes);
  }

  encrypt(usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    return this.#profile.encrypt(this.#bytes, usage, plaintext, confounder);
  }

  decrypt(usage: number, ciphertext: Uint8Array): Buffer {
    return this.#profile.decrypt(this.#bytes, usage, ciphertext);
  }

  checksum(usage: number, data: Uint8Array): Buffer {
    return this.#profile.checksum(this.#bytes, usage, data);
  }

  prf(data: Uint8Array): Buffer {
    return this.#profile.prf(this.#bytes, data);
  }

  equals(other: KerberosKey): boolean {
    return other.enctype === this.enctype && other.#bytes.equals(this.#bytes);
  }

  toJSON(): { enctype: number; key: string } {
    return { enctype: this.enctype, key: "<hidden>" };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `KerberosKey { ${this.name}, <hidden> }`;
  }
}
