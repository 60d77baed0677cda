/**
 * Process-wide defaults (like Python smbclient's ClientConfig) and the default client. `configure()`
 * sets defaults once for the whole process: credentials, domain, domainController, skipDfs, auth,
 * requireSecureNegotiate, clientGuid and every other client option. The default client (what
 * `defaultClient()` returns, and what `register()` registers on) reads them at each call; explicit
 * `new SmbClient(...)` instances are isolated (own pool, own registrations) and ignore them unless
 * created with `inheritDefaults: true`.
 */
import type { SmbClient } from "./client.js";
import type { SmbClientOptions } from "./types.js";

let defaults: SmbClientOptions = {};
let theDefault: SmbClient | undefined;
let factory: (() => SmbClient) | undefined;

/** Merges `options` into the process-wide defaults (`undefined` values remove a default). */
export function configure(options: SmbClientOptions): void {
  const next: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  defaults = next as SmbClientOptions;
}

/** The process-wide defaults (a copy). */
export function getDefaults(): SmbClientOptions {
  return { ...defaults };
}

/** Forgets every process-wide default. */
export function resetDefaults(): void {
  defaults = {};
}

/** @internal Installed by client.ts so this module does not import the class at load time. */
export function setDefaultClientFactory(f: () => SmbClient): void {
  factory = f;
}

/** The process-wide client (created on first use; it follows `configure()`). */
export function defaultClient(): SmbClient {
  if (!theDefault) {
    if (!factory) throw new Error("smb-client: SmbClient not loaded");
    theDefault = factory();
  }
  return theDefault;
}

/** Closes the default client's connections (it reconnects on next use). */
export async function closeDefaultClient(): Promise<void> {
  await theDefault?.close();
}
