/** The state of one command run: its name, the context, the worst exit code so far, error reporting. */
import type { SmbClient } from "smb-client";
import type { Context } from "./context.js";
import { ExitCode, type ExitCodeValue, exitCodeFor, formatError } from "./errors.js";
import { type Io, writeAsync } from "./io.js";
import { Progress } from "./progress.js";

export interface RunOptions {
  /** Show transfer progress (default: when stderr is a terminal). */
  progress?: boolean;
  /** Streams and cwd for this run (default: the context's); the shell passes its own cwd. */
  io?: Io;
  /** Cancels the run's requests (the shell's Ctrl-C). */
  signal?: AbortSignal;
}

export class Run {
  code: ExitCodeValue = ExitCode.OK;
  readonly progress: Progress;
  readonly io: Io;
  readonly signal: AbortSignal | undefined;

  constructor(
    readonly ctx: Context,
    readonly name: string,
    opts: RunOptions = {},
  ) {
    this.io = opts.io ?? ctx.io;
    this.signal = opts.signal;
    this.progress = new Progress(this.io.stderr, { enabled: opts.progress ?? !!this.io.stderr.isTTY });
  }

  client(server: string): Promise<SmbClient> {
    return this.ctx.client(server);
  }

  /** Prints one error line and keeps the first failure's exit code. */
  fail(err: unknown, path?: string): void {
    this.progress.clear();
    const c = exitCodeFor(err);
    if (this.code === ExitCode.OK) this.code = c;
    const hint = c === ExitCode.AUTH ? this.ctx.authHint : undefined;
    this.io.stderr.write(
      `${this.ctx.redact(formatError(this.name, err, path))}${hint ? ` (${hint})` : ""}\n`,
    );
  }

  /** A warning line on stderr (no exit code change). */
  warn(text: string): void {
    this.progress.clear();
    this.io.stderr.write(`smb ${this.name}: ${this.ctx.redact(text)}\n`);
  }

  out(line: string): Promise<void> {
    return writeAsync(this.io.stdout, `${line}\n`);
  }

  json(value: unknown): Promise<void> {
    return writeAsync(this.io.stdout, `${JSON.stringify(value)}\n`);
  }

  /** Runs `fn`, reporting its error against `path`; returns false when it failed. */
  async attempt(path: string | undefined, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      this.fail(err, path);
      return false;
    }
  }
}
