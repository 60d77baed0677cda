/**
 * Robustness (fast-check): every decoder and every mechanism step fed random bytes, or valid tokens
 * truncated or with bytes flipped, returns a value or throws an AuthError: never another exception.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AuthError,
  Credentials,
  decodeAuthenticate,
  decodeChallenge,
  decodeNegotiate,
  decodeNegotiationToken,
  der,
  encodeNegTokenInit,
  encodeNegTokenResp,
  NtlmMechanism,
  negotiate,
  Oid,
  TargetInfo,
} from "../src/index.js";
import { NtlmAcceptor } from "./helpers/ntlm-acceptor.js";

const creds = new Credentials({ username: "alice", domain: "TESTDOM", password: "S3cret!pw" });
const ctx = { targetName: "srv" };

function valueOrAuthError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    expect(typeof err.code).toBe("string");
  }
}

async function valueOrAuthErrorAsync(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
  }
}

const decoders: Array<[string, (b: Buffer) => unknown]> = [
  ["decodeNegotiationToken", decodeNegotiationToken],
  ["decodeNegotiate", decodeNegotiate],
  ["decodeChallenge", decodeChallenge],
  ["decodeAuthenticate", decodeAuthenticate],
  ["TargetInfo.decode", (b) => TargetInfo.decode(b).toJSON()],
  ["der.readChildren", (b) => der.readChildren(der.readTlv(b))],
  ["der.decodeOidValue", (b) => der.decodeOidValue(b)],
  ["der.decodeBitString", (b) => der.decodeBitString(der.readTlv(b), "x")],
];

/** Valid tokens to mutate. */
async function samples(): Promise<Buffer[]> {
  const acceptor = new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: "S3cret!pw" });
  const mech = new NtlmMechanism(creds, {}, ctx);
  const neg = (await mech.step())!;
  const chal = acceptor.challengeFor(neg);
  const auth = (await mech.step(chal))!;
  return [
    neg,
    chal,
    auth,
    encodeNegTokenInit({ mechTypes: [Oid.KRB5, Oid.NTLMSSP], mechToken: neg, reqFlags: [1, 2] }),
    encodeNegTokenResp({
      negState: 1,
      supportedMech: Oid.NTLMSSP,
      responseToken: chal,
      mechListMIC: Buffer.alloc(16),
    }),
  ];
}

/** A valid token with bytes flipped, truncated, or extended. */
const mutated = (base: Buffer[]) =>
  fc
    .record({
      which: fc.nat(base.length - 1),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat()),
      extra: fc.uint8Array({ maxLength: 8 }),
    })
    .map(({ which, flips, cut, extra }) => {
      const b = Buffer.from(base[which]!);
      for (const [pos, x] of flips) b[pos % b.length]! ^= x;
      const t = cut === null ? b : b.subarray(0, cut % (b.length + 1));
      return Buffer.concat([t, extra]);
    });

describe("decoders on hostile input", () => {
  for (const [name, decode] of decoders) {
    it(`${name}: random bytes give a value or an AuthError`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
          valueOrAuthError(() => decode(Buffer.from(bytes))),
        ),
        { numRuns: 1500 },
      );
    });
  }

  it("mutated valid tokens give a value or an AuthError in every decoder", async () => {
    const base = await samples();
    fc.assert(
      fc.property(mutated(base), (bytes) => {
        for (const [, decode] of decoders) valueOrAuthError(() => decode(bytes));
      }),
      { numRuns: 1500 },
    );
  });
});

describe("mechanisms on hostile input", () => {
  it("NtlmMechanism.step(challenge) with garbage or mutated challenges", async () => {
    const base = await samples();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
          mutated(base),
        ),
        async (bytes) => {
          const mech = new NtlmMechanism(creds, {}, ctx);
          await mech.step();
          await valueOrAuthErrorAsync(() => mech.step(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("SpnegoMechanism.step with garbage or mutated tokens, at both legs", async () => {
    const base = await samples();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
          mutated(base),
        ),
        async (bytes) => {
          const first = negotiate(creds).create(ctx);
          await valueOrAuthErrorAsync(() => first.step(bytes));
          const second = negotiate(creds).create(ctx);
          await second.step();
          await valueOrAuthErrorAsync(() => second.step(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });
});
