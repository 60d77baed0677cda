/**
 * `smb shell //server/share[/dir]`: an interactive session in the style of smbclient. One connection
 * for the whole session; a remote and a local current directory; tab completion of command names,
 * remote names (listing cached for a few seconds) and local names; history kept across sessions in
 * ~/.smb_history (SMB_HISTFILE; empty to disable); Ctrl-C cancels the running command, Ctrl-D or `exit`
 * leaves. With stdin not a terminal it reads commands line by line (no prompt) and exits with the first
 * failure's code.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { isSafeEntryName, type SmbStats } from "smb-client";
import { dfCmd, mkdirCmd, mvCmd, rmCmd, statCmd } from "./commands/files.js";
import { ls, listDir } from "./commands/ls.js";
import { infoCmd } from "./commands/server.js";
import { cat, cp, get, put } from "./commands/transfer.js";
import type { Entry } from "./entry.js";
import { CliError, ExitCode, UsageError } from "./errors.js";
import { formatColumns, formatTable } from "./format.js";
import type { Io } from "./io.js";
import {
  clientPath,
  displayPath,
  globMatch,
  hasWildcard,
  isRemote,
  joinRemote,
  parseRemote,
  type RemotePath,
} from "./paths.js";
import { Run } from "./run.js";

/** Splits a command line into words; "double" and 'single' quotes group (backslash is a path separator). */
export function splitWords(line: string): string[] {
  return tokenize(line).words;
}

interface Tokens {
  words: string[];
  /** The word under the cursor at the end of the line ("" after a space). */
  current: string;
  /** The quote the current word is in, if still open. */
  openQuote: string | undefined;
  /** Whether the line ends inside a word. */
  inWord: boolean;
}

function tokenize(line: string): Tokens {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      continue;
    }
    if (ch === " " || ch === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      continue;
    }
    cur += ch;
    inWord = true;
  }
  if (inWord) words.push(cur);
  return { words, current: inWord ? cur : "", openQuote: quote, inWord };
}

type Completion = "remote" | "local" | "none";

interface ShellCommand {
  names: string[];
  usage: string;
  help: string;
  /** Fewer arguments (flags excluded) is a usage error that prints `usage` (default 0). */
  minArgs?: number;
  /** What argument `i` (0-based, flags excluded) completes to. */
  complete?: (i: number) => Completion;
  run(args: string[], flags: Set<string>, run: Run): Promise<void>;
}

const HISTORY_SIZE = 1000;
const LIST_CACHE_MS = 5000;

export class Shell {
  /** Remote current directory. */
  cwd: RemotePath;
  /** Local current directory (lcd). */
  lcwd: string;
  /** mget/mput descend into directories (smbclient's `recurse`). */
  recurse = false;
  private readonly listCache = new Map<string, { at: number; entries: Entry[] }>();
  private current: AbortController | undefined;
  private done = false;
  readonly commands: ShellCommand[];

  constructor(
    private readonly base: Run,
    root: RemotePath,
  ) {
    this.cwd = root;
    this.lcwd = base.io.cwd();
    this.commands = this.makeCommands();
  }

  get io(): Io {
    return this.base.io;
  }

  /** "\dir\sub\" for the prompt. */
  get promptPath(): string {
    return this.cwd.path ? `\\${this.cwd.path.replace(/\//g, "\\")}\\` : "\\";
  }

  /** A shell argument as a remote path: absolute (//server/share/..., /x from the share root) or relative. */
  resolveRemote(arg: string): RemotePath {
    if (isRemote(arg)) return parseRemote(arg);
    if (/^[\\/]/.test(arg)) return joinRemote({ ...this.cwd, path: "" }, arg);
    return joinRemote(this.cwd, arg);
  }

  private remoteArg(arg: string): string {
    return clientPath(this.resolveRemote(arg));
  }

  private localArg(arg: string): string {
    if (arg === "-") return arg;
    return resolve(this.lcwd, arg.replace(/^~(?=$|\/)/, homedir()));
  }

  private invalidate(): void {
    this.listCache.clear();
  }

  /** Directory entries for completion (cached briefly). */
  private async cachedList(dir: RemotePath): Promise<Entry[]> {
    const key = displayPath(dir).toLowerCase();
    const hit = this.listCache.get(key);
    if (hit && Date.now() - hit.at < LIST_CACHE_MS) return hit.entries;
    const client = await this.base.client(dir.server);
    const entries = await listDir(client, dir, { all: true });
    this.listCache.set(key, { at: Date.now(), entries });
    return entries;
  }

