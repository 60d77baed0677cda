/** Password input: a no-echo prompt on the terminal, or the first line of stdin (--password-stdin). */
import type { Readable, Writable } from "node:stream";

interface TtyIn extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  isRaw?: boolean;
}

/** Thrown when the user interrupts the prompt (Ctrl-C / Ctrl-D on an empty line). */
export class PromptAborted extends Error {
  override name = "AbortError";
  constructor() {
    super("password prompt interrupted");
  }
}

/**
 * Asks for a password on the terminal without echoing it: the prompt goes to `output` (stderr), the
 * terminal is in raw mode while typing; backspace edits, Ctrl-U clears, Enter ends, Ctrl-C aborts.
 */
export function promptPassword(
  prompt: string,
  input: TtyIn = process.stdin,
  output: Pick<Writable, "write"> = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = !!input.isTTY && typeof input.setRawMode === "function";
    const wasRaw = !!input.isRaw;
    // Echo off before the prompt shows, so nothing typed after it can be echoed.
    if (raw) input.setRawMode!(true);
    output.write(prompt);
    input.resume();
    let value = "";
    let decoder = "";
    const done = (err?: Error) => {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      if (raw) input.setRawMode!(wasRaw);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onEnd = () => done(value ? undefined : new PromptAborted());
    const onData = (chunk: Buffer | string) => {
      decoder += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      const chars = [...decoder];
      decoder = "";
      for (const ch of chars) {
        switch (ch) {
          case "\r":
          case "\n":
            return done();
          case "\u0003": // Ctrl-C
            return done(new PromptAborted());
          case "\u0004": // Ctrl-D
            if (value === "") return done(new PromptAborted());
            return done();
          case "\u0015": // Ctrl-U
            value = "";
            break;
          case "\u007f":
          case "\b":
            value = [...value].slice(0, -1).join("");
            break;
          default:
            if (ch >= " ") value += ch;
        }
      }
    };
    input.on("data", onData);
    input.on("end", onEnd);
  });
}

/** Reads stdin to its first newline (or its end) and returns that line without the line ending. */
export async function readPasswordFromStdin(input: Readable = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    const nl = b.indexOf(10);
    if (nl >= 0) {
      chunks.push(b.subarray(0, nl));
      // Leave the rest of stdin unread (the stream is not used for anything else by password commands).
      break;
    }
    chunks.push(b);
    total += b.length;
    if (total > 64 * 1024) throw new Error("--password-stdin: no newline in the first 64 KiB of stdin");
  }
  return Buffer.concat(chunks).toString("utf8").replace(/\r$/, "");
}
