/**
 * Optional Kerberos through the platform's GSS-API (MIT krb5's libgssapi_krb5), via a small N-API addon
 * in native/gssapi (built on demand: `pnpm --filter smb-auth run build:gssapi`, needs libkrb5-dev and a
 * C compiler). It exists because SMB signing needs the GSS session key, which the npm `kerberos` package
 * never exposes; the addon reads it with gss_inquire_sec_context_by_oid(GSS_C_INQ_SSPI_SESSION_KEY).
 *
 * Credentials come from the system: the default credential cache (KRB5CCNAME, KEYRING:, KCM:, ...) or
 * `options.ccache`; krb5.conf from KRB5_CONFIG or /etc/krb5.conf. Nothing here handles passwords.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthError, type AuthErrorCode } from "../errors.js";
import { log } from "../log.js";
import type { AuthContext, AuthMechanism, AuthMechanismFactory } from "../mechanism.js";
import { Oid } from "../oids.js";

/** GSS context flags (RFC 2744). */
const GSS_C_MUTUAL_FLAG = 2;
const GSS_C_SEQUENCE_FLAG = 8;
const GSS_C_CONF_FLAG = 16;
const GSS_C_INTEG_FLAG = 32;

export interface SystemKerberosOptions {
  /**
   * Target service: "service@host" (GSS host-based name) or "service/host"; default "cifs@<server host
   * name>".
   */
  spn?: string;
  /**
   * "krb5" (default): raw Kerberos tokens under OID 1.2.840.113554.1.2.2, usable alone or inside
   * `negotiate()`/`spnego()` (getMic/verifyMic come from the GSS library). "spnego": the library's own
   * SPNEGO (OID 1.3.6.1.5.5.2), passed to the session as is.
   */
  mech?: "krb5" | "spnego";
  /** Credential cache name ("FILE:/tmp/krb5cc_1000", "KEYRING:persistent:1000"); default: the system's. */
  ccache?: string;
  /** GSS request flags; default mutual | sequence | conf | integ. */
  flags?: number;
  /** Path of a built smb_gssapi.node (default: native/gssapi/build/Release in this package). */
  addonPath?: string;
}

interface NativeStepResult {
  token: Buffer | null;
  complete: boolean;
  flags: number;
  sessionKey: Buffer | null;
}

interface NativeGssapi {
  createContext(target: string, mech: string, flags: number, ccache?: string, cb?: Buffer): unknown;
  step(handle: unknown, input: Buffer | null): Promise<NativeStepResult>;
  getMic(handle: unknown, data: Buffer): Buffer;
  verifyMic(handle: unknown, data: Buffer, mic: Buffer): boolean;
  release(handle: unknown): void;
}

const ADDON = join("native", "gssapi", "build", "Release", "smb_gssapi.node");
const BUILD_HINT =
  "build it with `apt-get install libkrb5-dev` (or your platform's Kerberos development package and a C " +
  "compiler) and `pnpm --filter smb-auth run build:gssapi`";

const loaded = new Map<string, NativeGssapi>();

function moduleFile(): string {
  // tsup's `shims` provide import.meta.url in the CJS build too.
  return fileURLToPath(import.meta.url);
}

/** Where the addon is looked for: from src/kerberos/ (sources) and from dist/ (the build). */
function candidates(explicit?: string): string[] {
  if (explicit) return [explicit];
  const fromEnv = process.env.SMB_GSSAPI_ADDON;
  if (fromEnv) return [fromEnv];
  const here = dirname(moduleFile());
  return [join(here, "..", ADDON), join(here, "..", "..", ADDON)];
}

function loadAddon(explicit?: string): NativeGssapi {
  const paths = candidates(explicit);
  const key = paths.join("\0");
  const cached = loaded.get(key);
  if (cached) return cached;
  const found = paths.find((p) => existsSync(p));
  if (!found) {
    throw new AuthError(
      "ERR_SMB_AUTH_NO_MECH",
      `systemKerberos: the GSS-API addon is not built (looked for ${paths.join(", ")}); ${BUILD_HINT}`,
      { mechanism: "kerberos" },
    );
  }
  try {
    const addon = createRequire(moduleFile())(found) as NativeGssapi;
    loaded.set(key, addon);
    return addon;
  } catch (err) {
    throw new AuthError(
      "ERR_SMB_AUTH_NO_MECH",
      `systemKerberos: cannot load the GSS-API addon ${found} (${err instanceof Error ? err.message : String(err)}); rebuild it: ${BUILD_HINT}`,
      { cause: err, mechanism: "kerberos" },
    );
  }
}

/** True when the GSS-API addon is built and loads (systemKerberos() would not throw for that reason). */
export function isSystemKerberosAvailable(addonPath?: string): boolean {
  try {
    loadAddon(addonPath);
    return true;
  } catch {
    return false;
  }
}

// GSS major status routine errors (RFC 2744 3.9.1), shifted by 16.
const GSS_S_BAD_SIG = 6;
const GSS_S_NO_CRED = 7;
const GSS_S_DEFECTIVE_TOKEN = 9;
const GSS_S_DEFECTIVE_CREDENTIAL = 10;
const GSS_S_CREDENTIALS_EXPIRED = 11;

