import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { desEncryptBlock, expandDesKey, hmacMd5, md4, Rc4, rc4 } from "../src/index.js";
import { hex, opensslVectors, pattern, splitAt } from "./helpers.js";

const utf16 = (s: string): Buffer => Buffer.from(s, "utf16le");

describe("md4 (RFC 1320)", () => {
  // RFC 1320 appendix A.5 test suite.
  const suite: [string, string][] = [
    ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
    ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
    ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
    ["message digest", "d9130a8164549fe818874806e1c7014b"],
    ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "e33b4ddc9c38f2199c3e7b164fcc0536",
    ],
  ];
  it.each(suite)("MD4(%j)", (input, digest) => {
    expect(md4(Buffer.from(input, "latin1")).toString("hex")).toBe(digest);
  });

  it("matches openssl around the 56/64-byte padding boundaries", () => {
    expect(opensslVectors.md4.length).toBeGreaterThan(10);
    for (const v of opensslVectors.md4)
      expect(md4(hex(v.data)).toString("hex"), `length ${v.data.length / 2}`).toBe(v.digest);
  });

  it("matches openssl on large inputs (1 MiB, odd length)", () => {
    for (const v of opensslVectors.md4Pattern) expect(md4(pattern(v.length)).toString("hex")).toBe(v.digest);
  });

  it("accepts views into larger buffers", () => {
    const big = Buffer.concat([Buffer.from("xx"), Buffer.from("abc"), Buffer.from("yy")]);
    expect(md4(big.subarray(2, 5)).toString("hex")).toBe("a448017aaf21d8525fc10ae87aa6729d");
  });

  it("MS-NLMP 4.2.2.1.2: NTOWFv1('Password') = MD4(UNICODE('Password'))", () => {
    expect(md4(utf16("Password")).toString("hex")).toBe("a4f49c406510bdcab6824ee7c30fd852");
  });

  it("property: deterministic, 16 bytes, and sensitive to every byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, at) => {
        const d = md4(data);
        expect(d.length).toBe(16);
        expect(md4(Uint8Array.from(data)).equals(d)).toBe(true);
        if (data.length > 0) {
          const flipped = Uint8Array.from(data);
          flipped[at % data.length]! ^= 0x01;
          expect(md4(flipped).equals(d)).toBe(false);
        }
      }),
    );
  });
});

describe("rc4", () => {
  // RFC 6229 section 2: keystream (encryption of zeros) at selected offsets.
  const rfc6229: { key: string; rows: [number, string][] }[] = [
    {
      key: "0102030405",
      rows: [
        [0, "b2396305f03dc027ccc3524a0a1118a8"],
        [16, "6982944f18fc82d589c403a47a0d0919"],
        [240, "28cb1132c96ce286421dcaadb8b69eae"],
        [256, "1cfcf62b03eddb641d77dfcf7f8d8c93"],
        [1520, "3294f744d8f9790507e70f62e5bbceea"],
        [4080, "068326a2118416d21f9d04b2cd1ca050"],
        [4096, "ff25b58995996707e51fbdf08b34d875"],
      ],
    },
    {
      key: "01020304050607",
      rows: [
        [0, "293f02d47f37c9b633f2af5285feb46b"],
        [16, "e620f1390d19bd84e2e0fd752031afc1"],
        [752, "c2911246b612e7e7b903dfeda1dad866"],
        [3072, "ad26581c0c5be45f4cea01db2f3805d5"],
      ],
    },
    {
      key: "0102030405060708090a0b0c0d0e0f10",
      rows: [
        [0, "9ac7cc9a609d1ef7b2932899cde41b97"],
        [16, "5248c4959014126a6e8a84f11d1a9e1c"],
        [240, "065902e4b620f6cc36c8589f66432f2b"],
        [1008, "e7a72574f8782ae26aabcf9ebcd66065"],
        [4096, "a36a4c301ae8ac13610ccbc12256cacc"],
      ],
    },
    {
      key: "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
      rows: [
        [0, "eaa6bd25880bf93d3f5d1e4ca2611d91"],
        [256, "02e1e7056b0f623900496422943e97b6"],
        [2048, "18b62503bfbc077fbabb98f20d98ab34"],
      ],
    },
  ];
  for (const { key, rows } of rfc6229) {
    it(`RFC 6229 key ${key.length * 4}-bit`, () => {
      const stream = rc4(hex(key), new Uint8Array(4112));
      for (const [off, want] of rows)
        expect(stream.subarray(off, off + 16).toString("hex"), `offset ${off}`).toBe(want);
    });
  }

  it("Wikipedia example: Key / Plaintext", () => {
    expect(rc4(Buffer.from("Key"), Buffer.from("Plaintext")).toString("hex")).toBe("bbf316e8d940af0ad3");
  });

  it("matches openssl enc -rc4 / -rc4-40", () => {
    for (const v of opensslVectors.rc4)
      expect(rc4(hex(v.key), hex(v.data)).toString("hex")).toBe(v.ciphertext);
  });

  it("rejects empty and over-long keys", () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(RangeError);
    expect(() => new Rc4(new Uint8Array(257))).toThrow(RangeError);
  });

  it("property: the stream continues across update calls (equals one-shot)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(600), { maxLength: 6 }),
        (key, data, cuts) => {
          const s = new Rc4(key);
          const parts = splitAt(data, cuts).map((p) => s.update(p));
          expect(Buffer.concat(parts).equals(rc4(key, data))).toBe(true);
          // Decryption is the same operation.
          expect(rc4(key, rc4(key, data)).equals(Buffer.from(data))).toBe(true);
        },
      ),
    );
  });

  it("hides its state from util.inspect", async () => {
    const { inspect } = await import("node:util");
    expect(inspect(new Rc4(hex("0102030405")))).toBe("Rc4 { <keystream hidden> }");
  });
});

