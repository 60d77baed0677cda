// Random and mutated input into every Kerberos decoder: each must either decode or throw a KerberosError
// (never a RangeError, TypeError or an out-of-bounds read).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeValue } from "../src/kerberos/asn1.js";
import {
  KerberosError,
  KerberosKey,
  parseCcache,
  parseKeytab,
  parsePrincipal,
  serializeCcache,
  serializeKeytab,
  unwrapGssToken,
} from "../src/kerberos/index.js";
import {
  decodeApRep,
  decodeEncApRepPart,
  decodeEncKdcRepPart,
  decodeEtypeInfo2,
  decodeKdcReply,
  decodeMethodData,
  encodeApRep,
  encodeEncApRepPart,
  encodeKrbError,
  encodeTicket,
} from "../src/kerberos/messages.js";

function onlyKerberosErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof KerberosError)) throw err;
  }
}

const alice = parsePrincipal("alice@EXAMPLE.COM");
const seeds = {
  krbError: encodeKrbError({
    stime: new Date(0),
    susec: 1,
    errorCode: 25,
    realm: "EXAMPLE.COM",
    sname: parsePrincipal("krbtgt/EXAMPLE.COM@EXAMPLE.COM").name,
    eData: Buffer.from("3011300fa103020113a208040630043002a000", "hex"),
  }),
  apRep: encodeApRep({ etype: 18, cipher: Buffer.alloc(60, 3) }),
  encApRepPart: encodeEncApRepPart({
    ctime: new Date(0),
    cusec: 5,
    subkey: { keytype: 18, keyvalue: Buffer.alloc(32) },
    seqNumber: 7,
  }),
  ccache: serializeCcache({
    primary: alice,
    credentials: [
      {
        client: alice,
        server: parsePrincipal("krbtgt/EXAMPLE.COM@EXAMPLE.COM"),
        key: new KerberosKey(17, Buffer.alloc(16, 1)),
        keytype: 17,
        authtime: new Date(0),
        starttime: new Date(0),
        endtime: new Date(1000),
        renewTill: undefined,
        isSkey: false,
        flags: 0,
        ticket: encodeTicket({
          realm: "EXAMPLE.COM",
          sname: alice.name,
          encPart: { etype: 17, cipher: Buffer.alloc(30) },
        }),
        secondTicket: Buffer.alloc(0),
        isConfig: false,
      },
    ],
    kdcOffsetMs: 5,
  }),
  keytab: serializeKeytab([
    {
      principal: alice,
      timestamp: new Date(0),
      kvno: 3,
      enctype: 23,
      key: new KerberosKey(23, Buffer.alloc(16, 2)),
    },
  ]),
};

const decoders: [string, (b: Buffer) => unknown][] = [
  ["KDC reply (AS)", (b) => decodeKdcReply(b, 11)],
  ["KDC reply (TGS)", (b) => decodeKdcReply(b, 13)],
  ["EncKDCRepPart", decodeEncKdcRepPart],
  ["AP-REP", decodeApRep],
  ["EncAPRepPart", decodeEncApRepPart],
  ["METHOD-DATA", decodeMethodData],
  ["ETYPE-INFO2", decodeEtypeInfo2],
  ["ccache", (b) => parseCcache(b)],
  ["keytab", (b) => parseKeytab(b)],
  ["GSS token", (b) => unwrapGssToken(b)],
  ["any DER value", (b) => decodeValue(b, "x").sequenceOf()],
];

/** A seed with a few bytes replaced, inserted or cut. */
const mutated = (seed: Buffer) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(seed.length),
    )
    .map(([edits, cut]) => {
      const b = Buffer.from(seed);
      for (const [i, v] of edits) b[i] = v;
      return b.subarray(0, Math.max(1, cut));
    });

describe("Kerberos decoders under fuzzing", () => {
  it.each(decoders)("%s: random bytes", (_, decode) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) =>
        onlyKerberosErrors(() => decode(Buffer.from(bytes))),
      ),
      { numRuns: 300 },
    );
  });

  it.each(Object.entries(seeds))("%s: mutations of a valid message", (_, seed) => {
    for (const [, decode] of decoders) {
      fc.assert(
        fc.property(mutated(seed), (b) => onlyKerberosErrors(() => decode(b))),
        { numRuns: 100 },
      );
    }
  });

  it("the seeds themselves decode", () => {
    expect(decodeKdcReply(seeds.krbError, 11).kind).toBe("error");
    expect(decodeApRep(seeds.apRep).etype).toBe(18);
    expect(decodeEncApRepPart(seeds.encApRepPart).seqNumber).toBe(7);
    expect(parseCcache(seeds.ccache).credentials).toHaveLength(1);
    expect(parseKeytab(seeds.keytab)).toHaveLength(1);
  });
});
