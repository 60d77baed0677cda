/** The state of one command run: its name, the context, the worst exit code so far, error reporting. */
import type { SmbClient } from "smb-client";
import type { Context } from "./context.js";
import { ExitCode, type ExitCodeValue, exitCodeFor, formatError } from "./errors.js";
import { writeAsync } from "./io.js";
import { Progress } from "./progress.js";

export class Run {
  code: ExitCodeValue = ExitCode.OK;
  readonly progress: Progress;

  constructor(
    readonly ctx: Context,
    readonly name: string,
    opts: { progress?: boolean } = {},
  ) {
    this.progress = new Progress(ctx.io.stderr, { enabled: opts.progress ?? !!ctx.io.stderr.isTTY });
  }

  get io() {
    return this.ctx.io;
  }

  client(server: string): Promise<SmbClient> {
    return this.ctx.client(server);
  }

  /** Prints one error line and keeps the first failure's exit code. */
  fail(err: unknown, path?: string): void {
    this.progress.clear();
    const c = exitCodeFor(err);
    if (this.code === ExitCode.OK) this.code = c;
    this.io.stderr.write(`${this.ctx.redact(formatError(this.name, err, path))}\n`);
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
