import { createCipheriv, createDecipheriv } from "node:crypto";
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  type CipherAlgorithm,
  CipherId,
  cipherAlgorithmFromId,
  DecryptionError,
  isTransformMessage,
  MessageCipher,
  NonceExhaustedError,
  readTransformHeader,
  SessionCipher,
  TRANSFORM_HEADER_SIZE,
  TransformField,
} from "../src/index.js";
import { hex, opensslVectors, splitAt } from "./helpers.js";
import { smb30, smb311Ccm, smb311Gcm } from "./vectors/microsoft-blogs.js";

const ALGS: CipherAlgorithm[] = ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"];
const keyFor = (alg: CipherAlgorithm, fill = 7): Buffer =>
  Buffer.alloc(alg.startsWith("AES-256") ? 32 : 16, fill);

/** MessageCipher options reproducing a given AEAD nonce: prefix (3 or 4 bytes) || counter (u64 LE). */
function fixedNonce(nonceHex: string): { noncePrefix: Buffer; initialCounter: bigint } {
  const n = hex(nonceHex);
  return { noncePrefix: n.subarray(0, n.length - 8), initialCounter: n.readBigUInt64LE(n.length - 8) };
}

describe("node:crypto AEAD sanity (NIST vectors)", () => {
  it("AES-GCM, McGrew & Viega test cases 2 and 14 (SP800-38D)", () => {
    const c2 = createCipheriv("aes-128-gcm", Buffer.alloc(16), Buffer.alloc(12));
    expect(c2.update(Buffer.alloc(16)).toString("hex")).toBe("0388dace60b6a392f328c2b971b2fe78");
    c2.final();
    expect(c2.getAuthTag().toString("hex")).toBe("ab6e47d42cec13bdf53a67b21257bddf");
    const c14 = createCipheriv("aes-256-gcm", Buffer.alloc(32), Buffer.alloc(12));
    expect(c14.update(Buffer.alloc(16)).toString("hex")).toBe("cea7403d4d606b6e074ec5d3baf39d18");
    c14.final();
    expect(c14.getAuthTag().toString("hex")).toBe("d0d1c8a799996bf0265b98b5d48ab919");
  });

  it("AES-CCM, SP800-38C appendix C examples 1 and 2", () => {
    const key = hex("404142434445464748494a4b4c4d4e4f");
    const e1 = createCipheriv("aes-128-ccm", key, hex("10111213141516"), { authTagLength: 4 });
    e1.setAAD(hex("0001020304050607"), { plaintextLength: 4 });
    const c1 = e1.update(hex("20212223"));
    e1.final();
    expect(Buffer.concat([c1, e1.getAuthTag()]).toString("hex")).toBe("7162015b4dac255d");
    const e2 = createCipheriv("aes-128-ccm", key, hex("1011121314151617"), { authTagLength: 6 });
    e2.setAAD(hex("000102030405060708090a0b0c0d0e0f"), { plaintextLength: 16 });
    const c2 = e2.update(hex("202122232425262728292a2b2c2d2e2f"));
    e2.final();
    expect(Buffer.concat([c2, e2.getAuthTag()]).toString("hex")).toBe(
      "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd",
    );
  });
});

