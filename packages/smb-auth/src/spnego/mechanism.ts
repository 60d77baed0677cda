/**
 * SPNEGO initiator (RFC 4178, MS-SPNG) over a preference-ordered list of mechanism factories: sends a
 * NegTokenInit with the whole list and an optimistic token for the first mechanism, follows the server if
 * it picks another one, and exchanges mechListMICs when required (the mechanism asked for it, the server
 * sent request-mic or a MIC, or the chosen mechanism was not the optimistic one).
 */
import { inspect } from "node:util";
import { Credentials, type CredentialsInit } from "../credentials.js";
import { AuthError } from "../errors.js";
import { log } from "../log.js";
import type { AuthContext, AuthMechanism, AuthMechanismFactory } from "../mechanism.js";
import { ntlm, type NtlmOptions } from "../ntlm/mechanism.js";
import { mechName, Oid, sameMech } from "../oids.js";
import {
  decodeNegotiationToken,
  encodeMechTypeList,
  encodeNegTokenInit,
  encodeNegTokenResp,
  NegState,
  type NegTokenResp,
} from "./tokens.js";

export interface SpnegoOptions {
  /** reqFlags to put in the NegTokenInit (ContextFlag bit numbers); omitted by default, as Windows does. */
  reqFlags?: number[];
  /**
   * Fail when the server completes without returning a mechListMIC although one was exchanged for
   * (default false: some servers omit it on the final leg).
   */
  requireServerMic?: boolean;
}

type State = "initial" | "in-progress" | "complete" | "failed";

export class SpnegoMechanism implements AuthMechanism {
  readonly name: string;
  readonly oid = Oid.SPNEGO;

  readonly #factories: AuthMechanismFactory[];
  readonly #ctx: AuthContext;
  readonly #options: SpnegoOptions;
  #state: State = "initial";
  /** The mech list as offered (after filtering by the server's hint). */
  #offered: AuthMechanismFactory[] = [];
  #mechTypesDer: Buffer | undefined;
  #mech: AuthMechanism | undefined;
  #mechFactory: AuthMechanismFactory | undefined;
  #optimistic = true;
  #micRequired = false;
  #micSent = false;
  #micReceived = false;
  #serverComplete = false;
  #anonymousOverride: boolean | undefined;
  #replies = 0;

  constructor(factories: AuthMechanismFactory[], ctx: AuthContext, options: SpnegoOptions = {}) {
    if (factories.length === 0) {
      throw new AuthError("ERR_SMB_AUTH_NO_MECH", "SPNEGO needs at least one mechanism", {
        mechanism: "spnego",
      });
    }
    this.#factories = [...factories];
    this.#ctx = ctx;
    this.#options = options;
    this.name = `spnego(${factories.map((f) => f.name).join(",")})`;
  }

  get complete(): boolean {
    return this.#state === "complete";
  }

  get sessionKey(): Buffer | undefined {
    return this.complete ? this.#mech?.sessionKey : undefined;
  }

  get isAnonymous(): boolean {
    return this.#anonymousOverride ?? this.#mech?.isAnonymous ?? false;
  }

  /** The session layer marks a session authenticated as guest/anonymous (SMB2 SessionFlags). */
  set isAnonymous(value: boolean) {
    this.#anonymousOverride = value;
  }

  /** The mechanism in use (after the server's choice), once there is one. */
  get selectedMechanism(): AuthMechanism | undefined {
    return this.#mech;
  }

  /** The DER MechTypeList as sent (what mechListMIC covers). */
  get mechTypesDer(): Buffer | undefined {
    return this.#mechTypesDer;
  }

