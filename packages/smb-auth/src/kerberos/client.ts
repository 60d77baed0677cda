/**
 * A Kerberos client (RFC 4120): initial tickets by AS exchange (password with encrypted-timestamp
 * pre-authentication, or a keytab key) or from an MIT credential cache, and service tickets by TGS
 * exchange, cached in memory. KDCs come from the `kdc` option or krb5.conf; they are reached over TCP.
 *
 * Clock skew: when a KDC answers KRB_AP_ERR_SKEW, its stime gives the offset of our clock; with
 * `timeSync` (krb5.conf kdc_timesync, default on) the request is retried once with that offset, which
 * then also applies to authenticators sent to servers. Otherwise the error says by how much the clocks
 * differ.
 */
import { randomBytes } from "node:crypto";
import { Credentials, secretsOf } from "../credentials.js";
import { log } from "../log.js";
import { type Ccache, type CcacheCredential, readCcache, writeCcache } from "./ccache.js";
import {
  DEFAULT_ENCTYPES,
  EncType,
  enctypeName,
  findProfile,
  KeyUsage,
  parseEnctypeList,
} from "./crypto/enctypes.js";
import { KerberosKey } from "./crypto/key.js";
import { fromKrbError, KerberosError, KrbErrorCode, localError } from "./errors.js";
import { type KeytabEntry, readKeytab } from "./keytab.js";
import {
  defaultRealm as confDefaultRealm,
  type KdcAddress,
  type Krb5Config,
  kdcsForRealm,
  libdefault,
  libdefaultBool,
  loadKrb5Conf,
  parseKdcAddress,
  realmForHost,
} from "./krb5conf.js";
import {
  decodeEncKdcRepPart,
  decodeEtypeInfo,
  decodeEtypeInfo2,
  decodeKdcReply,
  decodeMethodData,
  decodeTicketBytes,
  type EncKdcRepPart,
  type EtypeInfo2Entry,
  encodeApReq,
  encodeAuthenticator,
  encodeEncryptedData,
  encodeKdcReq,
  encodeKdcReqBody,
  encodePaEncTsEnc,
  encodePaPacRequest,
  type KdcRep,
  KdcOptions,
  type KrbErrorMessage,
  NameType,
  type PaData,
  PaType,
  type Ticket,
} from "./messages.js";
import {
  defaultSalt,
  formatPrincipal,
  type Principal,
  parsePrincipal,
  samePrincipal,
  tgsPrincipal,
} from "./principal.js";
import { sendToKdc } from "./transport.js";

/** Where the client's identity and secret come from (besides a Credentials object). */
export interface KerberosCredentialsInput {
  /** "user@REALM" (or "user" with the realm option / default_realm). */
  username?: string;
  password?: string;
  /** Keytab holding the user's long-term keys (password-less AS exchange). */
  keytab?: string;
  /** Credential cache to take tickets from ("FILE:/path" or a path). */
  ccache?: string;
}