describe("MessageCipher: Microsoft published examples", () => {
  for (const v of [smb311Gcm, smb311Ccm]) {
    describe(`SMB 3.1.1 ${v.cipher}`, () => {
      for (const req of [v.writeRequest, v.readRequest]) {
        it(`encrypts the ${req === v.writeRequest ? "WRITE" : "READ"} request byte for byte`, () => {
          const c = new MessageCipher(v.cipher, hex(v.encryptionKey), fixedNonce(req.nonce));
          const pt = hex(req.plaintext);
          const out = c.encrypt([pt.subarray(0, 64), pt.subarray(64)], v.sessionId);
          expect(out[0]!.length).toBe(TRANSFORM_HEADER_SIZE);
          expect(Buffer.concat(out).toString("hex")).toBe(req.transformed.toLowerCase());
        });
        it(`the server side decrypts the ${req === v.writeRequest ? "WRITE" : "READ"} request`, () => {
          const server = new MessageCipher(v.cipher, hex(v.encryptionKey));
          expect(server.decrypt(hex(req.transformed)).toString("hex")).toBe(req.plaintext.toLowerCase());
        });
      }
      for (const resp of [v.writeResponse, v.readResponse]) {
        it(`decrypts the ${resp === v.writeResponse ? "WRITE" : "READ"} response`, () => {
          const c = new MessageCipher(v.cipher, hex(v.decryptionKey));
          expect(c.decrypt(hex(resp.transformed)).toString("hex")).toBe(resp.plaintext.toLowerCase());
        });
      }
      it("reads the transform header fields", () => {
        const f = readTransformHeader(hex(v.writeResponse.transformed));
        expect(f.sessionId).toBe(v.sessionId);
        expect(f.flags).toBe(1);
        expect(f.originalMessageSize).toBe(hex(v.writeResponse.plaintext).length);
        expect(f.nonce.toString("hex")).toBe(v.writeResponse.transformed.slice(40, 72).toLowerCase());
        expect(f.signature.toString("hex")).toBe(v.writeResponse.transformed.slice(8, 40).toLowerCase());
      });
    });
  }

  describe("SMB 3.0 AES-128-CCM", () => {
    it("decrypts the WRITE request (Nonce field with non-zero reserved bytes, all covered by the AAD)", () => {
      const server = new MessageCipher("AES-128-CCM", hex(smb30.encryptionKey));
      expect(server.decrypt(hex(smb30.writeRequest.transformed)).toString("hex")).toBe(
        smb30.writeRequest.plaintext.toLowerCase(),
      );
    });
    it("encrypting the WRITE request gives the published ciphertext; the reserved nonce bytes are zero", () => {
      const c = new MessageCipher(
        "AES-128-CCM",
        hex(smb30.encryptionKey),
        fixedNonce(smb30.writeRequest.nonce),
      );
      const [header, ...ct] = c.encrypt([hex(smb30.writeRequest.plaintext)], smb30.sessionId);
      expect(Buffer.concat(ct).toString("hex")).toBe(smb30.writeRequest.ciphertext.toLowerCase());
      expect(header!.subarray(20, 31).toString("hex")).toBe(smb30.writeRequest.nonce.toLowerCase());
      expect(header!.subarray(31, 36).toString("hex")).toBe("0000000000");
      expect(header!.subarray(36).toString("hex")).toBe("87000000000001001100001400e40800");
    });
    for (const [name, m, key] of [
      ["WRITE response", smb30.writeResponse, smb30.decryptionKey],
      ["READ request", smb30.readRequest, smb30.encryptionKey],
      ["READ response", smb30.readResponse, smb30.decryptionKey],
    ] as const) {
      it(`decrypts the ${name}`, () => {
        const c = new MessageCipher("AES-128-CCM", hex(key));
        expect(c.decrypt(hex(m.transformed)).toString("hex")).toBe(m.plaintext.toLowerCase());
      });
    }
  });
});

describe("MessageCipher: independently computed vectors (python cryptography)", () => {
  expect(opensslVectors.transform.map((v) => v.alg).sort()).toEqual([...ALGS].sort());
  for (const v of opensslVectors.transform) {
    it(`${v.alg}: encrypt reproduces and decrypt inverts`, () => {
      const sessionId = BigInt(`0x${v.sessionId}`);
      const enc = new MessageCipher(v.alg, hex(v.key), fixedNonce(v.nonce));
      const pt = hex(v.plaintext);
      expect(Buffer.concat(enc.encrypt(splitAt(pt, [10, 64, 100]), sessionId)).toString("hex")).toBe(
        v.message,
      );
      expect(new MessageCipher(v.alg, hex(v.key)).decrypt(hex(v.message)).equals(pt)).toBe(true);
    });
  }
});