describe("DES (FIPS 46-3)", () => {
  it("classic worked example: key 133457799BBCDFF1, block 0123456789ABCDEF", () => {
    expect(desEncryptBlock(hex("133457799BBCDFF1"), hex("0123456789ABCDEF")).toString("hex")).toBe(
      "85e813540f0ab405",
    );
  });

  it("NBS validation: key 0123456789ABCDEF, 'Now is t'", () => {
    expect(desEncryptBlock(hex("0123456789ABCDEF"), Buffer.from("Now is t")).toString("hex")).toBe(
      "3fa40e8a984d4815",
    );
  });

  it("matches openssl enc -des-ecb on random keys and blocks", () => {
    expect(opensslVectors.des.length).toBe(24);
    for (const v of opensslVectors.des) {
      expect(desEncryptBlock(hex(v.key), hex(v.block)).toString("hex"), v.key).toBe(v.ciphertext);
    }
  });

  it("ignores parity bits of 8-byte keys", () => {
    const k = hex("133457799BBCDFF1");
    const flipped = Buffer.from(k.map((b) => b ^ 1));
    expect(desEncryptBlock(flipped, hex("0123456789ABCDEF")).toString("hex")).toBe("85e813540f0ab405");
  });

  it("LM hash pieces (MS-NLMP 4.2.2.1.1 LMOWFv1('Password') = e52cac67419a9a22 4a3b108f3fa6cb6d)", () => {
    const magic = Buffer.from("KGS!@#$%", "latin1");
    const pw = Buffer.alloc(14);
    pw.write("PASSWORD", "latin1");
    const lm = Buffer.concat([
      desEncryptBlock(pw.subarray(0, 7), magic),
      desEncryptBlock(pw.subarray(7), magic),
    ]);
    expect(lm.toString("hex")).toBe("e52cac67419a9a224a3b108f3fa6cb6d");
    // The empty-password half.
    expect(desEncryptBlock(Buffer.alloc(7), magic).toString("hex")).toBe("aad3b435b51404ee");
  });

  it("MS-NLMP 4.2.2.2.1: NTLMv1 response = DESL(NTOWFv1('Password'), server challenge)", () => {
    const k = Buffer.concat([md4(utf16("Password")), Buffer.alloc(5)]);
    const challenge = hex("0123456789abcdef");
    const resp = Buffer.concat([0, 7, 14].map((o) => desEncryptBlock(k.subarray(o, o + 7), challenge)));
    expect(resp.toString("hex")).toBe("67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  });

  it("expandDesKey: 7 key bits per byte plus odd parity", () => {
    expect(expandDesKey(Buffer.alloc(7)).toString("hex")).toBe("0101010101010101");
    expect(expandDesKey(Buffer.alloc(7, 0xff)).toString("hex")).toBe("fefefefefefefefe");
    // 01..07 as 7-bit groups: 0000000 1000000 1000000 0110000 0100000 0010100 0001100 0000111, each
    // shifted left with an odd-parity bit appended.
    expect(expandDesKey(hex("01020304050607")).toString("hex")).toBe("018080614029190e");
  });

  it("property: expansion keeps the 56 key bits in order and every byte has odd parity", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 7 }), (k7) => {
        const k8 = expandDesKey(k7);
        let bitsIn = "";
        for (const b of k7) bitsIn += b.toString(2).padStart(8, "0");
        let bitsOut = "";
        for (const b of k8) {
          const s = b.toString(2).padStart(8, "0");
          bitsOut += s.slice(0, 7);
          expect([...s].filter((c) => c === "1").length % 2).toBe(1);
        }
        expect(bitsOut).toBe(bitsIn);
        expect(desEncryptBlock(k7, new Uint8Array(8)).equals(desEncryptBlock(k8, new Uint8Array(8)))).toBe(
          true,
        );
      }),
    );
  });

  it("rejects bad key and block sizes", () => {
    expect(() => desEncryptBlock(new Uint8Array(6), new Uint8Array(8))).toThrow(RangeError);
    expect(() => desEncryptBlock(new Uint8Array(8), new Uint8Array(7))).toThrow(RangeError);
    expect(() => expandDesKey(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe("hmacMd5", () => {
  it("RFC 2202 test cases 1 and 2", () => {
    expect(hmacMd5(Buffer.alloc(16, 0x0b), Buffer.from("Hi There")).toString("hex")).toBe(
      "9294727a3638bb1c13f48ef8158bfc9d",
    );
    expect(hmacMd5(Buffer.from("Jefe"), Buffer.from("what do ya want for nothing?")).toString("hex")).toBe(
      "750c783e6ab0b503eaa86e310a5db738",
    );
  });

  it("MS-NLMP 4.2.4.1.1: NTOWFv2 = HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) || UserDom))", () => {
    const nt = md4(utf16("Password"));
    expect(hmacMd5(nt, utf16("USER"), utf16("Domain")).toString("hex")).toBe(
      "0c868a403bfd7a93a3001ef22ef02e3f",
    );
  });

  it("matches openssl, and parts are concatenated", () => {
    for (const v of opensslVectors.hmacMd5) {
      const data = hex(v.data);
      expect(hmacMd5(hex(v.key), data).toString("hex")).toBe(v.mac);
      expect(hmacMd5(hex(v.key), ...splitAt(data, [3, 9])).toString("hex")).toBe(v.mac);
    }
  });
});
