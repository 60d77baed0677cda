// A fake set of servers for resolver unit tests: each server has shares (some DFS) and answers
// FSCTL_DFS_GET_REFERRALS on IPC$ from a table; trees are minimal stand-ins for smb-client's Tree.
import type { SmbPath, Tree } from "smb-client";
import { SmbError } from "smb-client";
import {
  type DfsReferralEntry,
  DfsReferralEntryFlags,
  DfsReferralHeaderFlags,
  DfsServerType,
  encodeRespGetDfsReferral,
  FsctlCode,
  IoctlRequest,
  IoctlResponse,
  NtStatus,
  NULL_GUID,
  ReqGetDfsReferral,
  type RespGetDfsReferral,
} from "smb-structures";
import type { ResolverContext } from "../../src/index.js";

export interface FakeServer {
  /** share name (lower case) -> is DFS */
  shares: Record<string, boolean>;
  /** request name (lower case) -> response or NTSTATUS */
  referrals: Record<string, RespGetDfsReferral | number>;
  /** Unreachable (connection refused). */
  down?: boolean;
}

export class FakeWorld {
  servers = new Map<string, FakeServer>();
  /** Every referral request: "server:requestName". */
  requests: string[] = [];
  /** Every tree asked for: "server:port/share". */
  trees: string[] = [];

  server(name: string, s: Partial<FakeServer> = {}): FakeServer {
    const srv: FakeServer = {
      shares: { ipc$: false, ...s.shares },
      referrals: s.referrals ?? {},
      down: s.down,
    };
    this.servers.set(name.toLowerCase(), srv);
    return srv;
  }

  ctx(over: Partial<ResolverContext> = {}): ResolverContext {
    return {
      syscall: "open",
      signal: undefined,
      port: 445,
      domainController: undefined,
      domain: undefined,
      tree: async (server, share, opts) => this.tree(server, share, opts?.port),
      session: async () => {
        throw new Error("not used");
      },
      ...over,
    };
  }

  async tree(server: string, share: string, port?: number): Promise<Tree> {
    this.trees.push(`${server}:${port ?? ""}/${share}`);
    const srv = this.servers.get(server.toLowerCase());
    if (!srv || srv.down)
      throw Object.assign(new Error(`connect ECONNREFUSED ${server}`), { code: "ECONNREFUSED" });
    const isDfs = srv.shares[share.toLowerCase()];
    if (isDfs === undefined)
      throw new SmbError(NtStatus.STATUS_BAD_NETWORK_NAME, { path: `\\\\${server}\\${share}` });
    const connection = { negotiated: { maxTransactSize: 65536 } };
    const fake = {
      share,
      isDfs,
      connection,
      send: async (opts: { body: Buffer[] }) => {
        const req = IoctlRequest.decode(opts.body[0]!, 0, opts.body[0]!.length, { base: -64 });
        if (req.ctlCode === FsctlCode.FSCTL_DFS_GET_REFERRALS_EX)
          throw new SmbError(NtStatus.STATUS_FS_DRIVER_REQUIRED);
        const name = ReqGetDfsReferral.decode(req.input).requestFileName;
        this.requests.push(`${server}:${name}`);
        const answer = srv.referrals[name.toLowerCase()] ?? NtStatus.STATUS_NOT_FOUND;
        if (typeof answer === "number") throw new SmbError(answer, { path: name });
        const output = encodeRespGetDfsReferral(answer);
        const body = IoctlResponse.encode({
          ctlCode: req.ctlCode,
          fileId: req.fileId,
          input: Buffer.alloc(0),
          output,
        });
        return { status: 0, body };
      },
    };
    return fake as unknown as Tree;
  }
}

export function link(
  dfsPath: string,
  targets: string[],
  o: {
    ttl?: number;
    version?: 2 | 3 | 4;
    flags?: number;
    sets?: number[];
    root?: boolean;
    charsConsumed?: boolean;
  } = {},
): RespGetDfsReferral {
  const entries: DfsReferralEntry[] = targets.map((t, i) => ({
    versionNumber: o.version ?? 3,
    serverType: o.root ? DfsServerType.Root : DfsServerType.NonRoot,
    referralEntryFlags: o.sets?.includes(i) ? DfsReferralEntryFlags.TargetSetBoundary : 0,
    timeToLive: o.ttl ?? 600,
    proximity: 0,
    dfsPath,
    dfsAlternatePath: dfsPath,
    networkAddress: t,
    serviceSiteGuid: NULL_GUID,
  })) as DfsReferralEntry[];
  const H = DfsReferralHeaderFlags;
  return {
    pathConsumed: o.charsConsumed ? dfsPath.length : 2 * dfsPath.length,
    referralHeaderFlags: (o.flags ?? 0) | (o.root ? H.ReferralServers | H.StorageServers : H.StorageServers),
    referralEntries: entries,
  };
}

export function nameList(entries: [string, string[]][], ttl = 600): RespGetDfsReferral {
  return {
    pathConsumed: 0,
    referralHeaderFlags: 0,
    referralEntries: entries.map(([specialName, expandedNames]) => ({
      versionNumber: 3,
      serverType: 0,
      referralEntryFlags: DfsReferralEntryFlags.NameListReferral,
      timeToLive: ttl,
      specialName,
      expandedNames,
    })),
  };
}

export function p(server: string, share: string, path = "", port?: number): SmbPath {
  return port === undefined ? { server, share, path } : { server, share, path, port };
}

export const PNC = () => new SmbError(NtStatus.STATUS_PATH_NOT_COVERED);

/** "server/share/path[:port]" of candidates, for compact expectations. */
export function show(c: SmbPath[]): string[] {
  return c.map(
    (x) =>
      `${x.server}${x.share ? `/${x.share}` : ""}${x.path ? `/${x.path.replace(/\\/g, "/")}` : ""}${x.port ? `:${x.port}` : ""}`,
  );
}
