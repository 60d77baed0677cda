/**
 * End to end against the Samba of tools/samba (inject("samba")): a minimal SMB 3.0 NEGOTIATE and
 * SESSION_SETUP exchange over a raw socket, authenticated with SPNEGO(NTLMv2). The transport and client
 * packages do this for real; this test only proves the auth layer: the session key it produces verifies
 * the server's signature on the final SESSION_SETUP response, and a wrong password is refused.
 */
import { connect, type Socket } from "node:net";
import { deriveSessionKeys, Signer } from "smb-crypto";
import {
  Command,
  Dialect,
  HeaderFlags,
  NegotiateRequest,
  NegotiateResponse,
  NtStatus,
  randomGuid,
  SecurityMode,
  SessionFlags,
  SessionSetupRequest,
  SessionSetupResponse,
  Smb2Header,
  type Smb2HeaderValue,
} from "smb-structures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import {
  type AuthMechanism,
  Credentials,
  decodeAuthenticate,
  decodeNegotiationToken,
  encodeNegTokenResp,
  type NegotiateOptions,
  negotiate,
  type NtlmMechanism,
  type SpnegoMechanism,
} from "../src/index.js";

const samba = inject("samba");

/** One SMB2 connection speaking just enough to authenticate. */
class MiniSmb {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<(msg: Buffer) => void> = [];
  #messageId = 0n;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      // Direct TCP transport (MS-SMB2 2.1): a zero byte and a 24-bit big-endian length per message.
      while (this.#buffer.length >= 4) {
        const len = this.#buffer.readUInt32BE(0) & 0xffffff;
        if (this.#buffer.length < 4 + len) break;
        const msg = this.#buffer.subarray(4, 4 + len);
        this.#buffer = this.#buffer.subarray(4 + len);
        const header = Smb2Header.decode(msg);
        if (header.status === NtStatus.STATUS_PENDING && header.flags & HeaderFlags.ASYNC_COMMAND) continue;
        this.#waiters.shift()?.(Buffer.from(msg));
      }
    });
  }

  static open(host: string, port: number): Promise<MiniSmb> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new MiniSmb(s)));
      s.once("error", reject);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  /** Sends one request and resolves with the raw response message (header + body). */
  request(
    command: number,
    body: Buffer,
    sessionId = 0n,
  ): Promise<{ header: Smb2HeaderValue; message: Buffer }> {
    const header = Smb2Header.encode({
      creditCharge: 1,
      status: 0,
      command,
      credits: 8,
      flags: 0,
      nextCommand: 0,
      messageId: this.#messageId++,
      processId: 0xfeff,
      treeId: 0,
      sessionId,
      signature: Buffer.alloc(16),
    });
    const frame = Buffer.alloc(4);
    frame.writeUInt32BE(header.length + body.length);
    return new Promise((resolve) => {
      this.#waiters.push((message) => resolve({ header: Smb2Header.decode(message), message }));
      this.#socket.write(Buffer.concat([frame, header, body]));
    });
  }
}

interface SetupResult {
  status: number;
  mech: AuthMechanism;
  /** Every server security buffer, in order (the first is the NEGOTIATE response's). */
  serverTokens: Buffer[];
  clientTokens: Buffer[];
  final?: { header: Smb2HeaderValue; message: Buffer; sessionFlags: number };
}