  getMic(data: Uint8Array): Buffer {
    if (!this.#mech?.getMic) throw this.#noIntegrity();
    return this.#mech.getMic(data);
  }

  verifyMic(data: Uint8Array, mic: Uint8Array): boolean {
    if (!this.#mech?.verifyMic) throw this.#noIntegrity();
    return this.#mech.verifyMic(data, mic);
  }

  async step(input?: Uint8Array): Promise<Buffer | undefined> {
    try {
      if (this.#state === "initial") return await this.#initial(input);
      if (this.#state === "in-progress") return await this.#continue(input);
      if (this.#state === "complete") {
        if (!input || input.length === 0) return undefined;
        throw new AuthError("ERR_SMB_AUTH_STATE", "SPNEGO is complete; no more tokens expected", {
          mechanism: "spnego",
        });
      }
      throw new AuthError("ERR_SMB_AUTH_STATE", "SPNEGO context failed earlier", { mechanism: "spnego" });
    } catch (err) {
      this.#state = "failed";
      throw err;
    }
  }

  /** First call: input is empty or the server's NegTokenInit2 hint from the NEGOTIATE response. */
  async #initial(input?: Uint8Array): Promise<Buffer> {
    let offered = this.#factories;
    if (input && input.length > 0) {
      const hint = decodeNegotiationToken(input);
      if (hint.kind !== "init") {
        throw new AuthError(
          "ERR_SMB_AUTH_BAD_TOKEN",
          "expected the server's NegTokenInit, got a NegTokenResp",
          {
            mechanism: "spnego",
          },
        );
      }
      log("spnego: server offers %s", hint.mechTypes.map(mechName).join(", "));
      // Keep our preference order; drop what the server does not list (unless that leaves nothing).
      const common = offered.filter((f) => hint.mechTypes.some((m) => sameMech(m, f.oid)));
      if (common.length > 0) offered = common;
    }
    // The optimistic mechanism is the first one that can start (a Kerberos provider without a ticket
    // or KDC fails here): mechanisms that cannot are dropped from the offer, as Windows does.
    let token: Buffer | undefined;
    let firstError: unknown;
    while (offered.length > 0) {
      const f = offered[0]!;
      try {
        const mech = f.create(this.#ctx);
        token = await mech.step(undefined);
        this.#mech = mech;
        this.#mechFactory = f;
        break;
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        log("spnego: %s cannot start (%s); not offered", f.name, err.code);
        firstError ??= err;
        offered = offered.slice(1);
      }
    }
    if (!this.#mech) throw firstError;
    this.#offered = offered;
    const first = this.#mechFactory!;
    const mechTypes = offered.map((f) => f.oid);
    this.#mechTypesDer = encodeMechTypeList(mechTypes);
    this.#state = "in-progress";
    log("spnego: NegTokenInit [%s], optimistic %s token", mechTypes.map(mechName).join(", "), first.name);
    return encodeNegTokenInit({
      mechTypes,
      ...(this.#options.reqFlags && { reqFlags: this.#options.reqFlags }),
      ...(token && token.length > 0 && { mechToken: token }),
    });
  }

  async #continue(input?: Uint8Array): Promise<Buffer | undefined> {
    if (!input || input.length === 0) {
      // A final SESSION_SETUP success without a security buffer: fine once the mechanism is done.
      if (this.#mech?.complete) return this.#finish(undefined);
      throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", "empty SPNEGO token before the mechanism completed", {
        mechanism: "spnego",
      });
    }
    const tok = decodeNegotiationToken(input);
    if (tok.kind !== "resp") {
      throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", "expected a NegTokenResp", { mechanism: "spnego" });
    }
    return this.#onResp(tok);
  }

  async #onResp(resp: NegTokenResp): Promise<Buffer | undefined> {
    if (resp.negState === NegState.REJECT) {
      throw new AuthError("ERR_SMB_AUTH_REJECTED", "the server rejected the authentication (SPNEGO reject)", {
        mechanism: "spnego",
      });
    }
    let responseToken = resp.responseToken;
    let mechListMIC = resp.mechListMIC;
    // Some old implementations echo the response token as mechListMIC; ignore such a MIC.
    if (responseToken && mechListMIC && responseToken.equals(mechListMIC)) mechListMIC = undefined;

    const firstReply = this.#replies++ === 0;
    let outToken: Buffer | undefined;
    if (resp.supportedMech && !sameMech(resp.supportedMech, this.#mechFactory!.oid)) {
      // RFC 4178 4.2.2: supportedMech only in the first reply.
      if (!firstReply) {
        throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", "the server changed the mechanism mid-exchange", {
          mechanism: "spnego",
        });
      }
      // The server chose another mechanism: our optimistic token is void; start that one.
      const f = this.#offered.find((x) => sameMech(x.oid, resp.supportedMech!));
      if (!f) {
        throw new AuthError(
          "ERR_SMB_AUTH_NO_MECH",
          `the server selected ${mechName(resp.supportedMech)}, which was not offered`,
          { mechanism: "spnego" },
        );
      }
      log("spnego: server selected %s instead of %s", f.name, this.#mechFactory!.name);
      this.#mechFactory = f;
      this.#mech = f.create(this.#ctx);
      this.#optimistic = false;
      this.#micRequired = true;
      if (responseToken) {
        throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", "a response token came with a mechanism switch", {
          mechanism: "spnego",
        });
      }
      outToken = await this.#mech.step(undefined);
      responseToken = undefined;
    }
    if (resp.negState === NegState.REQUEST_MIC) this.#micRequired = true;
    if (resp.negState === NegState.ACCEPT_COMPLETED) this.#serverComplete = true;

    const mech = this.#mech!;
    if (responseToken) {
      if (mech.complete) {
        throw new AuthError(
          "ERR_SMB_AUTH_BAD_TOKEN",
          `${mech.name} is complete but the server sent a token`,
          {
            mechanism: "spnego",
          },
        );
      }
      outToken = await mech.step(responseToken);
    }
    if (mech.requiresMechListMic) this.#micRequired = true;

    if (mechListMIC) {
      if (!mech.complete) {
        throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", "mechListMIC before the mechanism completed", {
          mechanism: "spnego",
        });
      }
      if (!mech.verifyMic) throw this.#noIntegrity();
      if (!mech.verifyMic(this.#mechTypesDer!, mechListMIC)) {
        throw new AuthError("ERR_SMB_AUTH_MIC", "the server's SPNEGO mechListMIC does not verify", {
          mechanism: "spnego",
        });
      }
      mech.resetIntegrityState?.("inbound");
      this.#micReceived = true;
      this.#micRequired = true;
    }

    if (this.#serverComplete) {
      // accept-completed ends the exchange (SMB has no further leg): nothing more may be sent.
      if (outToken && outToken.length > 0) {
        throw new AuthError(
          "ERR_SMB_AUTH_BAD_TOKEN",
          "the server completed but the mechanism has more to send",
          {
            mechanism: "spnego",
          },
        );
      }
      return this.#finish(resp);
    }

    let outMic: Buffer | undefined;
    if (mech.complete && this.#micRequired && !this.#micSent) {
      if (!mech.getMic) throw this.#noIntegrity();
      outMic = mech.getMic(this.#mechTypesDer!);
      mech.resetIntegrityState?.("outbound");
      this.#micSent = true;
    }
    if ((outToken && outToken.length > 0) || outMic) {
      return encodeNegTokenResp({
        ...(outToken && outToken.length > 0 && { responseToken: outToken }),
        ...(outMic && { mechListMIC: outMic }),
      });
    }
    return this.#finish(resp);
  }

  /** No more output: complete when the mechanism and the server are done. */
  #finish(resp: NegTokenResp | undefined): undefined {
    const mech = this.#mech!;
    if (!mech.complete) {
      throw new AuthError(
        "ERR_SMB_AUTH_BAD_TOKEN",
        `the server sent no token but ${mech.name} is not complete`,
        {
          mechanism: "spnego",
        },
      );
    }
    if (resp && resp.negState !== undefined && resp.negState !== NegState.ACCEPT_COMPLETED) {
      throw new AuthError("ERR_SMB_AUTH_BAD_TOKEN", `unexpected negState ${resp.negState} after completion`, {
        mechanism: "spnego",
      });
    }
    if (this.#micSent && !this.#micReceived && this.#options.requireServerMic) {
      throw new AuthError("ERR_SMB_AUTH_MIC", "the server completed without a mechListMIC", {
        mechanism: "spnego",
      });
    }
    this.#state = "complete";
    log("spnego: complete with %s%s", mech.name, this.#optimistic ? "" : " (server's choice)");
    return undefined;
  }

  #noIntegrity(): AuthError {
    return new AuthError(
      "ERR_SMB_AUTH_MIC",
      `${this.#mech?.name ?? "the mechanism"} cannot compute or verify a mechListMIC`,
      { mechanism: "spnego" },
    );
  }

