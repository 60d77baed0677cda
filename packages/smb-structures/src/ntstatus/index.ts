/**
 * NTSTATUS (MS-ERREF 2.3): a 32-bit value whose top two bits are the severity (00 success,
 * 01 informational, 10 warning, 11 error), then the customer bit, a reserved bit, a 12-bit facility and a
 * 16-bit code. The table itself is generated (table.generated.ts); this module adds the look-ups.
 * The error class that carries a status lives in the client layer; here is only data.
 */
import { NT_STATUS_MESSAGES, NtStatus } from "./table.generated.js";

export { NtStatus };
export type NtStatusName = keyof typeof NtStatus;

/** Severity values of the top two bits (MS-ERREF 2.3). */
export const NtStatusSeverity = {
  SUCCESS: 0,
  INFORMATIONAL: 1,
  WARNING: 2,
  ERROR: 3,
} as const;

let byCode: Map<number, number> | undefined;
let names: string[] | undefined;

function index(): Map<number, number> {
  if (!byCode) {
    names = Object.keys(NtStatus);
    const codes = Object.values(NtStatus) as number[];
    byCode = new Map();
    // First name wins when codes repeat (STATUS_SUCCESS over STATUS_WAIT_0).
    for (let i = 0; i < codes.length; i++) if (!byCode.has(codes[i]!)) byCode.set(codes[i]!, i);
  }
  return byCode;
}

function hex(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** "STATUS_ACCESS_DENIED" for a known code, "0xC00000XX" otherwise. */
export function ntStatusName(code: number): string {
  const i = index().get(code >>> 0);
  return i === undefined ? hex(code) : names![i]!;
}

/** The MS-ERREF description of a known code, or undefined. */
export function ntStatusMessage(code: number): string | undefined {
  const i = index().get(code >>> 0);
  return i === undefined ? undefined : NT_STATUS_MESSAGES[i];
}

/** The code of a status name (with or without the "STATUS_" prefix), or undefined. */
export function ntStatusCode(name: string): number | undefined {
  const table = NtStatus as Readonly<Record<string, number>>;
  return table[name] ?? table[`STATUS_${name}`];
}

/** Severity bits (0..3). */
export function ntStatusSeverity(code: number): number {
  return (code >>> 30) & 3;
}
/** Severity success (STATUS_SUCCESS, STATUS_PENDING ...). */
export function isSuccess(code: number): boolean {
  return code >>> 30 === 0;
}
/** Severity informational (0x4xxxxxxx). */
export function isInformational(code: number): boolean {
  return code >>> 30 === 1;
}
/** Severity warning (0x8xxxxxxx: STATUS_BUFFER_OVERFLOW, STATUS_NO_MORE_FILES ...). */
export function isWarning(code: number): boolean {
  return code >>> 30 === 2;
}
/** Severity error (0xCxxxxxxx). */
export function isError(code: number): boolean {
  return code >>> 30 === 3;
}
/** The 12-bit facility field. */
export function ntStatusFacility(code: number): number {
  return (code >>> 16) & 0x0fff;
}
/** "STATUS_ACCESS_DENIED (0xC0000022)" for logs. */
export function formatNtStatus(code: number): string {
  const name = ntStatusName(code);
  return name.startsWith("0x") ? name : `${name} (${hex(code)})`;
}