export interface KerberosClientOptions {
  /** A Credentials object (password, or NT hash used as the rc4-hmac key), or the fields above. */
  credentials?: Credentials | KerberosCredentialsInput;
  /** Credential cache to read when no password or keytab is given (default $KRB5CCNAME, /tmp/krb5cc_<uid>). */
  ccache?: string;
  /** Keytab for the client principal. */
  keytab?: string;
  /** Client realm when the user name has none (overrides default_realm). */
  realm?: string;
  /** "host:port" of the KDC, overriding krb5.conf for every realm. */
  kdc?: string;
  /** krb5.conf path (default $KRB5_CONFIG, /etc/krb5.conf). */
  krb5Conf?: string;
  /** Encryption types to request, strongest first (numbers or MIT names). */
  enctypes?: readonly (number | string)[];
  /** Milliseconds since the epoch (tests, or a known-wrong host clock). Default Date.now. */
  clock?: () => number;
  /** Adopt the KDC's time on KRB_AP_ERR_SKEW and retry once (default: krb5.conf kdc_timesync, else true). */
  timeSync?: boolean;
  /** Per-KDC timeout (default 10 s). */
  timeoutMs?: number;
  /** After getting tickets with a password or keytab, write them to this ccache. */
  saveCcache?: string;
  /** Ask for a PAC (PA-PAC-REQUEST, MS-KILE); default true. */
  requestPac?: boolean;
  /** Environment for KRB5_CONFIG / KRB5CCNAME (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A ticket with its session key. */
export interface KerberosCredential {
  client: Principal;
  server: Principal;
  ticket: Ticket;
  sessionKey: KerberosKey;
  flags: number;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill: Date | undefined;
}

/** Tickets closer than this to their end are renewed rather than used. */
const EXPIRY_MARGIN_MS = 60_000;
const DAY_MS = 24 * 3600_000;

type Secret =
  | { kind: "password"; password: string }
  | { kind: "ntHash"; key: KerberosKey }
  | { kind: "keytab"; path: string }
  | { kind: "ccache"; name: string | undefined };

function randomNonce(): number {
  return randomBytes(4).readUInt32BE(0) & 0x7fffffff;
}

export class KerberosClient {
  readonly #opts: KerberosClientOptions;
  readonly #env: NodeJS.ProcessEnv;
  #conf: Krb5Config | undefined;
  readonly #secret: Secret;
  readonly #username: string | undefined;
  #client: Principal | undefined;
  #tgt: KerberosCredential | undefined;
  #tgtPending: Promise<KerberosCredential> | undefined;
  readonly #tickets = new Map<string, KerberosCredential>();
  readonly #pending = new Map<string, Promise<KerberosCredential>>();
  #ccache: Ccache | undefined;
  #offsetMs = 0;
  #fallbackRealm: string | undefined;

  constructor(options: KerberosClientOptions = {}) {
    this.#opts = options;
    this.#env = options.env ?? process.env;
    const c = options.credentials;
    if (c instanceof Credentials) {
      const s = secretsOf(c);
      // A UPN keeps its realm; DOMAIN\user (or an explicit domain) takes the realm from the options or
      // krb5.conf, with the upper-cased domain as the last resort.
      this.#username = c.form === "upn" ? c.principal : c.username || undefined;
      if (s.password !== undefined) this.#secret = { kind: "password", password: s.password };
      else if (s.ntHash !== undefined)
        this.#secret = { kind: "ntHash", key: new KerberosKey(EncType.RC4_HMAC, s.ntHash) };
      else this.#secret = this.#fileSecret(undefined);
      if (c.form !== "upn" && c.domain) this.#fallbackRealm = c.domain.toUpperCase();
    } else {
      this.#username = c?.username;
      if (c?.password !== undefined) {
        if (typeof c.password !== "string") throw localError("KRB5_CONFIG", "password must be a string");
        this.#secret = { kind: "password", password: c.password };
      } else {
        this.#secret = this.#fileSecret(c);
      }
    }
    if (this.#secret.kind !== "ccache" && this.#username === undefined && this.#secret.kind !== "keytab") {
      throw localError("KRB5_CONFIG", "Kerberos credentials need a username (user@REALM)");
    }
  }

  #fileSecret(c: KerberosCredentialsInput | undefined): Secret {
    const keytab = c?.keytab ?? this.#opts.keytab;
    if (keytab !== undefined) return { kind: "keytab", path: keytab };
    return { kind: "ccache", name: c?.ccache ?? this.#opts.ccache };
  }

  /** The parsed krb5.conf (loaded on first use). */
  get config(): Krb5Config {
    this.#conf ??= loadKrb5Conf(this.#opts.krb5Conf, this.#env);
    return this.#conf;
  }

  /** Milliseconds our clock is behind the KDC's, as learned from KRB_AP_ERR_SKEW or the ccache. */
  get clockOffsetMs(): number {
    return this.#offsetMs;
  }