describe("MessageCipher: layout", () => {
  for (const alg of ALGS) {
    it(`${alg}: header fields, nonce size, AAD = bytes 20..52 (checked with raw node:crypto)`, () => {
      const key = keyFor(alg);
      const c = new MessageCipher(alg, key);
      const pt = Buffer.from("FE534D42 hello transform header".repeat(5));
      const [h, ...ct] = c.encrypt([pt], 0x1122334455667788n);
      const header = h!;
      expect(header.subarray(0, 4).toString("hex")).toBe("fd534d42");
      expect(header.readUInt32LE(36)).toBe(pt.length);
      expect(header.readUInt16LE(40)).toBe(0);
      expect(header.readUInt16LE(42)).toBe(1);
      expect(header.readBigUInt64LE(44)).toBe(0x1122334455667788n);
      const nonceLen = alg.endsWith("CCM") ? 11 : 12;
      expect(header.subarray(20 + nonceLen, 36).equals(Buffer.alloc(16 - nonceLen))).toBe(true);
      // Decrypt by hand to pin down nonce/AAD/tag placement independently of MessageCipher.decrypt.
      const nodeName = alg.toLowerCase() as "aes-128-gcm";
      const d = createDecipheriv(nodeName, key, header.subarray(20, 20 + nonceLen), { authTagLength: 16 });
      d.setAuthTag(header.subarray(4, 20));
      d.setAAD(header.subarray(20, 52), { plaintextLength: pt.length });
      const plain = d.update(Buffer.concat(ct));
      d.final();
      expect(plain.equals(pt)).toBe(true);
    });
  }

  it("CipherId values and reverse lookup (MS-SMB2 2.2.3.1.2)", () => {
    expect(CipherId).toEqual({ "AES-128-CCM": 1, "AES-128-GCM": 2, "AES-256-CCM": 3, "AES-256-GCM": 4 });
    for (const alg of ALGS) expect(cipherAlgorithmFromId(CipherId[alg])).toBe(alg);
    expect(cipherAlgorithmFromId(0)).toBeUndefined();
    expect(cipherAlgorithmFromId(5)).toBeUndefined();
  });

  it("isTransformMessage / readTransformHeader guard their input", () => {
    expect(isTransformMessage(hex("FE534D42"))).toBe(false);
    expect(isTransformMessage(hex("FD534D42"))).toBe(true);
    expect(isTransformMessage(hex("FD534D"))).toBe(false);
    expect(() => readTransformHeader(new Uint8Array(51))).toThrow(RangeError);
    expect(TransformField.sessionId.offset + TransformField.sessionId.size).toBe(TRANSFORM_HEADER_SIZE);
  });
});

