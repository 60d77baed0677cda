import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CipherAlgorithm,
  Dialect,
  deriveSessionKeys,
  KdfLabels,
  kdf,
  PreauthHash,
} from "../src/index.js";
import { hex, opensslVectors } from "./helpers.js";
import { preauth, smb30, smb311Ccm, smb311Gcm } from "./vectors/microsoft-blogs.js";

const keysHex = (k: ReturnType<typeof deriveSessionKeys>) => ({
  signingKey: k.signingKey.toString("hex"),
  encryptionKey: k.encryptionKey.toString("hex"),
  decryptionKey: k.decryptionKey.toString("hex"),
  applicationKey: k.applicationKey.toString("hex"),
});
const lower = (v: {
  signingKey: string;
  encryptionKey: string;
  decryptionKey: string;
  applicationKey: string;
}) => ({
  signingKey: v.signingKey.toLowerCase(),
  encryptionKey: v.encryptionKey.toLowerCase(),
  decryptionKey: v.decryptionKey.toLowerCase(),
  applicationKey: v.applicationKey.toLowerCase(),
});

describe("kdf (SP800-108 counter mode, HMAC-SHA256)", () => {
  it("matches openssl KBKDF for 128- and 256-bit outputs", () => {
    expect(opensslVectors.kdf.length).toBe(4);
    for (const v of opensslVectors.kdf) {
      expect(kdf(hex(v.key), hex(v.label), hex(v.context), v.lengthBits).toString("hex")).toBe(v.output);
    }
  });

  it("L is part of the PRF input: a 256-bit key does not start with the 128-bit key", () => {
    const k = hex("000102030405060708090a0b0c0d0e0f");
    const a = kdf(k, KdfLabels.smb311.encryption, new Uint8Array(64), 128);
    const b = kdf(k, KdfLabels.smb311.encryption, new Uint8Array(64), 256);
    expect(a.length).toBe(16);
    expect(b.length).toBe(32);
    expect(b.subarray(0, 16).equals(a)).toBe(false);
  });

  it("labels carry their NUL terminator", () => {
    expect(KdfLabels.smb30.encryption.context.toString("latin1")).toBe("ServerIn \0");
    expect(KdfLabels.smb30.decryption.context.toString("latin1")).toBe("ServerOut\0");
    expect(KdfLabels.smb311.signing.toString("latin1")).toBe("SMBSigningKey\0");
  });

  it("rejects other output lengths", () => {
    expect(() => kdf(new Uint8Array(16), new Uint8Array(1), new Uint8Array(1), 192 as 128)).toThrow(
      RangeError,
    );
  });
});