  /** The current time, corrected by the learned clock offset. */
  now(): Date {
    return new Date(this.#rawNow() + this.#offsetMs);
  }

  #rawNow(): number {
    return (this.#opts.clock ?? Date.now)();
  }

  /** The client realm default: realm option, else krb5.conf default_realm. */
  get defaultRealm(): string | undefined {
    return this.#opts.realm ?? confDefaultRealm(this.config) ?? this.#fallbackRealm;
  }

  /** The client principal (known after the first ticket for ccache-based clients). */
  get principal(): Principal | undefined {
    if (!this.#client && this.#username !== undefined)
      this.#client = parsePrincipal(this.#username, this.defaultRealm, NameType.PRINCIPAL);
    return this.#client;
  }

  #timeSync(): boolean {
    return this.#opts.timeSync ?? libdefaultBool(this.config, "kdc_timesync", true);
  }

  #enctypes(kind: "tkt" | "tgs"): number[] {
    if (this.#opts.enctypes) {
      const list = parseEnctypeList(this.#opts.enctypes.map(String).join(" "));
      if (list.length === 0) throw localError("KRB5_CONFIG", "enctypes lists no supported encryption type");
      return list;
    }
    const fromConf = libdefault(
      this.config,
      kind === "tkt" ? "default_tkt_enctypes" : "default_tgs_enctypes",
    );
    const permitted = libdefault(this.config, "permitted_enctypes");
    let list = fromConf ? parseEnctypeList(fromConf) : [...DEFAULT_ENCTYPES];
    if (permitted) {
      const allowed = new Set(parseEnctypeList(permitted));
      list = list.filter((e) => allowed.has(e));
    }
    if (list.length === 0)
      throw localError("KRB5_CONFIG", `krb5.conf leaves no supported ${kind} encryption type`);
    return list;
  }

  #kdcs(realm: string): KdcAddress[] {
    if (this.#opts.kdc !== undefined) {
      const a = parseKdcAddress(this.#opts.kdc);
      if (!a)
        throw localError("KRB5_CONFIG", `bad kdc option "${this.#opts.kdc}" (expected host or host:port)`);
      return [a];
    }
    const list = kdcsForRealm(this.config, realm);
    if (list.length === 0) {
      throw localError(
        "KRB5_REALM_UNKNOWN",
        `no KDC known for realm ${realm}: set the kdc option or a [realms] ${realm} kdc entry in krb5.conf` +
          (this.config.files.length ? ` (read ${this.config.files.join(", ")})` : " (no krb5.conf found)"),
      );
    }
    return list;
  }

  /**
   * The service principal for an SPN: "service/host[@REALM]", or GSS-style "service@host". The realm
   * of a host comes from [domain_realm], else the default realm, else the client's realm.
   */
  servicePrincipal(spn: string): Principal {
    let text = spn;
    if (!text.includes("/") && text.includes("@")) {
      const at = text.indexOf("@");
      text = `${text.slice(0, at)}/${text.slice(at + 1)}`;
    }
    const hasRealm = /(^|[^\\])@/.test(text);
    const parsed = parsePrincipal(text, hasRealm ? undefined : "?", NameType.SRV_INST);
    if (!hasRealm) {
      const host = parsed.name.names[1];
      parsed.realm =
        (host && realmForHost(this.config, host)) ??
        this.defaultRealm ??
        this.principal?.realm ??
        this.#ccacheRealm() ??
        "";
      if (!parsed.realm)
        throw localError("KRB5_CONFIG", `cannot tell the realm of ${spn}: give a realm or a default_realm`);
    }
    if (parsed.name.names.length === 2) parsed.name.names[1] = parsed.name.names[1]!.toLowerCase();
    return parsed;
  }

  #ccacheRealm(): string | undefined {
    if (this.#secret.kind !== "ccache") return undefined;
    try {
      return this.#loadCcache().primary.realm;
    } catch {
      return undefined;
    }
  }

  #loadCcache(): Ccache {
    if (this.#secret.kind !== "ccache") throw new Error("not a ccache client");
    if (!this.#ccache) {
      this.#ccache = readCcache(this.#secret.name, this.#env);
      if (this.#ccache.kdcOffsetMs !== undefined) this.#offsetMs = this.#ccache.kdcOffsetMs;
      this.#client = this.#ccache.primary;
    }
    return this.#ccache;
  }

  /** The initial ticket (TGT) of the client realm, obtained or read once and then reused until it expires. */
  async getTgt(): Promise<KerberosCredential> {
    if (this.#tgt && this.#valid(this.#tgt)) return this.#tgt;
    this.#tgtPending ??= this.#acquireTgt().finally(() => {
      this.#tgtPending = undefined;
    });
    this.#tgt = await this.#tgtPending;
    return this.#tgt;
  }

  #valid(c: KerberosCredential): boolean {
    return c.endtime.getTime() - this.now().getTime() > EXPIRY_MARGIN_MS;
  }

