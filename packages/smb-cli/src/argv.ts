/**
 * Secrets on the command line. `-U user%password` (smbclient's form) works, but the password would show
 * in `ps` and /proc/<pid>/cmdline for as long as the process runs. `scrubArgv` takes it out of the
 * arguments before anything else runs, and `hideCommandLine` overwrites the process title, which on
 * Linux rewrites the memory /proc/<pid>/cmdline shows (libuv's uv_set_process_title), so `ps` shows
 * `smb <command> -U user%***`. A window of a few milliseconds between exec and the scrub remains: the
 * password prompt, --password-stdin and SMB_PASSWORD are the ways that never expose it.
 */

export interface ScrubbedArgv {
  /** The arguments with every password removed (`-U user`, `smb://user@host/...`). */
  args: string[];
  /** The password from `-U user%password` / `--user=user%password` (last one wins), if any. */
  password: string | undefined;
  /** The arguments with passwords replaced by "***", for the process title and logs. */
  display: string[];
}

const USER_FLAGS = new Set(["-U", "--user"]);

/** Splits "user%password" at the first "%" (smbclient's rule); undefined password without a "%". */
export function splitUserPassword(v: string): { user: string; password: string | undefined } {
  const i = v.indexOf("%");
  return i < 0 ? { user: v, password: undefined } : { user: v.slice(0, i), password: v.slice(i + 1) };
}

/** "smb://user:secret@host/..." -> "smb://user@host/..." (and "***" for display). */
function stripUrlPassword(a: string, replacement: string): { text: string; password: string | undefined } {
  const m = /^(smb:\/\/[^@/:]*):([^@/]*)@/i.exec(a);
  if (!m) return { text: a, password: undefined };
  return {
    text: `${m[1]}${replacement ? `:${replacement}` : ""}@${a.slice(m[0].length)}`,
    password: m[2],
  };
}

/** Removes passwords from the arguments (see the module comment). Stops interpreting after "--". */
export function scrubArgv(argv: readonly string[]): ScrubbedArgv {
  const args: string[] = [];
  const display: string[] = [];
  let password: string | undefined;
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (rest) {
      args.push(a);
      display.push(a);
      continue;
    }
    if (a === "--") {
      rest = true;
      args.push(a);
      display.push(a);
      continue;
    }
    let flag: string | undefined;
    let value: string | undefined;
    if (USER_FLAGS.has(a) && i + 1 < argv.length) {
      flag = a;
      value = argv[++i]!;
    } else if (a.startsWith("--user=")) {
      flag = "--user=";
      value = a.slice("--user=".length);
    } else if (/^-U./.test(a)) {
      flag = "-U";
      value = a.slice(2);
    }
    if (flag !== undefined && value !== undefined) {
      const { user, password: pw } = splitUserPassword(value);
      if (pw !== undefined) password = pw;
      const shown = pw === undefined ? user : `${user}%***`;
      if (flag.endsWith("=")) {
        args.push(`${flag}${user}`);
        display.push(`${flag}${shown}`);
      } else {
        args.push(flag, user);
        display.push(flag, shown);
      }
      continue;
    }
    const url = stripUrlPassword(a, "");
    if (url.password !== undefined) {
      // Kept out of argv and the title; the URL parser refuses URL passwords anyway.
      args.push(url.text);
      display.push(stripUrlPassword(a, "***").text);
      continue;
    }
    args.push(a);
    display.push(a);
  }
  return { args, password, display };
}

/**
 * Replaces process.argv's arguments with the scrubbed ones and rewrites the process title (what `ps`
 * shows) to "smb <display args>".
 */
export function hideCommandLine(scrubbed: ScrubbedArgv): void {
  process.argv.splice(2, process.argv.length - 2, ...scrubbed.args);
  const title = ["smb", ...scrubbed.display].join(" ");
  try {
    process.title = title;
  } catch {
    // not supported on this platform: nothing else to do
  }
}
