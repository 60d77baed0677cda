/**
 * DFS referral requests (MS-DFSC 3.1.4.2 / MS-SMB2 3.2.4.20.3): FSCTL_DFS_GET_REFERRALS (or _EX) sent as
 * an SMB2 IOCTL on an IPC$ tree with the FileId {0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF} (there is no open
 * handle), and the decoded response turned into a `Referral`: what part of the request path it covers,
 * what kind of referral it is, its targets (grouped by TargetSetBoundary), and its time to live.
 */
import { type Tree, SmbError } from "smb-client";
import {
  Command,
  DfsReferralEntryFlags,
  DfsReferralHeaderFlags,
  DfsServerType,
  type DfsReferralEntry,
  decodeRespGetDfsReferral,
  encodeReqGetDfsReferralEx,
  FsctlCode,
  IoctlFlags,
  IoctlRequest,
  IoctlResponse,
  isNameListReferral,
  NtStatus,
  RELATED_FILE_ID,
  ReqGetDfsReferral,
  type RespGetDfsReferral,
} from "smb-structures";

/** What a referral answers (MS-DFSC 3.1.4.2). */
export type ReferralKind =
  /** Request "": the trusted domains (name list). */
  | "domain"
  /** Request "\domain": the domain controllers of a domain (name list). */
  | "dc"
  /** Request "\domain\SYSVOL" or "\domain\NETLOGON": the DCs serving the special share. */
  | "sysvol"
  /** A DFS root ("\server\root" or "\domain\root"): its root targets. */
  | "root"
  /** A link inside a root: its storage targets. */
  | "link";

export interface ReferralTarget {
  /** The target as sent: "\server\share[\path]" (NetworkAddress). */
  address: string;
  server: string;
  share: string;
  /** The path inside the share the target points at, backslash-separated, "" for the share root. */
  path: string;
  /** Index of the target set (v4 TargetSetBoundary: targets in one set are equivalent). */
  set: number;
  /** The entry's ServerType is root (the target is a DFS root server). */
  isRoot: boolean;
}

export interface Referral {
  kind: ReferralKind;
  /**
   * The part of the request path the referral covers ("\server\root\link", no trailing separator), as
   * taken from the request, so it matches the request's spelling.
   */
  dfsPath: string;
  /** The DFSPath of the first entry as the server returned it ("" for name lists and v1). */
  serverDfsPath: string;
  /** Time to live in seconds (of the first entry; v1 entries carry none: 0). */
  ttl: number;
  /** Referral version of the entries (1..4). */
  version: number;
  /** R: the targets are DFS root servers (further referrals go to them). */
  referralServers: boolean;
  /** S: the targets are storage servers. */
  storageServers: boolean;
  /** T: target failback enabled (v4). */
  targetFailback: boolean;
  /** Targets in the server's order (empty for name lists). */
  targets: ReferralTarget[];
  /** Name lists (domain and DC referrals): SpecialName. */
  specialName?: string;
  /** Name lists: ExpandedNames (the DC names of a DC referral). */
  expandedNames?: string[];
  /** Domain referral: every entry's SpecialName with its ExpandedNames. */
  nameList?: { specialName: string; expandedNames: string[] }[];
  /** PathConsumed from the response, in bytes. */
  pathConsumed: number;
  /** The raw decoded response. */
  response: RespGetDfsReferral;
}