describe("MessageCipher: nonces", () => {
  it("never repeats a nonce within an instance; instances draw different prefixes", () => {
    for (const alg of ALGS) {
      const a = new MessageCipher(alg, keyFor(alg));
      const b = new MessageCipher(alg, keyFor(alg));
      const seen = new Set<string>();
      for (let i = 0; i < 500; i++) {
        for (const c of [a, b]) {
          const nonce = c
            .encrypt([Buffer.alloc(70)], 1n)[0]!
            .subarray(20, 36)
            .toString("hex");
          expect(seen.has(nonce)).toBe(false);
          seen.add(nonce);
        }
      }
    }
  });

  it("counter increments as a little-endian u64 after the prefix", () => {
    const c = new MessageCipher("AES-128-GCM", keyFor("AES-128-GCM"), {
      noncePrefix: hex("aabbccdd"),
      initialCounter: 0xfffffffen,
    });
    const nonces = [0, 1, 2].map((_) =>
      c
        .encrypt([Buffer.alloc(64)], 1n)[0]!
        .subarray(20, 32)
        .toString("hex"),
    );
    expect(nonces).toEqual([
      "aabbccddfeffffff00000000",
      "aabbccddffffffff00000000",
      "aabbccdd0000000001000000",
    ]);
  });

  it("throws NonceExhaustedError instead of wrapping the 64-bit counter", () => {
    const c = new MessageCipher("AES-128-CCM", keyFor("AES-128-CCM"), {
      initialCounter: 0xfffffffffffffffen,
    });
    expect(c.remainingNonces).toBe(2n);
    c.encrypt([Buffer.alloc(64)], 1n);
    const last = c.encrypt([Buffer.alloc(64)], 1n);
    expect(last[0]!.subarray(23, 31).toString("hex")).toBe("ffffffffffffffff");
    expect(c.remainingNonces).toBe(0n);
    let err: unknown;
    try {
      c.encrypt([Buffer.alloc(64)], 1n);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonceExhaustedError);
    expect((err as NonceExhaustedError).code).toBe("ERR_SMB_NONCE_EXHAUSTED");
  });

  it("validates options, key sizes and algorithm names", () => {
    expect(() => new MessageCipher("AES-128-GCM", new Uint8Array(32))).toThrow(RangeError);
    expect(() => new MessageCipher("AES-256-CCM", new Uint8Array(16))).toThrow(RangeError);
    expect(
      () => new MessageCipher("AES-128-GCM", new Uint8Array(16), { noncePrefix: new Uint8Array(3) }),
    ).toThrow(RangeError);
    expect(() => new MessageCipher("AES-128-CCM", new Uint8Array(16), { initialCounter: -1n })).toThrow(
      RangeError,
    );
    expect(() => new MessageCipher("DES" as CipherAlgorithm, new Uint8Array(16))).toThrow(TypeError);
    expect(() =>
      new MessageCipher("AES-128-GCM", new Uint8Array(16)).encrypt([Buffer.alloc(64)], -1n),
    ).toThrow(RangeError);
  });
});

describe("MessageCipher: rejection of bad input", () => {
  const sample = (alg: CipherAlgorithm): { c: MessageCipher; msg: Buffer; pt: Buffer } => {
    const c = new MessageCipher(alg, keyFor(alg));
    const pt = Buffer.from("an SMB2 message that is at least 64 bytes long, more or less, surely".repeat(2));
    return { c, msg: Buffer.concat(c.encrypt([pt], 0x100000000025n)), pt };
  };
  const reason = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DecryptionError);
      expect((e as DecryptionError).code).toBe("ERR_SMB_DECRYPTION_FAILED");
      return (e as DecryptionError).reason;
    }
    return undefined;
  };

  for (const alg of ALGS) {
    it(`${alg}: tampering anywhere is detected`, () => {
      const { c, msg, pt } = sample(alg);
      expect(c.decrypt(msg).equals(pt)).toBe(true);
      const flip = (i: number): Buffer => {
        const m = Buffer.from(msg);
        m[i]! ^= 0x04;
        return m;
      };
      expect(reason(() => c.decrypt(flip(5)))).toBe("bad-tag"); // Signature
      expect(reason(() => c.decrypt(flip(20)))).toBe("bad-tag"); // Nonce (used part)
      expect(reason(() => c.decrypt(flip(34)))).toBe("bad-tag"); // Nonce (reserved part, still AAD)
      expect(reason(() => c.decrypt(flip(40)))).toBe("bad-tag"); // Reserved
      expect(reason(() => c.decrypt(flip(44)))).toBe("bad-tag"); // SessionId
      expect(reason(() => c.decrypt(flip(TRANSFORM_HEADER_SIZE + 3)))).toBe("bad-tag"); // ciphertext
      expect(reason(() => c.decrypt(flip(msg.length - 1)))).toBe("bad-tag");
      expect(reason(() => new MessageCipher(alg, keyFor(alg, 8)).decrypt(msg))).toBe("bad-tag"); // wrong key
      expect(reason(() => c.decrypt(flip(0)))).toBe("bad-protocol-id");
      expect(reason(() => c.decrypt(flip(42)))).toBe("bad-flags");
      expect(reason(() => c.decrypt(flip(36)))).toBe("size-mismatch");
      expect(reason(() => c.decrypt(msg.subarray(0, msg.length - 1)))).toBe("size-mismatch");
      expect(reason(() => c.decrypt(msg.subarray(0, 51)))).toBe("truncated");
      expect(reason(() => c.decrypt(new Uint8Array(0)))).toBe("truncated");
    });
  }
});

