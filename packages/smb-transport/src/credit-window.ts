/**
 * MS-SMB2 3.2.4.1.5 / 3.2.5.1.4 credit accounting. The server grants credits; each request consumes
 * CreditCharge of them and advances the MessageId by the same amount, so the next MessageId and the
 * available credits together describe the sequence window the server allows.
 */
export class CreditWindow {
  /** Credits granted and not yet consumed. Starts at 1 (enough for NEGOTIATE). */
  available = 1;
  /** Next MessageId to assign. */
  nextMessageId = 0n;
  /** Credits consumed by requests still awaiting a final reply. */
  outstanding = 0;

  constructor(
    /** Credits the pump tries to hold (window for many large requests in flight). */
    public target = 512,
  ) {}

  canSend(charge: number): boolean {
    return this.available >= Math.max(1, charge);
  }

  /** Consumes credits for one message; returns its MessageId. */
  take(charge: number): bigint {
    const n = Math.max(1, charge);
    this.available -= n;
    this.outstanding += n;
    const id = this.nextMessageId;
    this.nextMessageId += BigInt(n);
    return id;
  }

  /** What to ask for in CreditRequest: the charge back plus part of the gap to the target. */
  request(charge: number): number {
    const gap = this.target - (this.available + this.outstanding);
    return Math.min(0xffff, Math.max(1, charge) + Math.max(0, Math.min(gap, 256)));
  }

  grant(credits: number): void {
    this.available += credits;
  }

  /** A final reply arrived for a request that consumed `charge`. */
  settle(charge: number): void {
    this.outstanding -= Math.max(1, charge);
  }
}

/** MS-SMB2 3.1.5.2: CreditCharge for a payload of `bytes` (request or expected response). */
export function creditChargeFor(bytes: number): number {
  return bytes <= 0 ? 1 : Math.floor((bytes - 1) / 65536) + 1;
}
