/**
 * The `smb` command line: global options, the commands, exit codes. `main()` runs one command line
 * and resolves with the exit code; it never calls process.exit (cli.ts does).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Context, GlobalOptions } from "./context.js";
import { ExitCode, type ExitCodeValue, exitCodeFor, formatError } from "./errors.js";
import { type Io, processIo } from "./io.js";
import { parseProtocol } from "./protocol.js";
import type { Run } from "./run.js";

// What a command runs is loaded when it runs: in the bundled executable `smb --version` and `--help`
// initialize neither the client nor any command, `smb ls` not the transfer, server or shell commands.
const transferCommands = () => import("./commands/transfer.js");
const fileCommands = () => import("./commands/files.js");
const serverCommands = () => import("./commands/server.js");

export const VERSION = "0.1.0";

export interface MainOptions {
  io?: Io;
  /** The password taken out of the arguments by scrubArgv (never passed through argv). */
  password?: string;
  /** Aborted on Ctrl-C for commands that stop gracefully (watch, shell). */
  signal?: AbortSignal;
  /** Called when a command can be interrupted gracefully (watch, shell) instead of exiting at once. */
  onGraceful?: (graceful: boolean) => void;
}

const EXIT_CODES_HELP = `
Paths:
  //server/share/path, \\\\server\\share\\path or smb://[domain;]user@server:port/share/path

Credentials (first found wins):
  -U user%password (scrubbed from the process title at once, but prefer the others),
  --password-stdin, SMB_USER / SMB_PASSWORD / SMB_DOMAIN, a password prompt (no echo) on a terminal,
  -k for Kerberos (the password given, else the credential cache). No user at all: an anonymous session.

Environment:
  SMB_USER, SMB_PASSWORD, SMB_DOMAIN   credentials (SMB_PASSWORD is used only with SMB_USER's name)
  SMB_PORT                             default TCP port (like --port)
  KRB5_CONFIG, KRB5CCNAME              krb5.conf and credential cache for -k
  NODE_DEBUG=smb*                      debug log on stderr (same as -v)

Exit codes:
  0 success, 1 other failure, 2 usage error, 3 authentication failed, 4 not found,
  5 access denied, 130 interrupted
`;

