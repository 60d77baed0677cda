#!/usr/bin/env node
// Regenerates openssl-vectors.json: known answers computed by the `openssl` command-line tool (OpenSSL 3,
// with the legacy provider for MD4, DES and RC4) and, for the AES-256 transform vectors, by Python's
// `cryptography` package. None of it comes from smb-crypto itself, so these answers check it
// independently. Run: node packages/smb-crypto/test/vectors/generate-openssl-vectors.mjs
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const LEGACY = ["-provider", "legacy", "-provider", "default"];

// Deterministic inputs: xorshift32, so the JSON stays reproducible.
let state = 0x2545f491;
function bytes(n) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}
/** Large inputs are described by this formula instead of being stored: byte i = (i * 31 + 7) & 0xff. */
function pattern(n) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function openssl(args, input) {
  return execFileSync("openssl", args, { input: input ?? Buffer.alloc(0), encoding: "buffer" });
}
const hexOut = (buf) =>
  buf
    .toString("utf8")
    .trim()
    .split(/[=\s]+/)
    .pop()
    .replace(/:/g, "")
    .toLowerCase();

const out = {
  generatedBy: `${execFileSync("openssl", ["version"]).toString().trim()} (CLI) via generate-openssl-vectors.mjs`,
};

// MD4 (openssl dgst -md4, legacy provider).
out.md4 = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000].map((n) => {
  const data = bytes(n);
  return { data: data.toString("hex"), digest: hexOut(openssl(["dgst", "-md4", ...LEGACY], data)) };
});
out.md4Pattern = [1 << 20, 100003].map((n) => ({
  length: n,
  digest: hexOut(openssl(["dgst", "-md4", ...LEGACY], pattern(n))),
}));

// DES-ECB single blocks with 8-byte keys (openssl enc -des-ecb -nopad).
out.des = Array.from({ length: 24 }, () => {
  const key = bytes(8);
  const block = bytes(8);
  const ct = openssl(["enc", "-des-ecb", "-nopad", "-K", key.toString("hex"), ...LEGACY], block);
  return { key: key.toString("hex"), block: block.toString("hex"), ciphertext: ct.toString("hex") };
});

// RC4 (openssl enc -rc4-40 for 5-byte keys, -rc4 for 16-byte keys).
out.rc4 = [
  ["-rc4-40", 5, 300],
  ["-rc4", 16, 1000],
  ["-rc4", 16, 4097],
].map(([cipher, keyLen, n]) => {
  const key = bytes(keyLen);
  const data = bytes(n);
  const ct = openssl(["enc", cipher, "-K", key.toString("hex"), ...LEGACY], data);
  return { key: key.toString("hex"), data: data.toString("hex"), ciphertext: ct.toString("hex") };
});

// HMAC-MD5 (openssl mac HMAC, digest MD5).
out.hmacMd5 = [0, 16, 100].map((n) => {
  const key = bytes(16);
  const data = bytes(n);
  const mac = openssl(["mac", "-digest", "MD5", "-macopt", `hexkey:${key.toString("hex")}`, "HMAC"], data);
  return { key: key.toString("hex"), data: data.toString("hex"), mac: hexOut(mac) };
});

// AES-CMAC (openssl mac CMAC over AES-128/256-CBC).
out.cmac = [
  [16, 0],
  [16, 1],
  [16, 15],
  [16, 16],
  [16, 17],
  [16, 33],
  [16, 1000],
  [32, 0],
  [32, 77],
].map(([keyLen, n]) => {
  const key = bytes(keyLen);
  const data = bytes(n);
  const cipher = keyLen === 16 ? "AES-128-CBC" : "AES-256-CBC";
  const mac = openssl(["mac", "-cipher", cipher, "-macopt", `hexkey:${key.toString("hex")}`, "CMAC"], data);
  return { key: key.toString("hex"), data: data.toString("hex"), mac: hexOut(mac) };
});
out.cmacPattern = [
  [16, 1 << 20],
  [16, 65536 + 5],
].map(([keyLen, n]) => {
  const key = bytes(keyLen);
  const mac = openssl(
    ["mac", "-cipher", "AES-128-CBC", "-macopt", `hexkey:${key.toString("hex")}`, "CMAC"],
    pattern(n),
  );
  return { key: key.toString("hex"), length: n, mac: hexOut(mac) };
});

// SMB2 signing (MS-SMB2 3.1.4.1). The message is a 64-byte SMB2 header (random fields, Signature field
// zeroed) followed by a payload; openssl computes HMAC-SHA256 (truncated to 16 bytes), AES-128-CMAC and
// AES-128-GMAC over it. The GMAC nonce is built here from the header: MessageId (8 bytes) then a
// little-endian u32 with bit 0 = SMB2_FLAGS_SERVER_TO_REDIR, bit 1 = command is CANCEL (0x000C).
out.smbSigning = [
  { command: 0x0008, flags: 0x00000008, payload: 49 },
  { command: 0x0008, flags: 0x00000009, payload: 1000 },
  { command: 0x000c, flags: 0x00000008, payload: 4 },
  { command: 0x000c, flags: 0x0000000b, payload: 4 },
  { command: 0x0005, flags: 0x0000000a, payload: 0 },
  { command: 0x0009, flags: 0x00000008, payload: 70000, patternPayload: true },
].map(({ command, flags, payload, patternPayload }) => {
  const key = bytes(16);
  const header = bytes(64);
  header.write("fe534d42", 0, "hex");
  header.writeUInt16LE(64, 4);
  header.writeUInt16LE(command, 12);
  header.writeUInt32LE(flags, 16);
  header.fill(0, 48, 64);
  const body = patternPayload ? pattern(payload) : bytes(payload);
  const msg = Buffer.concat([header, body]);
  const k = key.toString("hex");
  const hmac = hexOut(openssl(["mac", "-digest", "SHA256", "-macopt", `hexkey:${k}`, "HMAC"], msg)).slice(
    0,
    32,
  );
  const cmac = hexOut(openssl(["mac", "-cipher", "AES-128-CBC", "-macopt", `hexkey:${k}`, "CMAC"], msg));
  const nonce = Buffer.alloc(12);
  header.copy(nonce, 0, 24, 32);
  nonce.writeUInt32LE((flags & 1 ? 1 : 0) | (command === 0x000c ? 2 : 0), 8);
  const gmac = hexOut(
    openssl(
      [
        "mac",
        "-cipher",
        "AES-128-GCM",
        "-macopt",
        `hexkey:${k}`,
        "-macopt",
        `hexiv:${nonce.toString("hex")}`,
        "GMAC",
      ],
      msg,
    ),
  );
  return {
    key: k,
    header: header.toString("hex"),
    ...(patternPayload ? { patternPayloadLength: payload } : { payload: body.toString("hex") }),
    gmacNonce: nonce.toString("hex"),
    "HMAC-SHA256": hmac,
    "AES-128-CMAC": cmac,
    "AES-128-GMAC": gmac,
  };
});

