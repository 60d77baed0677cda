/**
 * Transfer progress on stderr: bytes done, total, rate and ETA, redrawn at most 10 times a second on
 * one line. Drawn only when stderr is a terminal (never into pipes, files or logs).
 */
import { formatBytes, formatDuration } from "./format.js";

export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** Force on or off (default: on when the sink is a TTY). */
  enabled?: boolean;
  /** Minimum ms between redraws (default 100). */
  intervalMs?: number;
  now?: () => number;
}

/** Progress of one or more transfers (a recursive get shows the current file and overall bytes). */
export class Progress {
  readonly enabled: boolean;
  private label = "";
  private total: number | undefined;
  private done = 0;
  private start: number;
  private lastDraw = 0;
  private drawn = false;
  private readonly interval: number;
  private readonly now: () => number;
  /** Recent (time, bytes) samples for the rate (last ~3 s). */
  private samples: [number, number][] = [];

  constructor(
    private readonly sink: ProgressSink,
    opts: ProgressOptions = {},
  ) {
    this.enabled = opts.enabled ?? !!sink.isTTY;
    this.interval = opts.intervalMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** Starts a new transfer line. */
  begin(label: string, total: number | undefined): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.start = this.now();
    this.samples = [[this.start, 0]];
    this.lastDraw = 0;
    this.draw(true);
  }

  add(bytes: number): void {
    this.done += bytes;
    this.draw(false);
  }

  get bytes(): number {
    return this.done;
  }

  /** Rate in bytes/s over the last few seconds. */
  rate(): number {
    const t = this.now();
    const [t0, b0] = this.samples[0] ?? [this.start, 0];
    const dt = (t - t0) / 1000;
    return dt > 0 ? (this.done - b0) / dt : 0;
  }

  /** The status line (without control characters). */
  line(final = false): string {
    const t = this.now();
    const elapsed = (t - this.start) / 1000;
    const rate = final ? (elapsed > 0 ? this.done / elapsed : 0) : this.rate();
    const parts: string[] = [];
    const cols = Math.max(40, this.sink.columns || 80);
    if (this.total !== undefined && this.total > 0) {
      const pct = Math.min(100, (this.done / this.total) * 100);
      const eta = rate > 0 ? (this.total - this.done) / rate : Number.NaN;
      const right = `${pct.toFixed(0).padStart(3)}% ${formatBytes(this.done)}/${formatBytes(this.total)} ${formatBytes(rate)}/s ${final ? formatDuration(elapsed) : `ETA ${formatDuration(eta)}`}`;
      const barW = Math.max(10, Math.min(30, cols - right.length - 24));
      const fill = Math.round((pct / 100) * barW);
      parts.push(`[${"#".repeat(fill)}${"-".repeat(barW - fill)}]`, right);
    } else {
      parts.push(`${formatBytes(this.done)} ${formatBytes(rate)}/s ${formatDuration(elapsed)}`);
    }
    const tail = parts.join(" ");
    const room = Math.max(8, cols - tail.length - 2);
    const label = this.label.length > room ? `...${this.label.slice(-(room - 3))}` : this.label;
    return `${label.padEnd(Math.min(room, Math.max(label.length, 20)))} ${tail}`;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const t = this.now();
    if (!force && t - this.lastDraw < this.interval) return;
    this.lastDraw = t;
    this.samples.push([t, this.done]);
    while (this.samples.length > 2 && t - this.samples[0]![0] > 3000) this.samples.shift();
    this.sink.write(`\r\x1b[2K${this.line()}`);
    this.drawn = true;
  }

  /** Draws the final line of a transfer (and a newline). */
  finish(): void {
    if (!this.enabled) return;
    this.sink.write(`\r\x1b[2K${this.line(true)}\n`);
    this.drawn = false;
  }

  /** Erases the current line (before an error message). */
  clear(): void {
    if (this.enabled && this.drawn) this.sink.write("\r\x1b[2K");
    this.drawn = false;
  }
}