  async #acquireTgt(): Promise<KerberosCredential> {
    const s = this.#secret;
    if (s.kind === "ccache") {
      const cc = this.#loadCcache();
      const client = cc.primary;
      const tgt = cc.credentials.find(
        (c) =>
          !c.isConfig &&
          c.key &&
          samePrincipal(c.server, tgsPrincipal(client.realm)) &&
          samePrincipal(c.client, client),
      );
      if (!tgt) {
        throw localError(
          "KRB5_CC_NOTFOUND",
          `no ticket-granting ticket for ${formatPrincipal(client)} in the credential cache`,
        );
      }
      const cred = fromCcache(tgt);
      if (!this.#valid(cred)) {
        throw new KerberosError(
          "KRB_AP_ERR_TKT_EXPIRED",
          `the ticket-granting ticket of ${formatPrincipal(client)} in the credential cache expired at ` +
            `${cred.endtime.toISOString()}; run kinit (KRB_AP_ERR_TKT_EXPIRED)`,
          { errorCode: KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED },
        );
      }
      log(
        "kerberos: TGT of %s from the credential cache (%s)",
        formatPrincipal(client),
        cred.sessionKey.name,
      );
      return cred;
    }
    let client = this.principal;
    let keytab: KeytabEntry[] | undefined;
    if (s.kind === "keytab") {
      keytab = readKeytab(s.path);
      if (!client) {
        const first = keytab[0];
        if (!first) throw localError("KRB5_KT_NOTFOUND", `keytab ${s.path} is empty`);
        client = first.principal;
        this.#client = client;
      }
      const mine = keytab.filter((e) => samePrincipal(e.principal, client!) && e.key);
      if (mine.length === 0) {
        throw localError(
          "KRB5_KT_NOTFOUND",
          `keytab ${s.path} has no usable key for ${formatPrincipal(client)}`,
        );
      }
      keytab = mine;
    }
    if (!client) throw localError("KRB5_CONFIG", "no client principal");
    const keyFor = (etype: number, info: EtypeInfo2Entry | undefined): KerberosKey | undefined => {
      if (s.kind === "password") {
        if (!findProfile(etype)) return undefined;
        return KerberosKey.fromPassword(
          etype,
          s.password,
          info?.salt ?? defaultSalt(client!),
          info?.s2kparams,
        );
      }
      if (s.kind === "ntHash") return etype === EncType.RC4_HMAC ? s.key : undefined;
      // Highest kvno for that enctype.
      const entries = keytab!.filter((e) => e.enctype === etype).sort((a, b) => b.kvno - a.kvno);
      return entries[0]?.key;
    };
    let etypes = this.#enctypes("tkt");
    if (s.kind === "ntHash") etypes = [EncType.RC4_HMAC];
    if (s.kind === "keytab") etypes = etypes.filter((e) => keytab!.some((k) => k.enctype === e));
    if (etypes.length === 0) {
      throw localError(
        "KRB5_PROG_ETYPE_NOSUPP",
        `no key of a requested encryption type for ${formatPrincipal(client)}`,
      );
    }
    const tgt = await this.#asExchange(client, etypes, keyFor);
    this.#client = tgt.client;
    this.#save(tgt);
    return tgt;
  }

