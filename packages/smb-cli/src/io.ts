/** The process streams and environment a command runs with (replaceable in tests). */
import type { Readable, Writable } from "node:stream";

export interface OutStream extends Pick<Writable, "write" | "once" | "on" | "removeListener"> {
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown; isRaw?: boolean };
  env: Record<string, string | undefined>;
  cwd: () => string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: () => process.cwd(),
  };
}

/** Writes and waits for the stream to take it (backpressure for big outputs such as `cat`). */
export function writeAsync(out: OutStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(data, (err?: Error | null) => {
      if (err) reject(err);
    });
    if (ok) resolve();
    else {
      const onDrain = () => {
        out.removeListener("error", onError);
        resolve();
      };
      const onError = (err: Error) => {
        out.removeListener("drain", onDrain);
        reject(err);
      };
      out.once("drain", onDrain);
      out.once("error", onError);
    }
  });
}