// SP800-108 counter-mode KDF with HMAC-SHA256 (openssl kdf KBKDF: salt = label, info = context; it adds
// the 0x00 separator and [L]_32be itself).
function kbkdf(key, label, context, bytesOut) {
  const args = ["kdf", "-keylen", String(bytesOut), "-kdfopt", "digest:SHA256", "-kdfopt", "mac:HMAC"];
  args.push("-kdfopt", `hexkey:${key.toString("hex")}`, "-kdfopt", `hexsalt:${label.toString("hex")}`);
  args.push("-kdfopt", `hexinfo:${context.toString("hex")}`, "KBKDF");
  return execFileSync("openssl", args).toString().trim().replace(/:/g, "").toLowerCase();
}
const z = (s) => Buffer.from(`${s}\0`, "latin1");
out.kdf = [
  [bytes(16), z("SMB2AESCMAC"), z("SmbSign"), 16],
  [bytes(16), z("SMBC2SCipherKey"), bytes(64), 32],
  [bytes(32), z("SMBS2CCipherKey"), bytes(64), 32],
  [bytes(32), z("SMBC2SCipherKey"), bytes(64), 16],
].map(([key, label, context, n]) => ({
  key: key.toString("hex"),
  label: label.toString("hex"),
  context: context.toString("hex"),
  lengthBits: n * 8,
  output: kbkdf(key, label, context, n),
}));

// deriveSessionKeys for SMB 3.1.1 with AES-256 ciphers and a 32-byte (Kerberos-sized) GSS key, built from
// KBKDF per MS-SMB2 3.2.5.3.1: Signing/Application keys from the first 16 bytes with L = 128,
// Encryption/Decryption keys from the full key with L = 256.
out.derive311Aes256 = (() => {
  const gss = bytes(32);
  const preauth = bytes(64);
  const sk = gss.subarray(0, 16);
  return {
    sessionKey: gss.toString("hex"),
    preauthHash: preauth.toString("hex"),
    signingKey: kbkdf(sk, z("SMBSigningKey"), preauth, 16),
    encryptionKey: kbkdf(gss, z("SMBC2SCipherKey"), preauth, 32),
    decryptionKey: kbkdf(gss, z("SMBS2CCipherKey"), preauth, 32),
    applicationKey: kbkdf(sk, z("SMBAppKey"), preauth, 16),
  };
})();

// AES-256-CCM / AES-256-GCM transformed messages (MS-SMB2 2.2.41 / 3.1.4.3) from Python `cryptography`:
// transform header with the nonce at offset 20 (11 bytes for CCM, 12 for GCM, rest zero), AAD = header
// bytes 20..52, tag into bytes 4..20.
const py = `
import json, sys, struct
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM
cases = json.load(sys.stdin)
res = []
for c in cases:
    key = bytes.fromhex(c["key"]); nonce = bytes.fromhex(c["nonce"]); pt = bytes.fromhex(c["plaintext"])
    hdr = bytearray(52)
    hdr[0:4] = b"\\xfdSMB"
    hdr[20:20 + len(nonce)] = nonce
    struct.pack_into("<IHHQ", hdr, 36, len(pt), 0, 1, int(c["sessionId"], 16))
    aad = bytes(hdr[20:52])
    aead = AESCCM(key, tag_length=16) if c["alg"].endswith("CCM") else AESGCM(key)
    ct = aead.encrypt(nonce, pt, aad)
    hdr[4:20] = ct[-16:]
    res.append(dict(c, message=(bytes(hdr) + ct[:-16]).hex()))
json.dump(res, sys.stdout)
`;
const aeadCases = ["AES-256-CCM", "AES-256-GCM", "AES-128-CCM", "AES-128-GCM"].map((alg) => ({
  alg,
  key: bytes(alg.startsWith("AES-256") ? 32 : 16).toString("hex"),
  nonce: bytes(alg.endsWith("CCM") ? 11 : 12).toString("hex"),
  sessionId: "0000100000000041",
  plaintext: bytes(150).toString("hex"),
}));
try {
  out.transform = JSON.parse(
    execFileSync("python3", ["-c", py], { input: JSON.stringify(aeadCases) }).toString(),
  );
  out.transformGeneratedBy = "python3 cryptography (AESCCM/AESGCM)";
} catch (err) {
  console.error("python3 with the cryptography package is needed for the transform vectors:", err.message);
  process.exit(1);
}

const target = new URL("./openssl-vectors.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${target.pathname}`);
