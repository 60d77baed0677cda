// Runs Samba's smbclient CLI against a SambaInfo server, the password passed in an -A file (never argv).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SambaInfo } from "../samba/server.mjs";

export interface SmbclientOptions {
  /** Extra smbclient arguments, e.g. ["-m", "SMB2_10"]. */
  args?: string[];
  port?: number;
  password?: string;
}

export interface SmbclientResult {
  code: number;
  /** stdout and stderr together (smbclient reports NT_STATUS errors on either). */
  output: string;
}

export async function smbclient(
  info: SambaInfo,
  share: string,
  command: string,
  opts: SmbclientOptions = {},
): Promise<SmbclientResult> {
  const dir = await mkdtemp(join(tmpdir(), "smbjs-auth-"));
  try {
    const authFile = join(dir, "auth");
    const password = opts.password ?? info.password;
    await writeFile(
      authFile,
      `username = ${info.username}\npassword = ${password}\ndomain = ${info.domain}\n`,
      {
        mode: 0o600,
      },
    );
    const args = ["-s", "/dev/null", `//${info.host}/${share}`, "-p", String(opts.port ?? info.port)];
    args.push("-A", authFile, ...(opts.args ?? []), "-c", command);
    return await new Promise((resolve) => {
      execFile("smbclient", args, { timeout: 20_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: stdout + stderr });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
