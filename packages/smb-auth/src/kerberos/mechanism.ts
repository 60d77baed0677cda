/**
 * The Kerberos V5 GSS-API mechanism (RFC 4121) as an {@link AuthMechanismFactory}: step() builds a
 * GSS-framed AP-REQ for cifs/<host> (a random subkey, a sequence number, the 0x8003 checksum with the
 * context flags and channel bindings, mutual authentication requested); step(AP-REP) checks the
 * EncAPRepPart (ctime/cusec must echo the authenticator) and completes.
 *
 * The session key handed to SMB (MS-KILE 3.4.5, what Samba and Windows use): the acceptor's subkey from
 * the AP-REP if present, else the authenticator subkey, else the ticket session key.
 */
import { randomBytes } from "node:crypto";
import { log } from "../log.js";
import type { AuthContext, AuthMechanism, AuthMechanismFactory } from "../mechanism.js";
import { appTag } from "./asn1.js";
import { KerberosClient, type KerberosClientOptions, type KerberosCredential } from "./client.js";
import { KeyUsage } from "./crypto/enctypes.js";
import { KerberosKey } from "./crypto/key.js";
import { fromKrbError, KerberosError, KrbErrorCode } from "./errors.js";
import {
  DEFAULT_GSS_FLAGS,
  GssFlags,
  gssChecksum,
  KRB5_OID,
  MS_KRB5_OID,
  makeMic,
  TokId,
  unwrapGssToken,
  verifyMic,
  wrapGssToken,
} from "./gss.js";
import {
  ApOptions,
  decodeApRep,
  decodeEncApRepPart,
  decodeKrbError,
  encodeApReq,
  encodeAuthenticator,
  MsgType,
} from "./messages.js";
import { formatPrincipal } from "./principal.js";
import { decodeValue } from "./asn1.js";

export interface KerberosOptions extends KerberosClientOptions {
  /** Service principal, default "cifs/<server host name>" ("service/host[@REALM]" or "service@host"). */
  spn?: string;
  /** Request mutual authentication and verify the AP-REP (default true). */
  mutual?: boolean;
  /** GSS flags for the authenticator checksum (default mutual|replay|sequence|conf|integ). */
  gssFlags?: number;
}

/** Which key becomes the SMB session key (for diagnostics; "auto" is MS-KILE's rule). */
export type SessionKeySource = "acceptor-subkey" | "initiator-subkey" | "ticket";

type State = "initial" | "sent" | "complete" | "failed";

export class KerberosMechanism implements AuthMechanism {
  readonly name = "kerberos";
  readonly oid: string;
  readonly #client: KerberosClient;
  readonly #options: KerberosOptions;
  readonly #ctx: AuthContext;
  #state: State = "initial";
  #cred: KerberosCredential | undefined;
  #subkey: KerberosKey | undefined;
  #acceptorSubkey: KerberosKey | undefined;
  #ctime: Date | undefined;
  #cusec = 0;
  #seq = 0n;
  #peerSeq: bigint | undefined;
  #sessionKeySource: SessionKeySource | undefined;

  constructor(client: KerberosClient, options: KerberosOptions, ctx: AuthContext, oid: string = KRB5_OID) {
    this.#client = client;
    this.#options = options;
    this.#ctx = ctx;
    this.oid = oid;
  }

  get complete(): boolean {
    return this.#state === "complete";
  }

  /** The service ticket's client principal and service, once step() ran. */
  get credential(): { client: string; server: string; enctype: string } | undefined {
    const c = this.#cred;
    return (
      c && {
        client: formatPrincipal(c.client),
        server: formatPrincipal(c.server),
        enctype: c.sessionKey.name,
      }
    );
  }

  /** Which key {@link sessionKey} is. */
  get sessionKeySource(): SessionKeySource | undefined {
    return this.complete ? this.#sessionKeySource : undefined;
  }