  [inspect.custom](): string {
    return `SpnegoMechanism { name: '${this.name}', state: '${this.#state}', selected: ${
      this.#mechFactory ? `'${this.#mechFactory.name}'` : "none"
    }, sessionKey: ${this.sessionKey ? "<redacted>" : "<none>"} }`;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, state: this.#state, selected: this.#mechFactory?.name };
  }
}

/** A SPNEGO factory over `factories` (preference order). */
export function spnego(factories: AuthMechanismFactory[], options: SpnegoOptions = {}): AuthMechanismFactory {
  return {
    name: `spnego(${factories.map((f) => f.name).join(",")})`,
    oid: Oid.SPNEGO,
    create: (ctx) => new SpnegoMechanism(factories, ctx, options),
  };
}

export interface NegotiateOptions extends SpnegoOptions {
  /** A Kerberos provider; preferred over NTLM when given. */
  kerberos?: AuthMechanismFactory;
  /** Options for the NTLM mechanism; `false` leaves NTLM out (Kerberos only). */
  ntlm?: NtlmOptions | false;
}

/** "Negotiate": SPNEGO over [Kerberos provider if given, NTLM]. */
export function negotiate(
  credentials: Credentials | CredentialsInit,
  options: NegotiateOptions = {},
): AuthMechanismFactory {
  const creds = credentials instanceof Credentials ? credentials : new Credentials(credentials);
  const list: AuthMechanismFactory[] = [];
  if (options.kerberos) list.push(options.kerberos);
  if (options.ntlm !== false) list.push(ntlm(creds, options.ntlm ?? {}));
  if (list.length === 0) {
    throw new AuthError(
      "ERR_SMB_AUTH_NO_MECH",
      "negotiate() with no mechanism (ntlm: false and no kerberos)",
      {
        mechanism: "spnego",
      },
    );
  }
  return spnego(list, options);
}