/** NEGOTIATE (SMB 3.0, signing required) then SESSION_SETUP legs until success or failure. */
async function authenticate(
  credentials: Credentials,
  options: NegotiateOptions = {},
  server: { host: string; port: number } = samba,
  tamper?: (leg: number, token: Buffer) => Buffer,
): Promise<SetupResult> {
  const conn = await MiniSmb.open(server.host, server.port);
  try {
    const neg = await conn.request(
      Command.NEGOTIATE,
      NegotiateRequest.encode({
        securityMode: SecurityMode.SIGNING_ENABLED | SecurityMode.SIGNING_REQUIRED,
        capabilities: 0,
        clientGuid: randomGuid(),
        dialects: [Dialect.SMB3_0],
      }),
    );
    expect(neg.header.status).toBe(NtStatus.STATUS_SUCCESS);
    const negotiated = NegotiateResponse.decode(neg.message, 64);
    expect(negotiated.dialectRevision).toBe(Dialect.SMB3_0);

    const mech = negotiate(credentials, options).create({ targetName: server.host });
    const serverTokens = [Buffer.from(negotiated.securityBuffer)];
    const clientTokens: Buffer[] = [];
    let token = await mech.step(negotiated.securityBuffer);
    let sessionId = 0n;
    for (let leg = 0; leg < 5; leg++) {
      if (tamper) token = tamper(leg, token!);
      clientTokens.push(token!);
      const res = await conn.request(
        Command.SESSION_SETUP,
        SessionSetupRequest.encode({
          securityMode: SecurityMode.SIGNING_ENABLED | SecurityMode.SIGNING_REQUIRED,
          securityBuffer: token!,
        }),
        sessionId,
      );
      sessionId = res.header.sessionId;
      const status = res.header.status;
      if (status !== NtStatus.STATUS_SUCCESS && status !== NtStatus.STATUS_MORE_PROCESSING_REQUIRED) {
        return { status, mech, serverTokens, clientTokens };
      }
      const body = SessionSetupResponse.decode(res.message, 64);
      serverTokens.push(Buffer.from(body.securityBuffer));
      const next = await mech.step(body.securityBuffer);
      if (status === NtStatus.STATUS_SUCCESS) {
        expect(next).toBeUndefined();
        return {
          status,
          mech,
          serverTokens,
          clientTokens,
          final: { ...res, sessionFlags: body.sessionFlags },
        };
      }
      token = next;
    }
    throw new Error("too many SESSION_SETUP legs");
  } finally {
    conn.close();
  }
}

