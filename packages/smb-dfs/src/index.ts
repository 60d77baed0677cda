/** smb-dfs: DFS referrals, referral cache, path resolution and target failover for smb-client. */
export const PACKAGE_NAME = "smb-dfs";