  private makeCommands(): ShellCommand[] {
    const remote = () => "remote" as const;
    const local = () => "local" as const;
    const r = (args: string[]) => args.map((a) => this.remoteArg(a));
    const cmds: ShellCommand[] = [
      {
        names: ["ls", "dir"],
        usage: "ls [-a] [-R] [-1] [path|pattern ...]",
        help: "list the current directory (or paths, or a wildcard)",
        complete: remote,
        run: async (args, f, run) => {
          const paths = args.length ? r(args) : [clientPath(this.cwd)];
          await ls(run, paths, {
            long: !f.has("1"),
            all: f.has("a"),
            recursive: f.has("R"),
            human: f.has("h"),
          });
        },
      },
      {
        names: ["cd"],
        usage: "cd [dir]",
        help: "change the remote directory ('cd' alone shows it; '/' is the share root)",
        complete: remote,
        run: async (args, _f, run) => {
          if (args.length === 0) {
            await run.out(`Current directory is ${displayPath(this.cwd)}`);
            return;
          }
          const target = this.resolveRemote(args[0]!);
          if (target.path !== "") {
            const client = await run.client(target.server);
            const st = (await client.stat(clientPath(target), { signal: run.signal })) as SmbStats;
            if (!st.isDirectory())
              throw new CliError("not a directory", ExitCode.FAILURE, displayPath(target));
          }
          this.cwd = target;
        },
      },
      {
        names: ["pwd"],
        usage: "pwd",
        help: "show the remote directory",
        run: async (_a, _f, run) => run.out(displayPath(this.cwd)),
      },
      {
        names: ["lcd"],
        usage: "lcd [dir]",
        help: "change (or show) the local directory",
        complete: local,
        run: async (args, _f, run) => {
          if (args.length) {
            const d = this.localArg(args[0]!);
            if (!(await stat(d)).isDirectory()) throw new CliError("not a directory", ExitCode.FAILURE, d);
            this.lcwd = d;
          }
          await run.out(`Current local directory is ${this.lcwd}`);
        },
      },
      {
        names: ["lpwd"],
        usage: "lpwd",
        help: "show the local directory",
        run: async (_a, _f, run) => run.out(this.lcwd),
      },
      {
        names: ["lls"],
        usage: "lls [dir]",
        help: "list a local directory",
        complete: local,
        run: async (args, _f, run) => {
          const d = args.length ? this.localArg(args[0]!) : this.lcwd;
          const names = (await readdir(d, { withFileTypes: true }))
            .map((e) => e.name + (e.isDirectory() ? "/" : ""))
            .sort();
          const lines = run.io.stdout.isTTY ? formatColumns(names, run.io.stdout.columns ?? 80) : names;
          if (lines.length) await run.out(lines.join("\n"));
        },
      },
      {
        names: ["get"],
        usage: "get <remote> [local]",
        minArgs: 1,
        help: "download a file (a directory with -r), progress on a terminal",
        complete: (i) => (i === 0 ? "remote" : "local"),
        run: async (args, f, run) => {
          const dst = args[1] !== undefined ? this.localArg(args[1]) : this.lcwd;
          await get(run, [this.remoteArg(args[0]!), dst], { recursive: f.has("r") || this.recurse });
        },
      },
      {
        names: ["mget"],
        usage: "mget <pattern...>",
        minArgs: 1,
        help: "download every match into the local directory (directories too with 'recurse')",
        complete: remote,
        run: async (args, _f, run) => {
          for (const a of args) {
            const p = this.resolveRemote(a);
            const name = p.path.split("/").pop() ?? "";
            if (!hasWildcard(name) && !this.recurse) {
              await get(run, [clientPath(p), `${this.lcwd}/`], {});
              continue;
            }
            const parent = { ...p, path: p.path.split("/").slice(0, -1).join("/") };
            const client = await run.client(p.server);
            const matches = (await listDir(client, parent, { all: true, signal: run.signal })).filter(
              (e) => globMatch(name || "*", e.name) && (this.recurse || e.type !== "directory"),
            );
            // A hostile server must not make us write outside the local directory.
            for (const bad of matches.filter((e) => !isSafeEntryName(e.name)))
              run.warn(`refusing unsafe name ${JSON.stringify(bad.name)} in ${displayPath(parent)}`);
            matches.splice(0, matches.length, ...matches.filter((e) => isSafeEntryName(e.name)));
            if (matches.length === 0) {
              run.fail(new CliError(`no match for ${displayPath(p)}`, ExitCode.NOT_FOUND));
              continue;
            }
            const srcs = matches.map((e) => clientPath(joinRemote(parent, e.name)));
            await get(run, [...srcs, `${this.lcwd}/`], { recursive: this.recurse });
          }
        },
      },
      {
        names: ["put"],
        usage: "put <local> [remote]",
        minArgs: 1,
        help: "upload a file (a directory with -r), progress on a terminal",
        complete: (i) => (i === 0 ? "local" : "remote"),
        run: async (args, f, run) => {
          const dst = args[1] !== undefined ? this.remoteArg(args[1]) : `${clientPath(this.cwd)}/`;
          await put(run, [this.localArg(args[0]!), dst], { recursive: f.has("r") || this.recurse });
          this.invalidate();
        },
      },
      {
        names: ["mput"],
        usage: "mput <pattern...>",
        minArgs: 1,
        help: "upload every local match into the remote directory (directories too with 'recurse')",
        complete: local,
        run: async (args, _f, run) => {
          for (const a of args) {
            const abs = this.localArg(a);
            const dir = dirname(abs);
            const pat = abs.slice(dir.length + 1);
            let files: string[];
            if (hasWildcard(pat)) {
              const list = await readdir(dir, { withFileTypes: true });
              files = list
                .filter((e) => globMatch(pat, e.name) && (this.recurse || !e.isDirectory()))
                .map((e) => join(dir, e.name));
            } else files = [abs];
            if (files.length === 0) {
              run.fail(new CliError(`no match for ${abs}`, ExitCode.NOT_FOUND));
              continue;
            }
            await put(run, [...files, `${clientPath(this.cwd)}/`], { recursive: this.recurse });
          }
          this.invalidate();
        },
      },
      {
        names: ["cat", "more"],
        usage: "cat <remote...>",
        minArgs: 1,
        help: "print remote files",
        complete: remote,
        run: async (args, _f, run) => {
          await cat(run, r(args));
        },
      },
      {
        names: ["stat", "allinfo"],
        usage: "stat <path...>",
        help: "show metadata",
        complete: remote,
        run: async (args, _f, run) => statCmd(run, args.length ? r(args) : [clientPath(this.cwd)], {}),
      },
      {
        names: ["rm", "del"],
        usage: "rm [-r] [-f] <path|pattern...>",
        minArgs: 1,
        help: "remove files (directories with -r)",
        complete: remote,
        run: async (args, f, run) => {
          await rmCmd(run, r(args), { recursive: f.has("r"), force: f.has("f") });
          this.invalidate();
        },
      },
      {
        names: ["rmdir", "rd"],
        usage: "rmdir <dir...>",
        minArgs: 1,
        help: "remove empty directories",
        complete: remote,
        run: async (args, _f, run) => {
          for (const a of r(args)) {
            const p = parseRemote(a);
            await run.attempt(displayPath(p), async () => {
              const client = await run.client(p.server);
              await client.rmdir(a, { signal: run.signal });
            });
          }
          this.invalidate();
        },
      },
      {
        names: ["mkdir", "md"],
        usage: "mkdir [-p] <dir...>",
        minArgs: 1,
        help: "create directories",
        complete: remote,
        run: async (args, f, run) => {
          await mkdirCmd(run, r(args), { parents: f.has("p") });
          this.invalidate();
        },
      },
      {
        names: ["mv", "rename"],
        usage: "mv <src...> <dst>",
        minArgs: 2,
        help: "move or rename",
        complete: remote,
        run: async (args, _f, run) => {
          await mvCmd(run, r(args));
          this.invalidate();
        },
      },
      {
        names: ["cp"],
        usage: "cp [-r] <src...> <dst>",
        minArgs: 2,
        help: "copy on the server (server-side copy)",
        complete: remote,
        run: async (args, f, run) => {
          await cp(run, r(args), { recursive: f.has("r") });
          this.invalidate();
        },
      },
      {
        names: ["df", "du"],
        usage: "df",
        help: "size and free space of the share",
        run: async (_a, _f, run) => dfCmd(run, [clientPath(this.cwd)], { human: true }),
      },
      {
        names: ["info"],
        usage: "info",
        help: "dialect, cipher, signing, capabilities of the connection",
        run: async (_a, _f, run) => {
          const c = this.cwd;
          const server =
            c.port !== undefined || c.username !== undefined
              ? clientPath({ ...c, share: "IPC$", path: "" }).replace(/\/IPC%24$|\/IPC\$$/, "")
              : `//${c.server}`;
          await infoCmd(run, server, {});
        },
      },
      {
        names: ["recurse"],
        usage: "recurse",
        help: "toggle directory recursion for mget and mput",
        run: async (_a, _f, run) => {
          this.recurse = !this.recurse;
          await run.out(`directory recursion is now ${this.recurse ? "on" : "off"}`);
        },
      },
      {
        names: ["help", "?"],
        usage: "help [command]",
        help: "list the commands",
        run: async (args, _f, run) => {
          if (args.length) {
            const c = this.find(args[0]!);
            if (!c) throw new UsageError(`no such command: ${args[0]}`);
            await run.out(
              `${c.usage}\n  ${c.help}${c.names.length > 1 ? `\n  aliases: ${c.names.slice(1).join(", ")}` : ""}`,
            );
            return;
          }
          const rows = this.commands.map((c) => [c.usage, c.help]);
          await run.out(formatTable(rows).join("\n"));
        },
      },
      {
        names: ["exit", "quit", "bye", "q"],
        usage: "exit",
        help: "leave the shell",
        run: async () => {
          this.done = true;
        },
      },
    ];
    return cmds;
  }