  async #asExchange(
    client: Principal,
    etypes: number[],
    keyFor: (etype: number, info: EtypeInfo2Entry | undefined) => KerberosKey | undefined,
  ): Promise<KerberosCredential> {
    const realm = client.realm;
    const tgs = tgsPrincipal(realm);
    const who = formatPrincipal(client);
    let preauthKey: KerberosKey | undefined;
    let cookie: PaData | undefined;
    let skewRetried = false;
    let lastInfo: EtypeInfo2Entry[] = [];
    for (let round = 0; round < 4; round++) {
      const now = this.now();
      const nonce = randomNonce();
      const body = encodeKdcReqBody({
        options:
          KdcOptions.FORWARDABLE | KdcOptions.RENEWABLE | KdcOptions.CANONICALIZE | KdcOptions.RENEWABLE_OK,
        cname: client.name,
        realm,
        sname: tgs.name,
        till: new Date(now.getTime() + DAY_MS),
        rtime: new Date(now.getTime() + 7 * DAY_MS),
        nonce,
        etypes,
      });
      const padata: PaData[] = [];
      if (preauthKey) {
        const ts = encodePaEncTsEnc(now, (now.getTime() % 1000) * 1000);
        const enc = encodeEncryptedData({
          etype: preauthKey.enctype,
          cipher: preauthKey.encrypt(KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, ts),
        });
        padata.push({ type: PaType.ENC_TIMESTAMP, value: enc });
      }
      if (cookie) padata.push(cookie);
      padata.push({ type: PaType.PAC_REQUEST, value: encodePaPacRequest(this.#opts.requestPac ?? true) });
      const reply = decodeKdcReply(
        await sendToKdc(
          this.#kdcs(realm),
          realm,
          encodeKdcReq(10, padata, body),
          this.#opts.timeoutMs ?? 10_000,
        ),
        11,
      );
      if (reply.kind === "error") {
        const e = reply.error;
        if (e.errorCode === KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED && !preauthKey) {
          const methods = e.eData ? decodeMethodData(e.eData) : [];
          cookie = methods.find((m) => m.type === PaType.FX_COOKIE);
          lastInfo = etypeInfoOf(methods);
          if (!methods.some((m) => m.type === PaType.ENC_TIMESTAMP)) {
            throw new KerberosError(
              "KDC_ERR_PREAUTH_REQUIRED",
              `the KDC requires a pre-authentication method other than encrypted timestamp for ${who} (KDC_ERR_PREAUTH_REQUIRED)`,
              { errorCode: e.errorCode, eText: e.eText },
            );
          }
          for (const etype of lastInfo.length ? lastInfo.map((i) => i.etype) : etypes) {
            if (!etypes.includes(etype)) continue;
            preauthKey = keyFor(
              etype,
              lastInfo.find((i) => i.etype === etype),
            );
            if (preauthKey) break;
          }
          if (!preauthKey) {
            throw localError(
              "KRB5_PROG_ETYPE_NOSUPP",
              `no common encryption type with the KDC for ${who} (KDC offers ${lastInfo.map((i) => enctypeName(i.etype)).join(", ") || "none"})`,
            );
          }
          log("kerberos: AS pre-authentication for %s with %s", who, preauthKey.name);
          continue;
        }
        if (this.#retrySkew(e, skewRetried)) {
          skewRetried = true;
          continue;
        }
        throw fromKrbError(e, {
          client: who,
          server: formatPrincipal(tgs),
          from: "KDC",
          localNowMs: this.#rawNow(),
        });
      }
      const rep = reply.rep;
      let key = preauthKey?.enctype === rep.encPart.etype ? preauthKey : undefined;
      if (!key) {
        const info =
          etypeInfoOf(rep.padata).find((i) => i.etype === rep.encPart.etype) ??
          lastInfo.find((i) => i.etype === rep.encPart.etype);
        key = keyFor(rep.encPart.etype, info);
      }
      if (!key) {
        throw localError(
          "KRB5_PROG_ETYPE_NOSUPP",
          `the AS-REP for ${who} is encrypted with ${enctypeName(rep.encPart.etype)}, for which there is no key`,
        );
      }
      let plain: Buffer;
      try {
        plain = key.decrypt(KeyUsage.AS_REP_ENC_PART, rep.encPart.cipher);
      } catch (err) {
        throw new KerberosError(
          "KRB_AP_ERR_BAD_INTEGRITY",
          `cannot decrypt the KDC's reply for ${who}: wrong password or key (KRB_AP_ERR_BAD_INTEGRITY)`,
          { cause: err, errorCode: KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY },
        );
      }
      const part = decodeEncKdcRepPart(plain);
      const cred = this.#credentialFrom(rep, part, nonce, "AS-REP");
      if (!samePrincipal(cred.server, tgs) && cred.server.name.names[0] !== "krbtgt") {
        throw localError(
          "KRB5_KDCREP_MODIFIED",
          `the AS-REP is for ${formatPrincipal(cred.server)}, not a krbtgt`,
        );
      }
      log("kerberos: TGT for %s (%s session key)", formatPrincipal(cred.client), cred.sessionKey.name);
      return cred;
    }
    throw localError("KRB5_KDCREP_MODIFIED", `the KDC kept asking for pre-authentication for ${who}`);
  }

  /** KRB_AP_ERR_SKEW with time sync on: adopt the KDC's clock (once). */
  #retrySkew(e: KrbErrorMessage, alreadyRetried: boolean): boolean {
    if (e.errorCode !== KrbErrorCode.KRB_AP_ERR_SKEW || alreadyRetried || !this.#timeSync()) return false;
    const kdcNow = e.stime.getTime() + Math.floor(e.susec / 1000);
    this.#offsetMs = kdcNow - this.#rawNow();
    log("kerberos: clock skew, adopting the KDC's time (offset %d ms)", this.#offsetMs);
    return true;
  }

  #credentialFrom(rep: KdcRep, part: EncKdcRepPart, nonce: number, what: string): KerberosCredential {
    if (part.nonce !== nonce)
      throw localError("KRB5_KDCREP_MODIFIED", `${what}: nonce does not match the request`);
    return {
      client: { realm: rep.crealm, name: rep.cname },
      server: { realm: part.srealm, name: part.sname },
      ticket: rep.ticket,
      sessionKey: sessionKeyOf(part, what),
      flags: part.flags,
      authtime: part.authtime,
      starttime: part.starttime ?? part.authtime,
      endtime: part.endtime,
      renewTill: part.renewTill,
    };
  }

  /** A service ticket for `server` (cached in memory until shortly before it expires). */
  async getServiceTicket(server: Principal): Promise<KerberosCredential> {
    const key = formatPrincipal(server);
    const cached = this.#tickets.get(key);
    if (cached && this.#valid(cached)) return cached;
    const fromCache = this.#ccacheTicket(server);
    if (fromCache) {
      this.#tickets.set(key, fromCache);
      return fromCache;
    }
    let p = this.#pending.get(key);
    if (!p) {
      p = this.#acquireServiceTicket(server).finally(() => this.#pending.delete(key));
      this.#pending.set(key, p);
    }
    const cred = await p;
    this.#tickets.set(key, cred);
    this.#save(undefined);
    return cred;
  }

  /** Forgets cached service tickets (and the TGT unless it came from a ccache). */
  clearCache(): void {
    this.#tickets.clear();
    if (this.#secret.kind !== "ccache") this.#tgt = undefined;
    this.#ccache = undefined;
  }

  #ccacheTicket(server: Principal): KerberosCredential | undefined {
    if (this.#secret.kind !== "ccache") return undefined;
    let cc: Ccache;
    try {
      cc = this.#loadCcache();
    } catch {
      return undefined;
    }
    for (const c of cc.credentials) {
      if (c.isConfig || !c.key || !samePrincipal(c.server, server)) continue;
      const cred = fromCcache(c);
      if (this.#valid(cred)) return cred;
    }
    return undefined;
  }

  async #acquireServiceTicket(server: Principal): Promise<KerberosCredential> {
    let tgt = await this.getTgt();
    const homeRealm = tgt.server.name.names[1] ?? tgt.server.realm;
    // A service in another realm: first a cross-realm TGT krbtgt/SERVICE_REALM@HOME_REALM.
    if (server.realm !== homeRealm && server.name.names[0] !== "krbtgt") {
      tgt = await this.#tgsExchange(tgt, tgsPrincipal(server.realm, homeRealm));
    }
    for (let hop = 0; hop < 5; hop++) {
      const cred = await this.#tgsExchange(tgt, server);
      const isReferral = cred.server.name.names[0] === "krbtgt" && server.name.names[0] !== "krbtgt";
      if (!isReferral) return cred;
      log("kerberos: referral to realm %s for %s", cred.server.name.names[1], formatPrincipal(server));
      tgt = cred;
    }
    throw localError("KRB5_KDCREP_MODIFIED", `too many realm referrals for ${formatPrincipal(server)}`);
  }

  async #tgsExchange(tgt: KerberosCredential, server: Principal): Promise<KerberosCredential> {
    const kdcRealm = tgt.server.name.names[1] ?? tgt.server.realm;
    const client = formatPrincipal(tgt.client);
    let skewRetried = false;
    for (let round = 0; round < 2; round++) {
      const now = this.now();
      const nonce = randomNonce();
      const body = encodeKdcReqBody({
        options: KdcOptions.FORWARDABLE | KdcOptions.CANONICALIZE,
        realm: server.realm,
        sname: server.name,
        till: tgt.endtime,
        nonce,
        etypes: this.#enctypes("tgs"),
      });
      const key = tgt.sessionKey;
      const authenticator = encodeAuthenticator({
        crealm: tgt.client.realm,
        cname: tgt.client.name,
        cksum: {
          cksumtype: key.profile.checksumType,
          checksum: key.checksum(KeyUsage.TGS_REQ_PA_TGS_REQ_CKSUM, body),
        },
        cusec: (now.getTime() % 1000) * 1000,
        ctime: now,
      });
      const apReq = encodeApReq(0, tgt.ticket, {
        etype: key.enctype,
        cipher: key.encrypt(KeyUsage.TGS_REQ_PA_TGS_REQ_AUTHENTICATOR, authenticator),
      });
      const padata: PaData[] = [{ type: PaType.TGS_REQ, value: apReq }];
      const reply = decodeKdcReply(
        await sendToKdc(
          this.#kdcs(kdcRealm),
          kdcRealm,
          encodeKdcReq(12, padata, body),
          this.#opts.timeoutMs ?? 10_000,
        ),
        13,
      );
      if (reply.kind === "error") {
        if (this.#retrySkew(reply.error, skewRetried)) {
          skewRetried = true;
          continue;
        }
        throw fromKrbError(reply.error, {
          client,
          server: formatPrincipal(server),
          from: "KDC",
          localNowMs: this.#rawNow(),
        });
      }
      const rep = reply.rep;
      let plain: Buffer;
      try {
        plain = key.decrypt(KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, rep.encPart.cipher);
      } catch (err) {
        throw new KerberosError(
          "KRB_AP_ERR_BAD_INTEGRITY",
          `cannot decrypt the TGS-REP for ${formatPrincipal(server)}`,
          {
            cause: err,
            errorCode: KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY,
          },
        );
      }
      const cred = this.#credentialFrom(rep, decodeEncKdcRepPart(plain), nonce, "TGS-REP");
      log(
        "kerberos: service ticket for %s (%s session key)",
        formatPrincipal(cred.server),
        cred.sessionKey.name,
      );
      return cred;
    }
    throw localError("KRB5_KDCREP_MODIFIED", "unreachable");
  }

  /** Writes the TGT and service tickets to `saveCcache` (password / keytab clients only). */
  #save(tgt: KerberosCredential | undefined): void {
    const path = this.#opts.saveCcache;
    if (!path || this.#secret.kind === "ccache") return;
    const t = tgt ?? this.#tgt;
    if (!t) return;
    const creds = [t, ...this.#tickets.values()].map(toCcache);
    writeCcache(path, { primary: t.client, credentials: creds, kdcOffsetMs: this.#offsetMs || undefined });
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const who = this.principal ? formatPrincipal(this.principal) : "<from ccache>";
    return `KerberosClient { ${who}, source: ${this.#secret.kind}, tickets: ${this.#tickets.size} }`;
  }
}

/** The session key of a KDC reply; a key of an unknown type or the wrong size is a KerberosError. */
function sessionKeyOf(part: EncKdcRepPart, what: string): KerberosKey {
  try {
    return new KerberosKey(part.key.keytype, part.key.keyvalue);
  } catch (err) {
    if (err instanceof KerberosError) throw err;
    throw localError(
      "KRB5_KDCREP_MODIFIED",
      `${what}: unusable session key (${(err as Error).message})`,
      err,
    );
  }
}

function etypeInfoOf(padata: PaData[]): EtypeInfo2Entry[] {
  const info2 = padata.find((p) => p.type === PaType.ETYPE_INFO2);
  if (info2) return decodeEtypeInfo2(info2.value);
  const info = padata.find((p) => p.type === PaType.ETYPE_INFO);
  if (info) return decodeEtypeInfo(info.value);
  return [];
}

function fromCcache(c: CcacheCredential): KerberosCredential {
  return {
    client: c.client,
    server: c.server,
    ticket: decodeTicketBytes(c.ticket),
    sessionKey: c.key!,
    flags: c.flags,
    authtime: c.authtime,
    starttime: c.starttime,
    endtime: c.endtime,
    renewTill: c.renewTill,
  };
}

function toCcache(c: KerberosCredential): CcacheCredential {
  return {
    client: c.client,
    server: c.server,
    key: c.sessionKey,
    keytype: c.sessionKey.enctype,
    authtime: c.authtime,
    starttime: c.starttime,
    endtime: c.endtime,
    renewTill: c.renewTill,
    isSkey: false,
    flags: c.flags,
    ticket: c.ticket.raw,
    secondTicket: Buffer.alloc(0),
    isConfig: false,
  };
}
