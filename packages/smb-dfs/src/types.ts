/**
 * The PathResolver plug-in interface of smb-client's high-level API (smb-client/src/fs/resolver.ts).
 * Mirrored structurally here until smb-client exports it from its index; smb-client never imports
 * smb-dfs, it only calls whatever object is passed as its `pathResolver` option.
 */
import type { Session, SmbError, SmbPath, Tree } from "smb-client";

export interface ResolverContext {
  readonly syscall: string;
  readonly signal: AbortSignal | undefined;
  readonly port: number;
  readonly domainController: string | undefined;
  readonly domain: string | undefined;
  tree(server: string, share: string, opts?: { port?: number }): Promise<Tree>;
  session(server: string, opts?: { port?: number }): Promise<Session>;
}

export interface PathResolver {
  resolve(path: SmbPath, ctx: ResolverContext): Promise<SmbPath[]>;
  refer(path: SmbPath, ctx: ResolverContext, err: SmbError): Promise<SmbPath[]>;
  targetFailed?(path: SmbPath, target: SmbPath, err: unknown, ctx: ResolverContext): void | Promise<void>;
}
