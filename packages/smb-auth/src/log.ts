/**
 * Debug logging (`NODE_DEBUG=smb:auth`). Callers pass only non-secret values (flags, lengths, names);
 * {@link redact} is available for anything derived from a secret.
 */
import { debuglog } from "node:util";

const debug = debuglog("smb:auth");

export function log(message: string, ...args: unknown[]): void {
  if (debug.enabled) debug(message, ...args);
}

/** True when the log is on: guards arguments that cost something to build (flag names ...). */
export function logging(): boolean {
  return debug.enabled;
}

/** A printable stand-in for secret material: its presence and length, never its bytes. */
export function redact(value: Uint8Array | string | undefined): string {
  if (value === undefined) return "<none>";
  return `<redacted ${typeof value === "string" ? "string" : `${value.length} bytes`}>`;
}