  find(name: string): ShellCommand | undefined {
    const n = name.toLowerCase();
    return this.commands.find((c) => c.names.includes(n));
  }

  /** Runs one command line; returns its exit code. */
  async execute(line: string): Promise<number> {
    const words = splitWords(line.trim());
    if (words.length === 0) return 0;
    const [name, ...rest] = words;
    const cmd = this.find(name!);
    const ac = new AbortController();
    this.current = ac;
    const run = new Run(this.base.ctx, name!, { io: this.shellIo(), signal: ac.signal });
    try {
      if (!cmd) throw new UsageError(`unknown command '${name}' (try 'help')`);
      const flags = new Set<string>();
      const args: string[] = [];
      let flagsDone = false;
      for (const w of rest) {
        if (!flagsDone && w === "--") flagsDone = true;
        else if (!flagsDone && /^-[A-Za-z0-9]+$/.test(w)) for (const c of w.slice(1)) flags.add(c);
        else args.push(w);
      }
      if (args.length < (cmd.minArgs ?? 0)) throw new UsageError(`usage: ${cmd.usage}`);
      await cmd.run(args, flags, run);
    } catch (err) {
      run.fail(err);
    } finally {
      this.current = undefined;
    }
    return run.code;
  }

  private shellIo(): Io {
    return { ...this.io, cwd: () => this.lcwd };
  }

