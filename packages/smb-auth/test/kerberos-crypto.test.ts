// Known-answer tests for the Kerberos crypto: RFC 3961 A.1 (n-fold), RFC 3962 B (PBKDF2 string-to-key,
// AES-CTS), RFC 8009 A (string-to-key, key derivation, encryption, checksums, PRF), MIT's t_prf vectors
// for the RFC 3962 PRF, and RFC 4757 (rc4-hmac) structure checks.
import { createHash, createHmac } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ctsDecrypt, ctsEncrypt } from "../src/kerberos/crypto/cts.js";
import { kdfHmacSha2, parseEnctypeList, profileOf } from "../src/kerberos/crypto/enctypes.js";
import { KerberosKey } from "../src/kerberos/crypto/key.js";
import { nfold } from "../src/kerberos/crypto/nfold.js";
import { KerberosError } from "../src/kerberos/errors.js";

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("RFC 3961 A.1 n-fold", () => {
  const vectors: [string, number, string][] = [
    ["012345", 64, "be072631276b1955"],
    ["password", 56, "78a07b6caf85fa"],
    ["Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0"],
    ["password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e"],
    ["MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192, "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b"],
    ["Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215"],
    ["ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e"],
    ["kerberos", 64, "6b65726265726f73"],
    ["kerberos", 128, "6b65726265726f737b9b5b2b93132b93"],
    ["kerberos", 168, "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4"],
    ["kerberos", 256, "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4"],
  ];
  it.each(vectors)("%s to %i bits", (input, bits, expected) => {
    expect(hexOf(nfold(Buffer.from(input, "latin1"), bits / 8))).toBe(expected);
  });
});

describe("RFC 3962 B string-to-key (aes128 / aes256-cts-hmac-sha1-96)", () => {
  const it4 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const vectors: [number, Buffer, Buffer, string, string][] = [
    [
      1,
      Buffer.from("password"),
      Buffer.from("ATHENA.MIT.EDUraeburn"),
      "42263c6e89f4fc28b8df68ee09799f15",
      "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161",
    ],
    [
      2,
      Buffer.from("password"),
      Buffer.from("ATHENA.MIT.EDUraeburn"),
      "c651bf29e2300ac27fa469d693bdda13",
      "a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff",
    ],
    [
      1200,
      Buffer.from("password"),
      Buffer.from("ATHENA.MIT.EDUraeburn"),
      "4c01cd46d632d01e6dbe230a01ed642a",
      "55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a",
    ],
    [
      5,
      Buffer.from("password"),
      h("1234567878563412"),
      "e9b23d52273747dd5c35cb55be619d8e",
      "97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31",
    ],
    [
      1200,
      Buffer.from("X".repeat(64)),
      Buffer.from("pass phrase equals block size"),
      "59d1bb789a828b1aa54ef9c2883f69ed",
      "89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34",
    ],
    [
      1200,
      Buffer.from("X".repeat(65)),
      Buffer.from("pass phrase exceeds block size"),
      "cb8005dc5f90179a7f02104c0018751d",
      "d78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b",
    ],
    [
      50,
      h("f09d849e"),
      Buffer.from("EXAMPLE.COMpianist"),
      "f149c1f2e154a73452d43e7fe62a56e5",
      "4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e",
    ],
  ];
  it.each(vectors)("%i iterations", (iterations, password, salt, k128, k256) => {
    const pw = password.toString("utf8");
    expect(hexOf(profileOf(17).stringToKey(pw, salt, it4(iterations)))).toBe(k128);
    expect(hexOf(profileOf(18).stringToKey(pw, salt, it4(iterations)))).toBe(k256);
  });

  it("defaults to 4096 iterations and refuses odd s2kparams", () => {
    const p = profileOf(17);
    expect(p.stringToKey("pw", "salt")).toEqual(p.stringToKey("pw", "salt", it4(4096)));
    expect(() => p.stringToKey("pw", "salt", Buffer.from([1, 2]))).toThrow(KerberosError);
    expect(() => p.stringToKey("pw", "salt", it4(0))).toThrow(/iteration count 0/);
  });
});

describe("RFC 3962 B AES-CTS (zero IV)", () => {
  const key = h("636869636b656e207465726979616b69");
  const vectors: [string, string][] = [
    ["4920776f756c64206c696b652074686520", "c6353568f2bf8cb4d8a580362da7ff7f97"],
    [
      "4920776f756c64206c696b65207468652047656e6572616c20476175277320",
      "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5",
    ],
    [
      "4920776f756c64206c696b65207468652047656e6572616c2047617527732043",
      "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584",
    ],
    [
      "4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c",
      "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5",
    ],
    [
      "4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20",
      "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8",
    ],
    [
      "4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e",
      "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8",
    ],
  ];
  it.each(vectors)("%s", (plain, cipher) => {
    expect(hexOf(ctsEncrypt(key, h(plain)))).toBe(cipher);
    expect(hexOf(ctsDecrypt(key, h(cipher)))).toBe(plain);
  });

  it("round-trips every length from 16 to 80 bytes with a 256-bit key", () => {
    const k = Buffer.alloc(32, 9);
    for (let n = 16; n <= 80; n++) {
      const p = Buffer.from(Array.from({ length: n }, (_, i) => i * 7));
      const c = ctsEncrypt(k, p);
      expect(c.length).toBe(n);
      expect(ctsDecrypt(k, c)).toEqual(p);
    }
    expect(() => ctsEncrypt(k, Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe("RFC 8009 A", () => {
  const salt = Buffer.concat([h("10DF9DD783E5BC8ACEA1730E74355F61"), Buffer.from("ATHENA.MIT.EDUraeburn")]);
  const base128 = h("3705D96080C17728A0E800EAB6E0D23C");
  const base256 = h("6D404D37FAF79F9DF0D33568D320669800EB4836472EA8A026D16B7182460C52");

  it("string-to-key, 32768 iterations (the default)", () => {
    expect(hexOf(profileOf(19).stringToKey("password", salt))).toBe("089bca48b105ea6ea77ca5d2f39dc5e7");
    expect(hexOf(profileOf(20).stringToKey("password", salt))).toBe(
      "45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467",
    );
  });

  it("key derivation for usage 2 (Kc, Ke, Ki)", () => {
    const c = (usage: number, kind: number): Buffer => Buffer.from([0, 0, 0, usage, kind]);
    expect(hexOf(kdfHmacSha2("sha256", base128, c(2, 0x99), Buffer.alloc(0), 128))).toBe(
      "b31a018a48f54776f403e9a396325dc3",
    );
    expect(hexOf(kdfHmacSha2("sha256", base128, c(2, 0xaa), Buffer.alloc(0), 128))).toBe(
      "9b197dd1e8c5609d6e67c3e37c62c72e",
    );
    expect(hexOf(kdfHmacSha2("sha256", base128, c(2, 0x55), Buffer.alloc(0), 128))).toBe(
      "9fda0e56ab2d85e1569a688696c26a6c",
    );
    expect(hexOf(kdfHmacSha2("sha384", base256, c(2, 0x99), Buffer.alloc(0), 192))).toBe(
      "ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d",
    );
    expect(hexOf(kdfHmacSha2("sha384", base256, c(2, 0xaa), Buffer.alloc(0), 256))).toBe(
      "56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49",
    );
    expect(hexOf(kdfHmacSha2("sha384", base256, c(2, 0x55), Buffer.alloc(0), 192))).toBe(
      "69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f",
    );
  });

  const plains = [
    "",
    "000102030405",
    "000102030405060708090a0b0c0d0e0f",
    "000102030405060708090a0b0c0d0e0f1011121314",
  ];
  const encryptions: [number, Buffer, string, string, string][] = [
    [
      19,
      base128,
      plains[0]!,
      "7E5895EAF2672435BAD817F545A37148",
      "EF85FB890BB8472F4DAB20394DCA781DAD877EDA39D50C870C0D5A0A8E48C718",
    ],
    [
      19,
      base128,
      plains[1]!,
      "7BCA285E2FD4130FB55B1A5C83BC5B24",
      "84D7F30754ED987BAB0BF3506BEB09CFB55402CEF7E6877CE99E247E52D16ED4421DFDF8976C",
    ],
    [
      19,
      base128,
      plains[2]!,
      "56AB21713FF62C0A1457200F6FA9948F",
      "3517D640F50DDC8AD3628722B3569D2AE07493FA8263254080EA65C1008E8FC295FB4852E7D83E1E7C48C37EEBE6B0D3",
    ],
    [
      19,
      base128,
      plains[3]!,
      "A7A4E29A4728CE10664FB64E49AD3FAC",
      "720F73B18D9859CD6CCB4346115CD336C70F58EDC0C4437C5573544C31C813BCE1E6D072C186B39A413C2F92CA9B8334A287FFCBFC",
    ],
    [
      20,
      base256,
      plains[0]!,
      "F764E9FA15C276478B2C7D0C4E5F58E4",
      "41F53FA5BFE7026D91FAF9BE959195A058707273A96A40F0A01960621AC612748B9BBFBE7EB4CE3C",
    ],
    [
      20,
      base256,
      plains[1]!,
      "B80D3251C1F64714 94256FFE712D0B9A",
      "4ED7B37C2BCAC8F74F23C1CF07E62BC7B75FB3F637B9F559C7F664F69EAB7B6092237526EA0D1F61CB20D69D10F2",
    ],
    [
      20,
      base256,
      plains[2]!,
      "53BF8A0D105265D4E276428624CE5E63",
      "BC47FFEC7998EB91E8115CF8D19DAC4BBBE2E163E87DD37F49BECA92027764F68CF51F14D798C2273F35DF574D1F932E40C4FF255B36A266",
    ],
    [
      20,
      base256,
      plains[3]!,
      "763E65367E864F02F55153C7E3B58AF1",
      "40013E2DF58E8751957D2878BCD2D6FE101CCFD556CB1EAE79DB3C3EE86429F2B2A602AC86FEF6ECB647D6295FAE077A1FEB517508D2C16B4192E01F62",
    ],
  ];
  it.each(encryptions)("encryption, enctype %i", (enctype, base, plain, confounder, cipher) => {
    const p = profileOf(enctype);
    expect(hexOf(p.encrypt(base, 2, h(plain), h(confounder)))).toBe(cipher.toLowerCase());
    expect(hexOf(p.decrypt(base, 2, h(cipher)))).toBe(plain);
  });

  it("checksums", () => {
    expect(hexOf(profileOf(19).checksum(base128, 2, h(plains[3]!)))).toBe("d78367186643d67b411cba9139fc1dee");
    expect(hexOf(profileOf(20).checksum(base256, 2, h(plains[3]!)))).toBe(
      "45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a",
    );
  });

  it("PRF", () => {
    expect(hexOf(profileOf(19).prf(base128, Buffer.from("test")))).toBe(
      "9d188616f63852fe86915bb840b4a886ff3e6bb0f819b49b893393d393854295",
    );
    expect(hexOf(profileOf(20).prf(base256, Buffer.from("test")))).toBe(
      "9801f69a368c2bf675e59521e177d9a07f67efe1cfde8d3c8d6f6a0256e3b17db3c1b62ad1b8553360d17367eb1514d2",
    );
  });
});

describe("RFC 3962 PRF (MIT t_prf vectors)", () => {
  it.each([
    [17, "ae272e7cdec86ac5138cdb196d8e297d", "0161", "77b39a37a868920f2a51f9dd150c5717"],
    [17, "67ab1cfef35e4c27ffdeac60385a3e9c", "0162", "e06c0dd31ff02091994f2ef5178bfe3d"],
    [
      18,
      "c01f157211f7b77eaaf457c3e156690127ee127d810ba6392e97baa243eb0616",
      "0161",
      "b2628c788e2e9c4a9bb4644678c29f2f",
    ],
    [
      18,
      "9d520d2d980aa7cb6b693682b62da258b333867951642ce647ae62b1e5e0b5e9",
      "0262",
      "0d674dd0f9a6806525a4d92e828bd15a",
    ],
  ])("enctype %i", (enctype, key, input, expected) => {
    expect(hexOf(profileOf(enctype).prf(h(key), h(input)))).toBe(expected);
  });
});

describe("AES-SHA1 encryption and checksum structure", () => {
  it.each([17, 18])("enctype %i: encrypt-then-verify, HMAC-SHA1-96 over confounder|plaintext", (enctype) => {
    const p = profileOf(enctype);
    const key = p.randomKey();
    for (const n of [0, 1, 15, 16, 17, 100]) {
      const plain = Buffer.alloc(n, 0x5a);
      const c = p.encrypt(key, 11, plain);
      expect(c.length).toBe(16 + n + 12);
      expect(p.decrypt(key, 11, c)).toEqual(plain);
      expect(() => p.decrypt(key, 7, c)).toThrow(/integrity check failed \(key usage 7\)/);
      const flipped = Buffer.from(c);
      flipped[0]! ^= 1;
      expect(() => p.decrypt(key, 11, flipped)).toThrow(KerberosError);
    }
    expect(p.checksum(key, 6, Buffer.from("body")).length).toBe(12);
  });
});

describe("RFC 4757 rc4-hmac", () => {
  const p = profileOf(23);
  it("string-to-key is the NT hash (MD4 of UTF-16LE)", () => {
    expect(hexOf(p.stringToKey("password", ""))).toBe("8846f7eaee8fb117ad06bdd830b7586c");
  });

  it("encrypts as checksum | RC4(K3, confounder | plaintext) with Microsoft usage numbers", () => {
    const key = h("000102030405060708090a0b0c0d0e0f");
    const conf = h("0011223344556677");
    const plain = Buffer.from("hello kerberos");
    const c = p.encrypt(key, 3, plain, conf);
    // Recompute by the RFC: usage 3 is sent as 8.
    const k1 = createHmac("md5", key).update(h("08000000")).digest();
    const checksum = createHmac("md5", k1)
      .update(Buffer.concat([conf, plain]))
      .digest();
    expect(hexOf(c.subarray(0, 16))).toBe(hexOf(checksum));
    expect(p.decrypt(key, 3, c)).toEqual(plain);
    expect(p.decrypt(key, 8, c)).toEqual(plain);
    expect(() => p.decrypt(key, 7, c)).toThrow(KerberosError);
    // A TGS-REP under a subkey (usage 9) that Windows encrypted with usage 8.
    expect(p.decrypt(key, 9, p.encrypt(key, 8, plain))).toEqual(plain);
  });

  it("hmac-md5 checksum", () => {
    const key = h("000102030405060708090a0b0c0d0e0f");
    const ksign = createHmac("md5", key).update(Buffer.from("signaturekey\0")).digest();
    const tmp = createHash("md5")
      .update(Buffer.concat([h("06000000"), Buffer.from("data")]))
      .digest();
    expect(hexOf(p.checksum(key, 6, Buffer.from("data")))).toBe(
      hexOf(createHmac("md5", ksign).update(tmp).digest()),
    );
  });
});

describe("KerberosKey", () => {
  it("hides its bytes from inspect and JSON", () => {
    const k = KerberosKey.fromPassword(18, "very-secret-password", "REALMuser");
    const bytes = k.exportBytes().toString("hex");
    expect(inspect(k)).not.toContain(bytes);
    expect(inspect({ nested: k }, { depth: 5, showHidden: true })).not.toContain(bytes.slice(0, 16));
    expect(JSON.stringify(k)).not.toContain(bytes);
    expect(inspect(k)).toContain("aes256-cts-hmac-sha1-96");
  });

  it("rejects unknown enctypes and wrong key sizes", () => {
    expect(() => new KerberosKey(1, Buffer.alloc(8))).toThrow(/not supported/);
    expect(() => new KerberosKey(18, Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe("krb5.conf enctype lists", () => {
  it("parses MIT names, aliases, DEFAULT and removals", () => {
    expect(parseEnctypeList("aes256-cts-hmac-sha1-96 aes128-cts rc4-hmac des-cbc-crc")).toEqual([18, 17, 23]);
    expect(parseEnctypeList("DEFAULT -rc4-hmac")).toEqual([18, 17, 20, 19]);
    expect(parseEnctypeList("aes256-sha2, arcfour-hmac-md5")).toEqual([20, 23]);
  });
});