describe("deriveSessionKeys (MS-SMB2 3.2.5.3.1)", () => {
  it("SMB 3.0 (Microsoft 'Encryption in SMB 3.0' blog)", () => {
    const k = deriveSessionKeys({ dialect: Dialect.SMB300, sessionKey: hex(smb30.sessionKey) });
    expect(keysHex(k)).toEqual(lower(smb30));
    // 3.0.2 uses the same derivation.
    expect(keysHex(deriveSessionKeys({ dialect: 0x0302, sessionKey: hex(smb30.sessionKey) }))).toEqual(
      lower(smb30),
    );
  });

  for (const v of [smb311Gcm, smb311Ccm]) {
    it(`SMB 3.1.1 with ${v.cipher} (Microsoft 'SMB 3.1.1 Encryption in Windows 10' blog)`, () => {
      const k = deriveSessionKeys({
        dialect: Dialect.SMB311,
        sessionKey: hex(v.sessionKey),
        preauthHash: hex(v.preauthHash),
        cipher: v.cipher,
      });
      expect(keysHex(k)).toEqual(lower(v));
    });
  }

  it("SMB 3.1.1 signing key from the preauth integrity blog", () => {
    const h = new PreauthHash();
    for (const s of preauth.steps) h.update(hex(s.message));
    const k = deriveSessionKeys({
      dialect: 0x0311,
      sessionKey: hex(preauth.sessionKey),
      preauthHash: h.value,
    });
    expect(k.signingKey.toString("hex")).toBe(preauth.signingKey.toLowerCase());
  });

  it("SMB 3.1.1 AES-256: full session key and L = 256 for the cipher keys (openssl KBKDF)", () => {
    const v = opensslVectors.derive311Aes256;
    for (const cipher of ["AES-256-GCM", "AES-256-CCM"] as CipherAlgorithm[]) {
      const k = deriveSessionKeys({
        dialect: 0x0311,
        sessionKey: hex(v.sessionKey),
        preauthHash: hex(v.preauthHash),
        cipher,
      });
      expect(k.encryptionKey.length).toBe(32);
      expect(keysHex(k)).toEqual({
        signingKey: v.signingKey,
        encryptionKey: v.encryptionKey,
        decryptionKey: v.decryptionKey,
        applicationKey: v.applicationKey,
      });
    }
    // With an AES-128 cipher only the first 16 bytes of the GSS key matter.
    const a = deriveSessionKeys({
      dialect: 0x0311,
      sessionKey: hex(v.sessionKey),
      preauthHash: hex(v.preauthHash),
      cipher: "AES-128-GCM",
    });
    const b = deriveSessionKeys({
      dialect: 0x0311,
      sessionKey: hex(v.sessionKey).subarray(0, 16),
      preauthHash: hex(v.preauthHash),
      cipher: "AES-128-GCM",
    });
    expect(keysHex(a)).toEqual(keysHex(b));
    expect(a.signingKey.toString("hex")).toBe(v.signingKey);
  });

  it("SMB 2.0.2 / 2.1: the signing key is the session key (first 16 bytes, zero-padded)", () => {
    const k = deriveSessionKeys({
      dialect: Dialect.SMB210,
      sessionKey: hex("0102030405060708090a0b0c0d0e0f1011"),
    });
    expect(k.signingKey.toString("hex")).toBe("0102030405060708090a0b0c0d0e0f10");
    expect(k.encryptionKey.length).toBe(0);
    expect(k.decryptionKey.length).toBe(0);
    expect(k.applicationKey.toString("hex")).toBe("0102030405060708090a0b0c0d0e0f10");
    const short = deriveSessionKeys({ dialect: Dialect.SMB202, sessionKey: hex("aabb") });
    expect(short.signingKey.toString("hex")).toBe("aabb0000000000000000000000000000");
  });

  it("a short GSS key is right-padded with zeros before derivation (3.x)", () => {
    const a = deriveSessionKeys({ dialect: 0x0300, sessionKey: hex("aabbcc") });
    const b = deriveSessionKeys({ dialect: 0x0300, sessionKey: hex("aabbcc00000000000000000000000000") });
    expect(keysHex(a)).toEqual(keysHex(b));
  });

  it("rejects what the spec does not allow", () => {
    expect(() => deriveSessionKeys({ dialect: 0x0311, sessionKey: new Uint8Array(16) })).toThrow(/preauth/);
    expect(() =>
      deriveSessionKeys({ dialect: 0x0311, sessionKey: new Uint8Array(16), preauthHash: new Uint8Array(32) }),
    ).toThrow(RangeError);
    expect(() =>
      deriveSessionKeys({ dialect: 0x0300, sessionKey: new Uint8Array(16), cipher: "AES-128-GCM" }),
    ).toThrow(RangeError);
    expect(() => deriveSessionKeys({ dialect: 0x0201, sessionKey: new Uint8Array(16) })).toThrow(/dialect/);
  });

  it("property: keys are distinct from each other and depend on the preauth hash", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.nat(63),
        (sk, pre, at) => {
          const k = deriveSessionKeys({ dialect: 0x0311, sessionKey: sk, preauthHash: pre });
          const all = Object.values(keysHex(k));
          expect(new Set(all).size).toBe(4);
          const pre2 = Uint8Array.from(pre);
          pre2[at]! ^= 1;
          const k2 = deriveSessionKeys({ dialect: 0x0311, sessionKey: sk, preauthHash: pre2 });
          for (const name of ["signingKey", "encryptionKey", "decryptionKey", "applicationKey"] as const) {
            expect(k2[name].equals(k[name])).toBe(false);
          }
        },
      ),
    );
  });
});

describe("PreauthHash (MS-SMB2 3.2.5.2)", () => {
  it("starts at 64 zero bytes", () => {
    expect(new PreauthHash().value.equals(Buffer.alloc(64))).toBe(true);
  });

  it("follows the Microsoft pre-authentication integrity blog step by step", () => {
    const h = new PreauthHash();
    for (const [i, s] of preauth.steps.entries()) {
      h.update(hex(s.message));
      expect(h.value.toString("hex"), `after message ${i + 1}`).toBe(s.hashAfter.toLowerCase());
    }
  });

  it("connection hash cloned into a session: branches evolve independently", () => {
    const conn = new PreauthHash();
    conn.update(hex(preauth.steps[0]!.message)).update(hex(preauth.steps[1]!.message));
    const session = conn.clone();
    session.update(hex(preauth.steps[2]!.message));
    expect(conn.value.toString("hex")).toBe(preauth.steps[1]!.hashAfter.toLowerCase());
    expect(session.value.toString("hex")).toBe(preauth.steps[2]!.hashAfter.toLowerCase());
    const other = conn.clone();
    expect(other.value.equals(conn.value)).toBe(true);
  });

  it("accepts segments and a custom initial value; value is a copy", () => {
    const msg = hex(preauth.steps[0]!.message);
    const h = new PreauthHash(Buffer.alloc(64)).update([
      msg.subarray(0, 64),
      msg.subarray(64, 70),
      msg.subarray(70),
    ]);
    expect(h.value.toString("hex")).toBe(preauth.steps[0]!.hashAfter.toLowerCase());
    const v = h.value;
    v.fill(0);
    expect(h.value.toString("hex")).toBe(preauth.steps[0]!.hashAfter.toLowerCase());
    const resumed = new PreauthHash(hex(preauth.steps[0]!.hashAfter)).update(hex(preauth.steps[1]!.message));
    expect(resumed.value.toString("hex")).toBe(preauth.steps[1]!.hashAfter.toLowerCase());
    expect(() => new PreauthHash(new Uint8Array(32))).toThrow(RangeError);
  });
});
