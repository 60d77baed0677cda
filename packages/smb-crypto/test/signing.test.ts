import { createSecretKey } from "node:crypto";
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AesCmac,
  aesCmac,
  SignatureMismatchError,
  type SigningAlgorithm,
  SigningAlgorithmId,
  Signer,
  signatureOf,
} from "../src/index.js";
import { hex, opensslVectors, pattern, splitAt } from "./helpers.js";
import { smb311Ccm, smb311Gcm } from "./vectors/microsoft-blogs.js";

const ALGS: SigningAlgorithm[] = ["HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC"];

describe("AES-CMAC (RFC 4493)", () => {
  // RFC 4493 section 4, AES-128 key 2b7e1516 28aed2a6 abf71588 09cf4f3c.
  const key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const m =
    "6bc1bee22e409f96e93d7e117393172a" +
    "ae2d8a571e03ac9c9eb76fac45af8e51" +
    "30c81c46a35ce411e5fbc1191a0a52ef" +
    "f69f2445df4f9b17ad2b417be66c3710";
  const examples: [number, string][] = [
    [0, "bb1d6929e95937287fa37d129b756746"],
    [16, "070a16b46b4d4144f79bdd9dd04a287c"],
    [40, "dfa66747de9ae63030ca32611497c827"],
    [64, "51f0bebf7e3b9d92fc49741779363cfe"],
  ];
  it.each(examples)("example with Mlen = %i", (len, mac) => {
    expect(aesCmac(key, hex(m).subarray(0, len)).toString("hex")).toBe(mac);
  });

  it("matches openssl CMAC (AES-128 and AES-256, lengths around block boundaries)", () => {
    for (const v of opensslVectors.cmac) {
      expect(
        aesCmac(hex(v.key), hex(v.data)).toString("hex"),
        `${v.key.length / 2}-byte key, ${v.data.length / 2} bytes`,
      ).toBe(v.mac);
    }
  });

  it("matches openssl CMAC on large inputs (streamed in slices)", () => {
    for (const v of opensslVectors.cmacPattern)
      expect(aesCmac(hex(v.key), pattern(v.length)).toString("hex")).toBe(v.mac);
  });

  it("property: any split of the input gives the same MAC", () => {
    const cmac = new AesCmac(createSecretKey(key));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 8 }),
        (data, cuts) => {
          const whole = cmac.mac(data);
          const s = cmac.start();
          for (const part of splitAt(data, cuts)) s.update(part);
          expect(s.digest().equals(whole)).toBe(true);
        },
      ),
    );
  });

  it("refuses to be used after digest", () => {
    const s = new AesCmac(createSecretKey(key)).start();
    s.digest();
    expect(() => s.update(new Uint8Array(1))).toThrow();
    expect(() => s.digest()).toThrow();
  });
});

