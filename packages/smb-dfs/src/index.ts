/** smb-dfs: DFS referrals, referral cache, path resolution and target failover for smb-client. */
export const PACKAGE_NAME = "smb-dfs";
export type { GetReferralsOptions, Referral, ReferralKind, ReferralTarget } from "./referral.js";
export {
  consumedPrefix,
  getReferralResponse,
  getReferrals,
  interpretReferral,
  referralRequestName,
  splitDfsPath,
} from "./referral.js";
export type { CacheOptions, ReferralCacheEntry } from "./cache.js";
export { DomainCache, dfsKey, NegativeCache, ReferralCache, sameTarget } from "./cache.js";
export type { DfsOptions } from "./resolver.js";
export { DfsResolver, dfs, parseHostPort, uncOf } from "./resolver.js";
export type { PathResolver, ResolverContext } from "./types.js";