describe("MessageCipher: segments and buffers", () => {
  it("property: encrypt/decrypt round trip for random payload splits, all ciphers", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALGS),
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.array(fc.nat(2000), { maxLength: 8 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (alg, pt, cuts, sessionId) => {
          const key = keyFor(alg, 3);
          const opts = { noncePrefix: new Uint8Array(alg.endsWith("CCM") ? 3 : 4), initialCounter: 9n };
          const split = new MessageCipher(alg, key, opts).encrypt(splitAt(pt, cuts), sessionId);
          const whole = new MessageCipher(alg, key, opts).encrypt([pt], sessionId);
          // Same nonce: segmenting must not change a single byte of the result.
          expect(Buffer.concat(split).equals(Buffer.concat(whole))).toBe(true);
          const dec = new MessageCipher(alg, key).decrypt(Buffer.concat(split));
          expect(dec.equals(Buffer.from(pt))).toBe(true);
          expect(readTransformHeader(split[0]!).sessionId).toBe(sessionId);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("GCM returns one ciphertext buffer per non-empty segment (writev-ready)", () => {
    const c = new MessageCipher("AES-128-GCM", keyFor("AES-128-GCM"));
    const out = c.encrypt([Buffer.alloc(64), Buffer.alloc(0), Buffer.alloc(1000)], 1n);
    expect(out.map((b) => b.length)).toEqual([52, 64, 1000]);
  });

  it("CCM reuses its scratch buffer for multi-segment messages once warmed", () => {
    const c = new MessageCipher("AES-128-CCM", keyFor("AES-128-CCM"));
    const segs = [Buffer.alloc(64, 1), Buffer.alloc(20000, 2), Buffer.alloc(5000, 3)];
    c.encrypt(segs, 1n); // warm-up: allocates the scratch
    const spy = vi.spyOn(Buffer, "allocUnsafe");
    const alloc = vi.spyOn(Buffer, "alloc");
    try {
      const out = c.encrypt(segs, 1n);
      expect(out.length).toBe(2);
      const big = [...spy.mock.calls, ...alloc.mock.calls].filter(([n]) => (n as number) >= 1000);
      expect(big).toEqual([]);
    } finally {
      spy.mockRestore();
      alloc.mockRestore();
    }
  });

  it("SessionCipher: client encrypts with EncryptionKey, server side decrypts; and back", () => {
    for (const alg of ALGS) {
      const c2s = keyFor(alg, 1);
      const s2c = keyFor(alg, 2);
      const client = new SessionCipher(alg, c2s, s2c);
      const server = new SessionCipher(alg, s2c, c2s);
      const req = Buffer.from("request".repeat(20));
      expect(server.decrypt(Buffer.concat(client.encrypt([req], 5n))).equals(req)).toBe(true);
      const resp = Buffer.from("response".repeat(20));
      expect(client.decrypt(Buffer.concat(server.encrypt([resp], 5n))).equals(resp)).toBe(true);
      expect(() => client.decrypt(Buffer.concat(client.encrypt([req], 5n)))).toThrow(DecryptionError);
    }
  });

  it("keeps keys out of util.inspect", () => {
    const key = Buffer.alloc(32, 0xde);
    const texts = [
      inspect(new MessageCipher("AES-256-GCM", key), { showHidden: true }),
      inspect(new SessionCipher("AES-256-CCM", key, key), { showHidden: true }),
    ];
    for (const t of texts) {
      expect(t).not.toMatch(/dede|de de|222/i);
      expect(t).toMatch(/AES-256/);
    }
    expect(Object.keys(new MessageCipher("AES-256-GCM", key))).toEqual(["algorithm"]);
  });
});
