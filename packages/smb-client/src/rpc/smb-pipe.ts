/**
 * RpcPipe over an SMB2 named pipe (MS-RPCE 2.1.1.2 ncacn_np): CREATE of the pipe name on the IPC$ tree
 * (MS-SMB2 3.2.4.3, no "\PIPE\" prefix), FSCTL_PIPE_TRANSCEIVE for request/reply (MS-SMB2 3.2.4.20.2),
 * READ for the rest of a long reply and WRITE for the leading fragments of a long request.
 */
import type { IoOptions, Open } from "../open.js";
import type { Session } from "../session.js";
import type { Tree } from "../tree.js";
import { type NetShareEnumOptions, netShareEnum, type ShareInfo } from "./srvsvc.js";
import type { RpcPipe } from "./pipe.js";

/**
 * Access Samba's and Windows' clients ask for on a pipe: READ_DATA, WRITE_DATA, APPEND_DATA, READ_EA,
 * WRITE_EA, READ_ATTRIBUTES, WRITE_ATTRIBUTES, READ_CONTROL.
 */
export const PIPE_ACCESS = 0x0002019f;
const SHARE_READ_WRITE = 0x00000003;

/** An RpcPipe over an already open pipe handle; `close` closes the handle. */
export function rpcPipeFromOpen(open: Open, opts: IoOptions = {}): RpcPipe & { readonly open: Open } {
  return {
    open,
    transceive: (request, maxResponse) => open.transceive(request, maxResponse, opts),
    // The offset of a pipe READ/WRITE is ignored by the server (MS-SMB2 3.3.5.12 / 3.3.5.13).
    read: (max) => open.read(0, max, opts),
    write: async (data) => {
      let off = 0;
      while (off < data.length) {
        const n = await open.write(data.subarray(off), 0, opts);
        if (n <= 0) throw new Error(`pipe ${open.path}: WRITE accepted no bytes`);
        off += n;
      }
    },
    close: async () => {
      await open.close();
    },
  };
}

/** Opens named pipe `name` ("srvsvc", "wkssvc", "lsarpc" ...) on an IPC$ tree. */
export async function openRpcPipe(
  tree: Tree,
  name: string,
  opts: IoOptions = {},
): Promise<RpcPipe & { readonly open: Open }> {
  const open = await tree.create(name.replace(/^\\?(pipe\\)?/i, ""), {
    desiredAccess: PIPE_ACCESS,
    shareAccess: SHARE_READ_WRITE,
    signal: opts.signal,
  });
  return rpcPipeFromOpen(open, opts);
}

/**
 * The shares of the session's server through srvsvc NetrShareEnum: TREE_CONNECT to IPC$, open
 * \PIPE\srvsvc, enumerate, close the pipe and disconnect the tree. `serverName` defaults to the
 * connection's host.
 */
export async function listSharesOnSession(
  session: Session,
  opts: NetShareEnumOptions & IoOptions & { serverName?: string } = {},
): Promise<ShareInfo[]> {
  const tree = await session.connectTree("IPC$", { signal: opts.signal });
  try {
    const pipe = await openRpcPipe(tree, "srvsvc", opts);
    try {
      return await netShareEnum(pipe, opts.serverName ?? session.connection.host, opts);
    } finally {
      await pipe.close().catch(() => {});
    }
  } finally {
    await tree.disconnect().catch(() => {});
  }
}