function gssError(err: unknown, what: string): AuthError {
  const major = (err as { major?: number })?.major;
  const routine = typeof major === "number" ? (major >>> 16) & 0xff : 0;
  let code: AuthErrorCode = "ERR_SMB_AUTH_REJECTED";
  if (
    routine === GSS_S_NO_CRED ||
    routine === GSS_S_CREDENTIALS_EXPIRED ||
    routine === GSS_S_DEFECTIVE_CREDENTIAL
  )
    code = "ERR_SMB_AUTH_CREDENTIALS";
  else if (routine === GSS_S_DEFECTIVE_TOKEN) code = "ERR_SMB_AUTH_BAD_TOKEN";
  else if (routine === GSS_S_BAD_SIG) code = "ERR_SMB_AUTH_MIC";
  const text = err instanceof Error ? err.message : String(err);
  return new AuthError(code, `system GSS-API ${what}: ${text}`, { cause: err, mechanism: "kerberos" });
}

/** "cifs/host" and "cifs@host" both become the GSS host-based name "cifs@host". */
function hostBasedName(spn: string): string {
  if (spn.includes("@")) return spn;
  const slash = spn.indexOf("/");
  return slash < 0 ? spn : `${spn.slice(0, slash)}@${spn.slice(slash + 1)}`;
}

class SystemKerberosMechanism implements AuthMechanism {
  readonly name: string;
  readonly oid: string;
  readonly #addon: NativeGssapi;
  readonly #target: string;
  readonly #options: SystemKerberosOptions;
  readonly #ctx: AuthContext;
  #handle: unknown;
  #complete = false;
  #failed = false;
  #sessionKey: Buffer | undefined;

  constructor(addon: NativeGssapi, options: SystemKerberosOptions, ctx: AuthContext) {
    this.#addon = addon;
    this.#options = options;
    this.#ctx = ctx;
    const spnego = options.mech === "spnego";
    this.name = spnego ? "spnego(system-kerberos)" : "kerberos";
    this.oid = spnego ? Oid.SPNEGO : Oid.KRB5;
    this.#target = hostBasedName(options.spn ?? `cifs@${ctx.targetName}`);
  }

  get complete(): boolean {
    return this.#complete;
  }

  get sessionKey(): Buffer | undefined {
    return this.#complete ? this.#sessionKey : undefined;
  }

  async step(input?: Uint8Array): Promise<Buffer | undefined> {
    if (this.#complete || this.#failed) {
      throw new AuthError(
        "ERR_SMB_AUTH_STATE",
        `step() called on a ${this.#complete ? "complete" : "failed"} context`,
        {
          mechanism: this.name,
        },
      );
    }
    const addon = this.#addon;
    try {
      if (this.#handle === undefined) {
        this.#handle = addon.createContext(
          this.#target,
          this.#options.mech ?? "krb5",
          this.#options.flags ?? GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG,
          this.#options.ccache,
          this.#ctx.channelBindings,
        );
        log("system-gssapi: context for %s (%s)", this.#target, this.#options.mech ?? "krb5");
      }
      const r = await addon.step(this.#handle, input && input.length > 0 ? Buffer.from(input) : null);
      if (r.complete) {
        this.#complete = true;
        this.#sessionKey = r.sessionKey ?? undefined;
        log("system-gssapi: context with %s complete (flags 0x%s)", this.#target, r.flags.toString(16));
      }
      return r.token ?? undefined;
    } catch (err) {
      this.#failed = true;
      this.#release();
      throw err instanceof AuthError ? err : gssError(err, `authentication to ${this.#target}`);
    }
  }

  getMic(data: Uint8Array): Buffer {
    if (!this.#complete) {
      throw new AuthError("ERR_SMB_AUTH_STATE", "getMic before the GSS context is complete", {
        mechanism: this.name,
      });
    }
    try {
      return this.#addon.getMic(this.#handle, Buffer.from(data));
    } catch (err) {
      throw gssError(err, "gss_get_mic");
    }
  }

  verifyMic(data: Uint8Array, mic: Uint8Array): boolean {
    if (!this.#complete) return false;
    return this.#addon.verifyMic(this.#handle, Buffer.from(data), Buffer.from(mic));
  }

  #release(): void {
    if (this.#handle !== undefined) this.#addon.release(this.#handle);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SystemKerberosMechanism { oid: '${this.oid}', target: '${this.#target}', complete: ${this.#complete}, sessionKey: ${this.#complete ? "<redacted>" : "<none>"} }`;
  }
}

/**
 * Kerberos through the system GSS-API (see the module comment). Throws an AuthError
 * (ERR_SMB_AUTH_NO_MECH) explaining how to build the addon when it is not built.
 */
export function systemKerberos(options: SystemKerberosOptions = {}): AuthMechanismFactory {
  const addon = loadAddon(options.addonPath);
  const spnego = options.mech === "spnego";
  return {
    name: spnego ? "spnego(system-kerberos)" : "kerberos",
    oid: spnego ? Oid.SPNEGO : Oid.KRB5,
    create: (ctx: AuthContext) => new SystemKerberosMechanism(addon, options, ctx),
  };
}