describe("NTLMv2 SESSION_SETUP against Samba", () => {
  const creds = new Credentials({ username: samba.username, password: samba.password, domain: samba.domain });

  it("authenticates with SPNEGO(NTLMv2) and the signed final response verifies", async () => {
    const { status, mech, final, serverTokens, clientTokens } = await authenticate(creds);
    expect(status).toBe(NtStatus.STATUS_SUCCESS);
    expect(mech.complete).toBe(true);
    expect(mech.sessionKey).toHaveLength(16);

    // Samba's NEGOTIATE security buffer is a NegTokenInit2 with negHints.
    const hint = decodeNegotiationToken(serverTokens[0]!);
    expect(hint.kind === "init" && hint.negHints?.hintName).toBe("not_defined_in_RFC4178@please_ignore");

    // The AUTHENTICATE carried NTLMv2 with a MIC, and SPNEGO exchanged mechListMICs both ways.
    const authResp = decodeNegotiationToken(clientTokens[1]!);
    expect(authResp.kind).toBe("resp");
    if (authResp.kind === "resp") {
      expect(authResp.mechListMIC).toHaveLength(16);
      const auth = decodeAuthenticate(authResp.responseToken!);
      expect(auth.ntChallengeResponse.length).toBeGreaterThan(24);
      expect(auth.mic).toHaveLength(16);
    }
    const last = decodeNegotiationToken(serverTokens.at(-1)!);
    expect(last.kind === "resp" && last.negState).toBe(0);
    const ntlmMech = (mech as SpnegoMechanism).selectedMechanism as NtlmMechanism;
    expect(ntlmMech.requiresMechListMic).toBe(true);

    // MS-SMB2 3.2.5.3.1: the SMB 3.0 signing key from the NTLM session key verifies the final response.
    expect(final!.header.flags & HeaderFlags.SIGNED).toBe(HeaderFlags.SIGNED);
    const keys = deriveSessionKeys({ dialect: Dialect.SMB3_0, sessionKey: mech.sessionKey! });
    const signer = new Signer("AES-128-CMAC", keys.signingKey);
    expect(signer.verify([final!.message])).toBe(true);
    const tampered = Buffer.from(final!.message);
    tampered[tampered.length - 1]! ^= 1;
    expect(signer.verify([tampered])).toBe(false);
  });

  it("a wrong password gets STATUS_LOGON_FAILURE", async () => {
    const result = await authenticate(creds.with({ password: `${samba.password}-wrong` }));
    expect(result.status).toBe(NtStatus.STATUS_LOGON_FAILURE);
    expect(result.status).toBe(0xc000006d);
    expect(result.mech.complete).toBe(false);
  });

  /** Rewrites the second leg (NTLM AUTHENTICATE + mechListMIC) with `edit`. */
  const onAuthLeg =
    (edit: (resp: { responseToken: Buffer; mechListMIC: Buffer }) => void) =>
    (leg: number, token: Buffer) => {
      if (leg !== 1) return token;
      const t = decodeNegotiationToken(token);
      if (t.kind !== "resp") throw new Error("expected a NegTokenResp");
      const parts = { responseToken: t.responseToken!, mechListMIC: t.mechListMIC! };
      edit(parts);
      return encodeNegTokenResp(parts);
    };

  it("Samba refuses a tampered NTLM MIC", async () => {
    const result = await authenticate(
      creds,
      {},
      samba,
      onAuthLeg(({ responseToken }) => {
        decodeAuthenticate(responseToken).mic![0]! ^= 0x01; // the MIC is a view into responseToken
      }),
    );
    // Samba 4.17 answers a bad NTLM MIC with STATUS_INVALID_PARAMETER.
    expect(result.status).toBe(NtStatus.STATUS_INVALID_PARAMETER);
  });

  it("Samba refuses a tampered SPNEGO mechListMIC", async () => {
    const result = await authenticate(
      creds,
      {},
      samba,
      onAuthLeg(({ mechListMIC }) => {
        mechListMIC[4]! ^= 0x80;
      }),
    );
    // ... and a bad mechListMIC with STATUS_ACCESS_DENIED.
    expect(result.status).toBe(NtStatus.STATUS_ACCESS_DENIED);
  });

  it("an NT hash works as the credential", async () => {
    const { ntowfv1 } = await import("../src/index.js");
    const hashed = new Credentials({
      username: samba.username,
      domain: samba.domain,
      ntHash: ntowfv1(samba.password).toString("hex"),
    });
    const result = await authenticate(hashed);
    expect(result.status).toBe(NtStatus.STATUS_SUCCESS);
  });

  it("anonymous credentials get a null session", async () => {
    const result = await authenticate(Credentials.anonymous());
    expect(result.status).toBe(NtStatus.STATUS_SUCCESS);
    // Samba 4.17 does not set SMB2_SESSION_FLAG_IS_NULL (Windows does) but treats the session as
    // anonymous: no guest flag, and signing is switched off, so the final response is unsigned.
    expect(result.final!.sessionFlags & SessionFlags.IS_GUEST).toBe(0);
    expect(result.final!.header.flags & HeaderFlags.SIGNED).toBe(0);
    expect(result.mech.isAnonymous).toBe(true);
  });

  it("NTLMv1 is refused by a default (ntlmv2-only) Samba", async () => {
    const result = await authenticate(creds, { ntlm: { allowNtlmV1: true } });
    expect(result.status).toBe(NtStatus.STATUS_LOGON_FAILURE);
  });
});

describe.skipIf(samba.external)("NTLMv1 against a Samba with ntlm auth = yes", () => {
  let server: SambaServer | undefined;
  beforeAll(async () => {
    server = await startSamba({ global: { "ntlm auth": "yes" }, signedCompanion: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const level of [0, 1, 2] as const) {
    it(`lmCompatibilityLevel ${level} authenticates and the signature verifies`, async () => {
      const s = server!;
      const creds = new Credentials({ username: s.username, password: s.password, domain: s.domain });
      const r = await authenticate(creds, { ntlm: { lmCompatibilityLevel: level } }, s);
      expect(r.status).toBe(NtStatus.STATUS_SUCCESS);
      const keys = deriveSessionKeys({ dialect: Dialect.SMB3_0, sessionKey: r.mech.sessionKey! });
      expect(new Signer("AES-128-CMAC", keys.signingKey).verify([r.final!.message])).toBe(true);
      const auth = decodeNegotiationToken(r.clientTokens[1]!);
      const ntlmAuth = auth.kind === "resp" ? decodeAuthenticate(auth.responseToken!) : undefined;
      expect(ntlmAuth?.ntChallengeResponse).toHaveLength(24);
    });
  }
});
