/**
 * Request deadlines behind one timer. A connection streaming small messages (64 KiB READs on SMB 2.0.2:
 * 16,384 per GiB) would otherwise create and clear a Node timer per request. Adding and removing an
 * entry is O(1) and touches no timer while the new deadline is not the earliest; the timer is armed for
 * the earliest known deadline and, when it fires, expires every entry that is due and re-arms for the
 * next one. Removing the earliest entry leaves the timer armed: it fires early, finds nothing due (or
 * less) and re-arms, which is cheaper than re-arming on every removal.
 */

/** One tracked deadline; the owner keeps it to remove it. */
export interface Deadline {
  /** performance.now() value at which it expires. */
  at: number;
  /** Called once when it expires (it is removed first). */
  readonly onExpire: () => void;
}

export class DeadlineList {
  private readonly entries = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (Infinity when none is armed). */
  private armedAt = Number.POSITIVE_INFINITY;

  /** Tracks a deadline `ms` milliseconds from now. */
  add(ms: number, onExpire: () => void): Deadline {
    const d: Deadline = { at: performance.now() + ms, onExpire };
    this.entries.add(d);
    if (d.at < this.armedAt) this.arm(d.at);
    return d;
  }

  /** Stops tracking `d` (no-op when it expired or was removed already). */
  remove(d: Deadline): void {
    this.entries.delete(d);
    if (this.entries.size === 0) this.disarm();
  }

  /** Moves `d` to `ms` milliseconds from now (e.g. after an interim reply). */
  restart(d: Deadline, ms: number): void {
    d.at = performance.now() + ms;
    this.entries.add(d);
    if (d.at < this.armedAt) this.arm(d.at);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry without calling them (the connection is gone). */
  clear(): void {
    this.entries.clear();
    this.disarm();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    // +1: setTimeout may fire up to a millisecond early relative to performance.now().
    this.timer = setTimeout(this.sweep, Math.max(0, Math.ceil(at - performance.now())) + 1);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: Deadline[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const d of this.entries) {
      if (d.at <= now) due.push(d);
      else if (d.at < next) next = d.at;
    }
    for (const d of due) this.entries.delete(d);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    // Expiry callbacks run last: they may add or remove entries (a CANCEL, a retry).
    for (const d of due) d.onExpire();
  };
}