export interface GetReferralsOptions {
  /** Highest referral version understood (1..4, default 4). */
  maxLevel?: number;
  /**
   * FSCTL_DFS_GET_REFERRALS_EX: "auto" (default) tries it first once per connection and falls back to
   * FSCTL_DFS_GET_REFERRALS when the server refuses it (Samba: STATUS_FS_DRIVER_REQUIRED); true forces
   * it (no fallback); false never sends it.
   */
  ex?: boolean | "auto";
  /** The client's site name (sent only with _EX). */
  siteName?: string;
  /** Largest response accepted (bytes); the request starts smaller and grows on BUFFER_OVERFLOW. */
  maxOutputResponse?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Connections (by identity) that refused FSCTL_DFS_GET_REFERRALS_EX. */
const noEx = new WeakSet<object>();

/** Statuses meaning "this server does not do _EX". */
const EX_UNSUPPORTED: readonly number[] = [
  NtStatus.STATUS_FS_DRIVER_REQUIRED,
  NtStatus.STATUS_NOT_SUPPORTED,
  NtStatus.STATUS_INVALID_DEVICE_REQUEST,
  NtStatus.STATUS_NOT_IMPLEMENTED,
  NtStatus.STATUS_INVALID_PARAMETER,
];

const FIRST_OUTPUT = 8 * 1024;
const MAX_OUTPUT = 64 * 1024;

/**
 * Sends FSCTL_DFS_GET_REFERRALS(_EX) for `path` on `ipc` (a Tree connected to IPC$) and returns the raw
 * decoded response. `path` is the MS-DFSC RequestFileName: "" (domain referral), "\domain" (DC
 * referral), "\server\share[\path]" (root/link/sysvol); a "\\server\..." or "//server/..." spelling is
 * normalised to one leading backslash. Errors are SmbError with the server's status
 * (STATUS_NOT_FOUND: not a DFS path; STATUS_PATH_NOT_COVERED ...).
 */
export async function getReferralResponse(
  ipc: Tree,
  path: string,
  opts: GetReferralsOptions = {},
): Promise<{ response: RespGetDfsReferral; requestName: string; ex: boolean }> {
  const requestName = referralRequestName(path);
  const maxLevel = opts.maxLevel ?? 4;
  if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 4) {
    throw new RangeError(`maxLevel must be 1..4, got ${maxLevel}`);
  }
  const conn = ipc.connection;
  const exMode = opts.ex ?? "auto";
  const useEx = exMode === true || (exMode === "auto" && !noEx.has(conn));
  if (useEx) {
    try {
      const response = await sendReferralIoctl(ipc, true, requestName, maxLevel, opts);
      return { response, requestName, ex: true };
    } catch (err) {
      if (exMode === true || !(err instanceof SmbError) || !EX_UNSUPPORTED.includes(err.status)) throw err;
      noEx.add(conn);
    }
  }
  const response = await sendReferralIoctl(ipc, false, requestName, maxLevel, opts);
  return { response, requestName, ex: false };
}

/** getReferralResponse, interpreted: the referral's kind, covered prefix, targets and TTL. */
export async function getReferrals(
  ipc: Tree,
  path: string,
  opts: GetReferralsOptions = {},
): Promise<Referral> {
  const { response, requestName } = await getReferralResponse(ipc, path, opts);
  return interpretReferral(requestName, response);
}

async function sendReferralIoctl(
  ipc: Tree,
  ex: boolean,
  requestName: string,
  maxLevel: number,
  opts: GetReferralsOptions,
): Promise<RespGetDfsReferral> {
  const input = ex
    ? encodeReqGetDfsReferralEx({
        maxReferralLevel: maxLevel,
        requestFileName: requestName,
        siteName: opts.siteName,
      })
    : ReqGetDfsReferral.encode({ maxReferralLevel: maxLevel, requestFileName: requestName });
  const limit = Math.min(opts.maxOutputResponse ?? MAX_OUTPUT, ipc.connection.negotiated.maxTransactSize);
  let size = Math.min(FIRST_OUTPUT, limit);
  for (;;) {
    const res = await ipc.send({
      command: Command.IOCTL,
      body: [
        IoctlRequest.encode({
          ctlCode: ex ? FsctlCode.FSCTL_DFS_GET_REFERRALS_EX : FsctlCode.FSCTL_DFS_GET_REFERRALS,
          fileId: RELATED_FILE_ID,
          input,
          maxOutputResponse: size,
          flags: IoctlFlags.IS_FSCTL,
        }),
      ],
      expectedResponseSize: size,
      accept: [NtStatus.STATUS_BUFFER_OVERFLOW],
      path: requestName,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    if (res.status === NtStatus.STATUS_BUFFER_OVERFLOW) {
      // MS-DFSC 3.1.5.4.1: a bigger buffer is needed; retry until the limit.
      if (size >= limit) throw new SmbError(res.status, { command: Command.IOCTL, path: requestName });
      size = Math.min(size * 4, limit);
      continue;
    }
    const out = IoctlResponse.decode(res.body, 0, res.body.length, { base: -64 }).output;
    return decodeRespGetDfsReferral(out);
  }
}

/**
 * The RequestFileName for a path: one leading backslash, backslash separators, no trailing separator.
 * "" stays "" (domain referral).
 */
export function referralRequestName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== "");
  return parts.length === 0 ? "" : `\\${parts.join("\\")}`;
}

/** Splits "\server\share\a\b" (any separators) into components. */
export function splitDfsPath(path: string): string[] {
  return path.split(/[\\/]+/).filter((p) => p !== "");
}

const SPECIAL_SHARES = new Set(["sysvol", "netlogon"]);

/**
 * Interprets a decoded response for `requestName`: kind, the covered prefix (see `consumedPrefix`),
 * targets with their set index, TTL. Throws SmbError STATUS_NOT_FOUND for an empty referral.
 */