describe("Signer (MS-SMB2 3.1.4.1)", () => {
  it("exposes the wire ids of SMB2_SIGNING_CAPABILITIES", () => {
    expect(SigningAlgorithmId).toEqual({ "HMAC-SHA256": 0, "AES-128-CMAC": 1, "AES-128-GMAC": 2 });
  });

  describe("Microsoft SMB 3.1.1 blog: final SESSION_SETUP responses signed with AES-128-CMAC", () => {
    for (const v of [smb311Gcm, smb311Ccm]) {
      it(`session 0x${v.sessionId.toString(16)}`, () => {
        const msg = hex(v.signedSessionSetupResponse);
        const signer = new Signer("AES-128-CMAC", hex(v.signingKey));
        expect(signer.verify([msg])).toBe(true);
        expect(signer.sign([msg]).equals(msg.subarray(48, 64))).toBe(true);
        // Segmented exactly like a transport would hand it over.
        expect(signer.verify([msg.subarray(0, 64), msg.subarray(64)])).toBe(true);
      });
    }
  });

  describe("openssl-computed signatures (HMAC-SHA256 truncated, CMAC, GMAC with the SMB nonce)", () => {
    for (const [i, v] of opensslVectors.smbSigning.entries()) {
      const body = v.payload !== undefined ? hex(v.payload) : pattern(v.patternPayloadLength ?? 0);
      const header = hex(v.header);
      for (const alg of ALGS) {
        it(`case ${i} (command 0x${header.readUInt16LE(12).toString(16)}, flags 0x${header.readUInt32LE(16).toString(16)}, ${body.length}-byte body): ${alg}`, () => {
          const signer = new Signer(alg, hex(v.key));
          expect(signer.sign([header, body]).toString("hex")).toBe(v[alg]);
          // The Signature field's content must not matter.
          const dirty = Buffer.from(header);
          dirty.fill(0xa5, 48, 64);
          expect(signer.sign([dirty, body]).toString("hex")).toBe(v[alg]);
        });
      }
    }
  });

  it("GMAC nonce: the role (SERVER_TO_REDIR) and CANCEL bits change the signature; other flags only via the AAD", () => {
    const key = hex("000102030405060708090a0b0c0d0e0f");
    const base = Buffer.alloc(64);
    base.write("fe534d42", 0, "hex");
    base.writeUInt16LE(8, 12);
    base.writeBigUInt64LE(5n, 24);
    const s = new Signer("AES-128-GMAC", key);
    const a = s.sign([base]);
    const resp = Buffer.from(base);
    resp.writeUInt32LE(1, 16);
    const cancel = Buffer.from(base);
    cancel.writeUInt16LE(0x0c, 12);
    const otherMid = Buffer.from(base);
    otherMid.writeBigUInt64LE(6n, 24);
    const sigs = [a, s.sign([resp]), s.sign([cancel]), s.sign([otherMid])].map((b) => b.toString("hex"));
    expect(new Set(sigs).size).toBe(4);
  });

  it("signInPlace writes bytes 48..63, also when the header is split across segments", () => {
    for (const alg of ALGS) {
      const v = opensslVectors.smbSigning[1]!;
      const msg = Buffer.concat([hex(v.header), hex(v.payload ?? "")]);
      const segs = splitAt(msg, [20, 50, 60, 64, 100]);
      const signer = new Signer(alg, hex(v.key));
      signer.signInPlace(segs);
      expect(msg.subarray(48, 64).toString("hex")).toBe(v[alg]);
      expect(signer.verify(segs)).toBe(true);
      expect(signer.verify([msg])).toBe(true);
    }
  });

  describe("negative", () => {
    const v = opensslVectors.smbSigning[0]!;
    const signed = (alg: SigningAlgorithm): Buffer => {
      const msg = Buffer.concat([hex(v.header), hex(v.payload ?? "")]);
      new Signer(alg, hex(v.key)).signInPlace([msg]);
      return msg;
    };
    for (const alg of ALGS) {
      it(`${alg}: tampered signature, header, body or wrong key fail`, () => {
        const signer = new Signer(alg, hex(v.key));
        const good = signed(alg);
        expect(signer.verify([good])).toBe(true);

        const badSig = Buffer.from(good);
        badSig[63]! ^= 0x80;
        expect(signer.verify([badSig])).toBe(false);
        expect(() => signer.verifyOrThrow([badSig])).toThrow(SignatureMismatchError);

        const badHeader = Buffer.from(good);
        badHeader[24]! ^= 1; // MessageId
        expect(signer.verify([badHeader])).toBe(false);

        const badBody = Buffer.from(good);
        badBody[badBody.length - 1]! ^= 1;
        expect(signer.verify([badBody])).toBe(false);

        const other = new Signer(alg, hex("ffeeddccbbaa99887766554433221100"));
        expect(other.verify([good])).toBe(false);

        const zeroed = Buffer.from(good);
        zeroed.fill(0, 48, 64);
        expect(signer.verify([zeroed])).toBe(false);
      });
    }

    it("SignatureMismatchError carries its code", () => {
      const err = new SignatureMismatchError();
      expect(err.code).toBe("ERR_SMB_BAD_SIGNATURE");
      expect(err.name).toBe("SignatureMismatchError");
    });

    it("rejects messages shorter than the header, bad key sizes and unknown algorithms", () => {
      const s = new Signer("AES-128-CMAC", new Uint8Array(16));
      expect(() => s.sign([new Uint8Array(63)])).toThrow(RangeError);
      expect(() => new Signer("AES-128-CMAC", new Uint8Array(32))).toThrow(RangeError);
      expect(() => new Signer("AES-128-GMAC", new Uint8Array(15))).toThrow(RangeError);
      expect(() => new Signer("HMAC-SHA256", new Uint8Array(0))).toThrow(RangeError);
      expect(() => new Signer("MD5" as SigningAlgorithm, new Uint8Array(16))).toThrow(TypeError);
    });
  });

  it("property: signing random segment splits equals signing the concatenation", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALGS),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 64, maxLength: 400 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (alg, key, msg, cuts) => {
          const signer = new Signer(alg, key);
          const whole = signer.sign([msg]);
          expect(signer.sign(splitAt(msg, cuts)).equals(whole)).toBe(true);
          expect(signatureOf(alg, key, [Buffer.from(msg)]).equals(whole)).toBe(true);
        },
      ),
    );
  });

  it("keeps the key out of util.inspect", () => {
    const key = hex("deadbeefdeadbeefdeadbeefdeadbeef");
    for (const alg of ALGS) {
      const s = new Signer(alg, key);
      const text = inspect(s, { showHidden: true, depth: 5 });
      expect(text).not.toMatch(/deadbeef|de ad be ef|222, 173/i);
      expect(text).toContain(alg);
      expect(JSON.stringify(s)).not.toMatch(/deadbeef|222/);
      expect(Object.keys(s)).toEqual(["algorithm"]);
    }
  });
});
