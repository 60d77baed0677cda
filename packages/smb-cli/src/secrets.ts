/**
 * The secrets this process knows (passwords from -U, stdin, the environment or the prompt), so that
 * anything written to stderr (debug log, error messages) can be scrubbed of them.
 */
const secrets = new Set<string>();

/** Registers a secret (short ones are not redacted: they would mangle ordinary text). */
export function addSecret(s: string | undefined): void {
  if (s && s.length >= 3) secrets.add(s);
}

/** Replaces every known secret in `text` with "***". */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("***");
  return out;
}

/** Makes every write to `stream` go through `redact` (for the -v debug log on stderr). */
export function redactStream(stream: NodeJS.WriteStream): void {
  const orig = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") return orig(redact(chunk), ...rest);
    if (Buffer.isBuffer(chunk) && secrets.size > 0) return orig(redact(chunk.toString("utf8")), ...rest);
    return orig(chunk, ...rest);
  };
}