  /** readline completer: command names, then remote or local names depending on the command. */
  async complete(line: string): Promise<[string[], string]> {
    const t = tokenize(line);
    const words = t.inWord ? t.words.slice(0, -1) : t.words;
    const cur = t.current;
    const typed = t.inWord ? line.slice(line.length - rawLength(line)) : "";
    if (words.length === 0) {
      const names = this.commands.flatMap((c) => c.names).filter((n) => n.startsWith(cur.toLowerCase()));
      return [names.sort().map((n) => `${n} `), typed];
    }
    const cmd = this.find(words[0]!);
    if (!cmd?.complete) return [[], typed];
    const argIndex = words.slice(1).filter((w) => !/^-[A-Za-z0-9]+$/.test(w)).length;
    const kind = cmd.complete(argIndex);
    if (kind === "none") return [[], typed];
    const cut = Math.max(cur.lastIndexOf("/"), cur.lastIndexOf("\\"));
    const dirPart = cut >= 0 ? cur.slice(0, cut + 1) : "";
    const prefix = cur.slice(cut + 1).toLowerCase();
    let names: { name: string; dir: boolean }[] = [];
    try {
      if (kind === "remote") {
        const dir = dirPart ? this.resolveRemote(dirPart) : this.cwd;
        names = (await this.cachedList(dir)).map((e) => ({ name: e.name, dir: e.type === "directory" }));
      } else {
        const dir = dirPart ? this.localArg(dirPart) : this.lcwd;
        names = (await readdir(dir, { withFileTypes: true })).map((e) => ({
          name: e.name,
          dir: e.isDirectory(),
        }));
      }
    } catch {
      return [[], typed];
    }
    const hits = names
      .filter((n) => n.name.toLowerCase().startsWith(prefix))
      .map((n) => `${dirPart}${n.name}${n.dir ? "/" : ""}`)
      .sort();
    const quote = t.openQuote ?? (hits.some((h) => /\s/.test(h)) ? '"' : "");
    // A single file match gets its closing quote and a space; directories stay open for more typing.
    const out = hits.map((h) => {
      const q = quote ? `${quote}${h}${hits.length === 1 && !h.endsWith("/") ? quote : ""}` : h;
      return hits.length === 1 && !h.endsWith("/") ? `${q} ` : q;
    });
    return [out, typed];
  }

