/** Options of the low-level Connection. */
import type { CipherAlgorithm, SigningAlgorithm } from "smb-crypto";

/** Dialect names as users write them (smbclient's --max-protocol spelling accepted too). */
export type DialectName = "2.0.2" | "2.1" | "3.0" | "3.0.2" | "3.1.1";

export const DIALECTS: Readonly<Record<DialectName, number>> = {
  "2.0.2": 0x0202,
  "2.1": 0x0210,
  "3.0": 0x0300,
  "3.0.2": 0x0302,
  "3.1.1": 0x0311,
};

const ALIASES: Record<string, DialectName> = {
  SMB2_02: "2.0.2",
  SMB2_10: "2.1",
  SMB3_00: "3.0",
  SMB3_02: "3.0.2",
  SMB3_11: "3.1.1",
  SMB2: "2.1",
  SMB3: "3.1.1",
};

/** Accepts "3.1.1", "SMB3_11", 0x0311. */
export function parseDialect(d: DialectName | string | number): number {
  if (typeof d === "number") return d;
  const name =
    (DIALECTS as Record<string, number>)[d] !== undefined ? (d as DialectName) : ALIASES[d.toUpperCase()];
  if (!name) throw new RangeError(`unknown SMB dialect: ${d}`);
  return DIALECTS[name];
}

export function dialectName(d: number): string {
  for (const [k, v] of Object.entries(DIALECTS)) if (v === d) return k;
  return `0x${d.toString(16)}`;
}

export interface ConnectionOptions {
  /** Server name: used for the SPN, the 3.1.1 netname context and tree paths. */
  host: string;
  /** Address to connect to when it differs from `host` (an IP, a forward). */
  address?: string;
  port?: number;
  /** Lowest / highest dialect offered (default 2.0.2 .. 3.1.1). */
  minDialect?: DialectName | number;
  maxDialect?: DialectName | number;
  /** Client GUID (default: random per Connection; the pool shares one per client). */
  clientGuid?: string;
  /** Require signing of every session (SecurityMode SIGNING_REQUIRED). */
  requireSigning?: boolean;
  /** Ciphers offered, in preference order (3.1.1). */
  ciphers?: CipherAlgorithm[];
  /** Signing algorithms offered, in preference order (3.1.1). */
  signingAlgorithms?: SigningAlgorithm[];
  /** Connect timeout (ms). */
  connectTimeoutMs?: number;
  /** Default per-request timeout (ms). */
  timeoutMs?: number;
  /** Validate the negotiation on 3.0/3.0.2 (FSCTL_VALIDATE_NEGOTIATE_INFO); default true. */
  requireSecureNegotiate?: boolean;
  /** Credits the connection tries to hold (window for parallel large I/O). */
  creditTarget?: number;
  /** ECHO after this many ms idle; 0 disables (default 0). */
  echoIntervalMs?: number;
  /** Keep the event loop alive while the connection is idle (default false). */
  keepProcessAlive?: boolean;
}

export const DEFAULT_CIPHERS: CipherAlgorithm[] = [
  "AES-128-GCM",
  "AES-256-GCM",
  "AES-128-CCM",
  "AES-256-CCM",
];
export const DEFAULT_SIGNING: SigningAlgorithm[] = ["AES-128-GMAC", "AES-128-CMAC", "HMAC-SHA256"];