export function interpretReferral(requestName: string, response: RespGetDfsReferral): Referral {
  const entries = response.referralEntries;
  const first = entries[0];
  if (!first) throw new SmbError(NtStatus.STATUS_NOT_FOUND, { path: requestName, detail: "empty referral" });
  const hf = response.referralHeaderFlags;
  const common = {
    version: first.versionNumber,
    referralServers: !!(hf & DfsReferralHeaderFlags.ReferralServers),
    storageServers: !!(hf & DfsReferralHeaderFlags.StorageServers),
    targetFailback: !!(hf & DfsReferralHeaderFlags.TargetFailback),
    pathConsumed: response.pathConsumed,
    response,
  };
  const parts = splitDfsPath(requestName);
  if (isNameListReferral(first)) {
    const nameList = entries.filter(isNameListReferral).map((e) => ({
      specialName: e.specialName,
      expandedNames: e.expandedNames,
    }));
    return {
      ...common,
      kind: parts.length === 0 ? "domain" : "dc",
      dfsPath: requestName,
      serverDfsPath: "",
      ttl: first.timeToLive,
      targets: [],
      specialName: first.specialName,
      expandedNames: first.expandedNames,
      nameList,
    };
  }
  const serverDfsPath = "dfsPath" in first ? first.dfsPath : "";
  const dfsPath = consumedPrefix(requestName, response.pathConsumed, serverDfsPath);
  const targets: ReferralTarget[] = [];
  let set = -1;
  entries.forEach((e, i) => {
    if (isNameListReferral(e)) return;
    const address = e.versionNumber === 1 ? e.shareName : e.networkAddress;
    if (i === 0 || e.referralEntryFlags & DfsReferralEntryFlags.TargetSetBoundary) set++;
    if (set < 0) set = 0;
    const [server = "", share = "", ...rest] = splitDfsPath(address);
    targets.push({
      address,
      server,
      share,
      path: rest.join("\\"),
      set,
      isRoot: e.serverType === DfsServerType.Root,
    });
  });
  const covered = splitDfsPath(dfsPath);
  let kind: ReferralKind;
  if (covered.length === 2 && SPECIAL_SHARES.has(covered[1]!.toLowerCase()) && first.versionNumber >= 3) {
    kind = first.serverType === DfsServerType.Root ? "root" : "sysvol";
  } else if (first.serverType === DfsServerType.Root || covered.length <= 2) kind = "root";
  else kind = "link";
  return {
    ...common,
    kind,
    dfsPath,
    serverDfsPath,
    ttl: ttlOf(first),
    targets,
  };
}

function ttlOf(e: DfsReferralEntry): number {
  return "timeToLive" in e ? e.timeToLive : 0;
}

/**
 * The prefix of `requestName` a referral covers. MS-DFSC 2.2.4: PathConsumed is the number of BYTES of
 * the UTF-16 request name the referral matched, but some servers count characters. Sane handling: the
 * candidates are PathConsumed/2 (bytes) and PathConsumed (characters); each must end on a component
 * boundary of the request. The returned DFSPath (compared case-insensitively) decides between them and
 * is used when neither fits. Never shorter than "\server\share" unless the request itself is.
 */
export function consumedPrefix(requestName: string, pathConsumed: number, serverDfsPath = ""): string {
  const req = requestName;
  const boundary = (n: number) => n > 0 && n <= req.length && (n === req.length || req[n] === "\\");
  const dfsParts = splitDfsPath(serverDfsPath);
  const reqParts = splitDfsPath(req);
  // The returned DFSPath as a prefix of the request, component-wise, case-insensitively.
  let dfsChars = -1;
  if (dfsParts.length > 0 && dfsParts.length <= reqParts.length) {
    const same = dfsParts.every((p, i) => p.toLowerCase() === reqParts[i]!.toLowerCase());
    if (same) dfsChars = reqParts.slice(0, dfsParts.length).join("\\").length + 1;
  }
  const candidates = [pathConsumed / 2, pathConsumed].filter((n) => Number.isInteger(n) && boundary(n));
  let n: number | undefined;
  if (dfsChars > 0 && candidates.includes(dfsChars)) n = dfsChars;
  else if (candidates.length > 0) {
    // Bytes first (the spec), unless the DFSPath says otherwise.
    n = candidates[0]!;
  } else if (dfsChars > 0) n = dfsChars;
  else {
    // Neither: the longest component boundary not beyond PathConsumed/2, at least "\server\share".
    const limit = Math.floor(pathConsumed / 2);
    n = 0;
    for (let i = Math.min(limit, req.length); i > 0; i--) {
      if (boundary(i)) {
        n = i;
        break;
      }
    }
  }
  const min = reqParts.slice(0, 2).join("\\").length + 1;
  if (reqParts.length >= 2 && n < min) n = min;
  return req.slice(0, n);
}
