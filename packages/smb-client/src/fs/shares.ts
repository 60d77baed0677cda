/**
 * listShares: the shares of a server through DCE/RPC srvsvc NetrShareEnumAll (level 1) over the
 * \PIPE\srvsvc named pipe on IPC$ (src/rpc). The IPC$ tree comes from the pool like any other.
 */
import { netShareEnum, type NetShareEnumOptions, type ShareInfo } from "../rpc/srvsvc.js";
import { openRpcPipe } from "../rpc/smb-pipe.js";
import type { ClientCore } from "./core.js";
import type { CallOptions } from "./types.js";

export interface ListSharesOptions extends CallOptions, Pick<NetShareEnumOptions, "maxRounds"> {
  /** Leave out special shares (IPC$, ADMIN$, C$ ...). */
  excludeSpecial?: boolean;
}

/** "host", "//host", "\\\\host" or "smb://[user@]host[:port]" -> a path to its IPC$ share. */
function ipcPath(server: string): string {
  if (/^smb:\/\//i.test(server)) {
    const u = new URL(server);
    u.pathname = "/IPC$";
    return u.href;
  }
  const host = server.replace(/^[\\/]{2}/, "").split(/[\\/]/)[0]!;
  return `//${host}/IPC$`;
}

export async function listShares(
  core: ClientCore,
  server: string,
  opts: ListSharesOptions = {},
): Promise<ShareInfo[]> {
  const shares = await core.run(ipcPath(server), { ...opts, skipDfs: true }, "listShares", async (t) => {
    const pipe = await openRpcPipe(t.tree, "srvsvc", { signal: t.signal });
    try {
      return await netShareEnum(pipe, t.path.server, { maxRounds: opts.maxRounds });
    } finally {
      await pipe.close().catch(() => {});
    }
  });
  return opts.excludeSpecial ? shares.filter((s) => !s.special) : shares;
}