function intArg(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a positive integer`);
    const n = Number(v);
    if (n < 1 || n > 65535) throw new InvalidArgumentError(`${name} must be 1..65535`);
    return n;
  };
}

function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number of seconds > 0");
  return n;
}

function protocolArg(flag: string) {
  return (v: string) => {
    try {
      parseProtocol(v, flag);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message.replace(`${flag}: `, ""));
    }
    return v;
  };
}

export function buildProgram(
  io: Io,
  state: { code: ExitCodeValue; ctx?: Context },
  opts: MainOptions,
): Command {
  const program = new Command("smb");
  const write = (s: string) => io.stdout.write(s);
  const writeErr = (s: string) => io.stderr.write(s);
  program
    .description("SMB2/3 client: list, copy, move and watch files on SMB shares, enumerate shares.")
    .version(VERSION, "-V, --version")
    .option("-U, --user <user[%password]>", "user name (DOMAIN\\user, DOMAIN/user or user@realm)")
    .option("-W, --domain <domain>", "domain / workgroup of the user")
    .option("--password-stdin", "read the password from the first line of stdin")
    .option("-N, --no-pass", "never prompt for a password")
    .option("-k, --kerberos", "authenticate with Kerberos (credential cache, or the password given)")
    .option(
      "--spn <principal>",
      "Kerberos service principal (default cifs/<server>; needed for IP addresses)",
    )
    .option("--kdc <host[:port]>", "Kerberos KDC, overriding krb5.conf")
    .option("--port <port>", "TCP port (default 445)", intArg("--port"))
    .option("--encrypt", "encrypt the session (SMB 3.x)")
    .option("--sign", "require signing")
    .addOption(
      new Option(
        "--min-protocol <dialect>",
        "lowest dialect: SMB2_02, SMB2_10, SMB3_00, SMB3_02, SMB3_11",
      ).argParser(protocolArg("--min-protocol")),
    )
    .addOption(
      new Option("--max-protocol <dialect>", "highest dialect (default SMB3_11)").argParser(
        protocolArg("--max-protocol"),
      ),
    )
    .option("--timeout <seconds>", "per-request timeout (default 60)", secondsArg)
    .option("--no-dfs", "do not resolve DFS referrals")
    .option("-v, --verbose", "debug log on stderr (secrets redacted)")
    .addHelpText("after", EXIT_CODES_HELP)
    .configureHelp({
      subcommandTerm: (cmd) => `${[cmd.name(), ...cmd.aliases()].join("|")} ${cmd.usage()}`.trim(),
    })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: write,
      writeErr,
      outputError: (str, w) => w(`smb: ${str.replace(/^error: /, "")}`),
    });

  const context = async (cmd: Command): Promise<Context> => {
    const { Context, log } = await import("./context.js");
    if (!state.ctx) {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      state.ctx = new Context(io, g, opts.password);
      log("options %o", { ...g, user: g.user });
    }
    return state.ctx;
  };
  const start = async (cmd: Command, name: string, o: { progress?: boolean } = {}) => {
    const [{ Run }, ctx] = await Promise.all([import("./run.js"), context(cmd)]);
    return new Run(ctx, name, o);
  };
  const finish = (run: Run) => {
    if (run.code !== ExitCode.OK && state.code === ExitCode.OK) state.code = run.code;
  };

  program
    .command("ls")
    .alias("dir")
    .description("list a directory (or show a file)")
    .argument("<paths...>", "remote directories, files or wildcards (//server/share/dir/*.txt)")
    .option("-l, --long", "long format: mode, attributes, size, time, name")
    .option("-a, --all", "include hidden entries (FILE_ATTRIBUTE_HIDDEN and dot names)")
    .option("-R, --recursive", "list subdirectories recursively")
    .option("-h, --human-readable", "sizes as 1.5K, 23M ... (with -l)")
    .option("--json", "one JSON object per entry (JSON Lines)")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "ls");
      const { ls } = await import("./commands/ls.js");
      await ls(run, paths, {
        long: o.long,
        all: o.all,
        recursive: o.recursive,
        json: o.json,
        human: o.humanReadable,
      });
      finish(run);
    });

  program
    .command("get")
    .description("download files (progress on a terminal); local '-' writes to stdout")
    .usage("[options] <remote...> [local]")
    .argument(
      "<paths...>",
      "remote file(s) or directory (with -r), wildcards allowed in the last part; then the local file or directory (default: the current directory)",
    )
    .option("-r, --recursive", "download directories recursively")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "get");
      const { get } = await transferCommands();
      await get(run, paths, { recursive: o.recursive });
      finish(run);
    });

  program
    .command("put")
    .description("upload files (progress on a terminal); local '-' reads stdin")
    .usage("[options] <local...> <remote>")
    .argument("<paths...>", "local file(s) or directory (with -r), then the remote file or directory")
    .option("-r, --recursive", "upload directories recursively")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "put");
      const { put } = await transferCommands();
      await put(run, paths, { recursive: o.recursive });
      finish(run);
    });

  program
    .command("cat")
    .description("write remote files to stdout")
    .argument("<remote...>")
    .action(async (remote: string[], _o, cmd: Command) => {
      const run = await start(cmd, "cat", { progress: false });
      const { cat } = await transferCommands();
      await cat(run, remote);
      finish(run);
    });

  program
    .command("stat")
    .description("show a file's or directory's metadata")
    .argument("<paths...>")
    .option("--json", "one JSON object per path")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "stat");
      const { statCmd } = await fileCommands();
      await statCmd(run, paths, { json: o.json });
      finish(run);
    });

  program
    .command("mkdir")
    .alias("md")
    .description("create directories")
    .argument("<paths...>")
    .option("-p, --parents", "create missing parents; no error if it exists")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "mkdir");
      const { mkdirCmd } = await fileCommands();
      await mkdirCmd(run, paths, { parents: o.parents });
      finish(run);
    });

  program
    .command("rm")
    .alias("del")
    .description("remove files (and directories with -r); wildcards allowed in the last part")
    .argument("<paths...>")
    .option("-r, --recursive", "remove directories and their contents")
    .option("-f, --force", "ignore missing files; remove read-only files")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "rm");
      const { rmCmd } = await fileCommands();
      await rmCmd(run, paths, { recursive: o.recursive, force: o.force });
      finish(run);
    });

  program
    .command("mv")
    .alias("rename")
    .description("move or rename (into <dst> when it is a directory)")
    .usage("[options] <src...> <dst>")
    .argument("<paths...>", "sources, then the destination")
    .action(async (paths: string[], _o, cmd: Command) => {
      const run = await start(cmd, "mv");
      const { mvCmd } = await fileCommands();
      await mvCmd(run, paths);
      finish(run);
    });

  program
    .command("cp")
    .description("copy: remote to remote uses server-side copy; local<->remote works like put/get")
    .usage("[options] <src...> <dst>")
    .argument("<paths...>", "sources, then the destination")
    .option("-r, --recursive", "copy directories recursively")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "cp");
      const { cp } = await transferCommands();
      await cp(run, paths, { recursive: o.recursive });
      finish(run);
    });

  program
    .command("shares")
    .description("list the shares of a server (srvsvc NetrShareEnum)")
    .argument("<server>", "//server, server, server:port or smb://server:port")
    .option("--json", "one JSON object per share")
    .action(async (server: string, o, cmd: Command) => {
      const run = await start(cmd, "shares");
      const { sharesCmd } = await serverCommands();
      await sharesCmd(run, server, { json: o.json });
      finish(run);
    });

  program
    .command("df")
    .description("size, used and available space of a share")
    .argument("<paths...>")
    .option("--json", "one JSON object per path")
    .option("--bytes", "sizes in bytes")
    .action(async (paths: string[], o, cmd: Command) => {
      const run = await start(cmd, "df");
      const { dfCmd } = await fileCommands();
      await dfCmd(run, paths, { json: o.json, human: !o.bytes });
      finish(run);
    });

  program
    .command("watch")
    .description("print change notifications of a directory until interrupted")
    .argument("<path>")
    .option("-r, --recursive", "include subdirectories")
    .option("--json", "one JSON object per change")
    .option("-n, --count <n>", "stop after n changes", intArg("--count"))
    .action(async (path: string, o, cmd: Command) => {
      const run = await start(cmd, "watch");
      opts.onGraceful?.(true);
      const { watchCmd } = await serverCommands();
      await watchCmd(
        run,
        path,
        { recursive: o.recursive, json: o.json, count: o.count },
        opts.signal ?? new AbortController().signal,
      );
      finish(run);
    });

  program
    .command("info")
    .description("dialect, cipher, signing, capabilities, sizes, server GUID and the session")
    .argument("<server>", "//server, server, server:port or smb://server:port")
    .option("--json", "one JSON object")
    .action(async (server: string, o, cmd: Command) => {
      const run = await start(cmd, "info");
      const { infoCmd } = await serverCommands();
      await infoCmd(run, server, { json: o.json });
      finish(run);
    });

  program
    .command("shell")
    .description("interactive shell (smbclient-style: cd ls get put mget mput rm mkdir ...)")
    .argument("<share>", "//server/share[/dir]")
    .action(async (share: string, _o, cmd: Command) => {
      const { shell } = await import("./shell.js");
      const run = await start(cmd, "shell");
      opts.onGraceful?.(true);
      await shell(run, share);
      finish(run);
    });

  return program;
}

/** Runs one command line (without the node and script arguments); resolves with the exit code. */
export async function main(argv: string[], opts: MainOptions = {}): Promise<ExitCodeValue> {
  const io = opts.io ?? processIo();
  const state: { code: ExitCodeValue; ctx?: Context } = { code: ExitCode.OK };
  const program = buildProgram(io, state, opts);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return ExitCode.USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return ExitCode.OK;
      return ExitCode.USAGE;
    }
    const line = formatError("", err);
    io.stderr.write(`${state.ctx ? state.ctx.redact(line) : line}\n`);
    return exitCodeFor(err);
  } finally {
    await state.ctx?.close();
  }
}
