/**
 * The PathResolver plug-in interface of smb-client's high-level API (smb-client/src/fs/resolver.ts),
 * re-exported: smb-client never imports smb-dfs, it only calls whatever object is passed as its
 * `pathResolver` option.
 */
export type { PathResolver, ResolverContext } from "smb-client";