  #sessionKeyObject(): KerberosKey | undefined {
    if (!this.complete) return undefined;
    switch (this.#sessionKeySource) {
      case "acceptor-subkey":
        return this.#acceptorSubkey;
      case "initiator-subkey":
        return this.#subkey;
      default:
        return this.#cred?.sessionKey;
    }
  }

  get sessionKey(): Buffer | undefined {
    return this.#sessionKeyObject()?.exportBytes();
  }

  /** The session key a given rule would pick (diagnostics and interoperability tests). */
  sessionKeyFrom(source: SessionKeySource): Buffer | undefined {
    if (!this.complete) return undefined;
    const k =
      source === "acceptor-subkey"
        ? this.#acceptorSubkey
        : source === "initiator-subkey"
          ? this.#subkey
          : this.#cred?.sessionKey;
    return k?.exportBytes();
  }

  async step(input?: Uint8Array): Promise<Buffer | undefined> {
    try {
      if (this.#state === "initial") {
        if (input && input.length > 0) {
          throw new KerberosError(
            "KRB5_BAD_MSG",
            "the Kerberos mechanism starts the exchange; got a server token first",
          );
        }
        return await this.#initial();
      }
      if (this.#state === "sent") {
        if (!input || input.length === 0) {
          throw new KerberosError(
            "KRB5_BAD_MSG",
            "mutual authentication needs the server's AP-REP; got no token",
          );
        }
        this.#reply(input);
        return undefined;
      }
      throw new KerberosError("KRB5_BAD_MSG", `step() called in state ${this.#state}`);
    } catch (err) {
      this.#state = "failed";
      throw err;
    }
  }

  async #initial(): Promise<Buffer> {
    const client = this.#client;
    const spn = this.#options.spn ?? `cifs/${this.#ctx.targetName}`;
    const server = client.servicePrincipal(spn);
    const cred = await client.getServiceTicket(server);
    this.#cred = cred;
    const mutual = this.#options.mutual ?? true;
    this.#subkey = KerberosKey.random(cred.sessionKey.enctype);
    const seq = randomBytes(4).readUInt32BE(0) & 0x3fffffff;
    this.#seq = BigInt(seq);
    const now = client.now();
    const ctime = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const cusec = (now.getTime() % 1000) * 1000 + (randomBytes(2).readUInt16BE(0) % 1000);
    this.#ctime = ctime;
    this.#cusec = cusec;
    let flags = this.#options.gssFlags ?? DEFAULT_GSS_FLAGS;
    flags = mutual ? flags | GssFlags.MUTUAL : flags & ~GssFlags.MUTUAL;
    const authenticator = encodeAuthenticator({
      crealm: cred.client.realm,
      cname: cred.client.name,
      cksum: gssChecksum(flags, this.#ctx.channelBindings),
      cusec,
      ctime,
      subkey: { keytype: this.#subkey.enctype, keyvalue: this.#subkey.exportBytes() },
      seqNumber: seq,
    });
    const apReq = encodeApReq(mutual ? ApOptions.MUTUAL_REQUIRED : 0, cred.ticket, {
      etype: cred.sessionKey.enctype,
      cipher: cred.sessionKey.encrypt(KeyUsage.AP_REQ_AUTHENTICATOR, authenticator),
    });
    log(
      "kerberos: AP-REQ for %s as %s (%s%s)",
      formatPrincipal(cred.server),
      formatPrincipal(cred.client),
      cred.sessionKey.name,
      mutual ? ", mutual" : "",
    );
    if (mutual) {
      this.#state = "sent";
    } else {
      this.#state = "complete";
      this.#sessionKeySource = "initiator-subkey";
    }
    return wrapGssToken(TokId.AP_REQ, apReq);
  }

  #reply(input: Uint8Array): void {
    const cred = this.#cred!;
    const server = formatPrincipal(cred.server);
    const { tokId, body } = unwrapGssToken(input);
    if (tokId === TokId.KRB_ERROR || (tokId === undefined && body[0] === appTag(MsgType.KRB_ERROR))) {
      const e = decodeKrbError(decodeValue(body, "KRB-ERROR"));
      throw fromKrbError(e, {
        client: formatPrincipal(cred.client),
        server,
        from: "server",
        localNowMs: this.#client.now().getTime() - this.#client.clockOffsetMs,
      });
    }
    if (tokId !== undefined && tokId !== TokId.AP_REP) {
      throw new KerberosError(
        "KRB5_BAD_MSG",
        `expected an AP-REP token from ${server}, got TOK_ID 0x${tokId.toString(16)}`,
      );
    }
    const enc = decodeApRep(body);
    const key = cred.sessionKey;
    if (enc.etype !== key.enctype) {
      throw new KerberosError(
        "KRB_AP_ERR_MUT_FAIL",
        `the AP-REP from ${server} uses another encryption type (KRB_AP_ERR_MUT_FAIL)`,
        {
          errorCode: KrbErrorCode.KRB_AP_ERR_MUT_FAIL,
        },
      );
    }
    let part: ReturnType<typeof decodeEncApRepPart>;
    try {
      part = decodeEncApRepPart(key.decrypt(KeyUsage.AP_REP_ENC_PART, enc.cipher));
    } catch (err) {
      throw new KerberosError(
        "KRB_AP_ERR_MUT_FAIL",
        `mutual authentication with ${server} failed: cannot decrypt its AP-REP (KRB_AP_ERR_MUT_FAIL)`,
        {
          cause: err,
          errorCode: KrbErrorCode.KRB_AP_ERR_MUT_FAIL,
        },
      );
    }
    if (part.ctime.getTime() !== this.#ctime!.getTime() || part.cusec !== this.#cusec) {
      throw new KerberosError(
        "KRB_AP_ERR_MUT_FAIL",
        `mutual authentication with ${server} failed: the AP-REP does not echo our authenticator time (KRB_AP_ERR_MUT_FAIL)`,
        { errorCode: KrbErrorCode.KRB_AP_ERR_MUT_FAIL },
      );
    }
    if (part.subkey) {
      try {
        this.#acceptorSubkey = new KerberosKey(part.subkey.keytype, part.subkey.keyvalue);
      } catch (err) {
        if (err instanceof KerberosError) throw err;
        throw new KerberosError("KRB5_BAD_MSG", `the AP-REP from ${server} carries an unusable subkey`, {
          cause: err,
        });
      }
    }
    this.#peerSeq = part.seqNumber === undefined ? undefined : BigInt(part.seqNumber);
    this.#sessionKeySource = this.#acceptorSubkey
      ? "acceptor-subkey"
      : this.#subkey
        ? "initiator-subkey"
        : "ticket";
    this.#state = "complete";
    log("kerberos: mutual authentication with %s complete (session key: %s)", server, this.#sessionKeySource);
  }

  /** RFC 4121 MIC token (SPNEGO mechListMIC). */
  getMic(data: Uint8Array): Buffer {
    const key = this.#acceptorSubkey ?? this.#subkey;
    if (!this.complete || !key)
      throw new KerberosError("KRB5_BAD_MSG", "getMic before the Kerberos context is complete");
    const mic = makeMic(key, this.#acceptorSubkey !== undefined, this.#seq, data);
    this.#seq += 1n;
    return mic;
  }

  verifyMic(data: Uint8Array, mic: Uint8Array): boolean {
    const key = this.#acceptorSubkey ?? this.#subkey;
    if (!this.complete || !key) return false;
    const seq = verifyMic(key, data, mic);
    if (seq === undefined) return false;
    if (this.#peerSeq !== undefined) this.#peerSeq = seq + 1n;
    return true;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const c = this.credential;
    return `KerberosMechanism { oid: '${this.oid}', state: '${this.#state}'${c ? `, server: '${c.server}', client: '${c.client}'` : ""}, sessionKey: ${this.complete ? "<redacted>" : "<none>"} }`;
  }
}

/** A factory bound to one KerberosClient (tickets are shared by every mechanism it creates). */
export interface KerberosFactory extends AuthMechanismFactory {
  readonly client: KerberosClient;
  create(ctx: AuthContext): KerberosMechanism;
  /** The same mechanism and ticket cache under the MS-KRB5 OID 1.2.840.48018.1.2.2. */
  msAlias(): KerberosFactory;
}

function makeFactory(client: KerberosClient, options: KerberosOptions, oid: string): KerberosFactory {
  const f: KerberosFactory = {
    name: oid === KRB5_OID ? "kerberos" : "kerberos(ms)",
    oid,
    client,
    create: (ctx) => new KerberosMechanism(client, options, ctx, oid),
    msAlias: () => makeFactory(client, options, MS_KRB5_OID),
  };
  Object.defineProperty(f, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => `KerberosFactory { oid: '${oid}' }`,
    enumerable: false,
  });
  return f;
}

/**
 * Kerberos for SMB: `kerberos({ credentials: { username: "alice@EXAMPLE.COM", password } })`, or a
 * keytab, or the user's credential cache (the default when no secret is given).
 */
export function kerberos(options: KerberosOptions = {}): KerberosFactory {
  return makeFactory(new KerberosClient(options), options, KRB5_OID);
}

/** Kerberos under the MS-KRB5 OID (1.2.840.48018.1.2.2) that older Windows offers in SPNEGO. */
export function kerberosMs(options: KerberosOptions = {}): KerberosFactory {
  return makeFactory(new KerberosClient(options), options, MS_KRB5_OID);
}