  /** The interactive loop (or line-by-line commands when stdin is not a terminal). */
  async loop(): Promise<number> {
    const io = this.io;
    const tty = !!io.stdin.isTTY;
    const histFile = io.env.SMB_HISTFILE ?? join(homedir(), ".smb_history");
    let history: string[] = [];
    if (tty && histFile) {
      try {
        history = (await readFile(histFile, "utf8"))
          .split("\n")
          .filter(Boolean)
          .reverse()
          .slice(0, HISTORY_SIZE);
      } catch {
        // no history yet
      }
    }
    const rl = createInterface({
      input: io.stdin,
      output: tty ? (io.stdout as unknown as NodeJS.WritableStream) : undefined,
      terminal: tty,
      history,
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      completer: tty
        ? (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
            this.complete(line).then(
              (r) => cb(null, r),
              () => cb(null, [[], line]),
            );
          }
        : undefined,
    });
    let first = 0;
    const setPrompt = () => rl.setPrompt(`smb: ${this.promptPath}> `);
    rl.on("SIGINT", () => {
      if (this.current) {
        this.current.abort();
        return;
      }
      (io.stdout as unknown as NodeJS.WritableStream).write("^C\n");
      rl.write(null, { ctrl: true, name: "u" });
      rl.prompt();
    });
    setPrompt();
    if (tty) rl.prompt();
    try {
      for await (const line of rl) {
        const code = await this.execute(line);
        if (code !== 0 && first === 0 && code !== ExitCode.INTERRUPTED) first = code;
        if (this.done) break;
        setPrompt();
        if (tty) rl.prompt();
      }
    } finally {
      rl.close();
      if (tty) (io.stdout as unknown as NodeJS.WritableStream).write("\n");
      if (tty && histFile) {
        const h = [...((rl as unknown as { history?: string[] }).history ?? [])].reverse();
        await writeFile(histFile, h.length ? `${h.join("\n")}\n` : "", { mode: 0o600 }).catch(() => {});
      }
    }
    return tty ? 0 : first;
  }
}

/** Length of the last word as typed (with its quotes), for readline's "substring to replace". */
function rawLength(line: string): number {
  let i = line.length;
  let quote: string | undefined;
  // Walk back to the start of the last word, honouring an open quote.
  const t = tokenize(line);
  if (t.openQuote) return line.length - line.lastIndexOf(t.openQuote);
  while (i > 0) {
    const ch = line[i - 1]!;
    if (!quote && (ch === " " || ch === "\t")) break;
    if (ch === '"' || ch === "'") quote = quote ? undefined : ch;
    i--;
  }
  return line.length - i;
}

/** smb shell //server/share[/dir] */
export async function shell(run: Run, share: string): Promise<void> {
  const root = parseRemote(share);
  const sh = new Shell(run, root);
  // Connect (and authenticate, prompting if needed) before the first prompt; the start directory must exist.
  const ok = await run.attempt(displayPath(root), async () => {
    const client = await run.client(root.server);
    const st = (await client.stat(clientPath(root))) as SmbStats;
    if (!st.isDirectory()) throw new CliError("not a directory", ExitCode.FAILURE, displayPath(root));
  });
  if (!ok) return;
  if (run.io.stdin.isTTY)
    run.io.stderr.write(`connected to ${displayPath(root)}; 'help' lists the commands\n`);
  const code = await sh.loop();
  if (code !== 0 && run.code === 0) run.code = code as typeof run.code;
}
