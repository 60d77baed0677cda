/**
 * MS-SMB2 2.2.9 SMB2 TREE_CONNECT Request (with the 3.1.1 request extension, 2.2.9.1, and tree connect
 * contexts, 2.2.9.2) and 2.2.10 SMB2 TREE_CONNECT Response.
 */
import {
  constant,
  lengthOf,
  offsetOf,
  countOf,
  reserved,
  sizeFrom,
  tagOf,
  withDefault,
} from "../../codec/fields.js";
import { u8, u16, u32 } from "../../codec/primitives.js";
import { type Decoded, struct } from "../../codec/struct.js";
import { findVariant, type UnionValue, union } from "../../codec/union.js";
import { mapVar, utf16, varArray, varBytes } from "../../codec/variable.js";

/** 2.2.9 Flags (3.1.1; Reserved before). */
export const TreeConnectFlags = {
  CLUSTER_RECONNECT: 0x0001,
  REDIRECT_TO_OWNER: 0x0002,
  EXTENSION_PRESENT: 0x0004,
} as const;

/** 2.2.10 ShareType. */
export const ShareType = { DISK: 0x01, PIPE: 0x02, PRINT: 0x03 } as const;

/** 2.2.10 ShareFlags (the caching policy is the 2-bit field `ShareCaching`, not a flag). */
export const ShareFlags = {
  DFS: 0x00000001,
  DFS_ROOT: 0x00000002,
  RESTRICT_EXCLUSIVE_OPENS: 0x00000100,
  FORCE_SHARED_DELETE: 0x00000200,
  ALLOW_NAMESPACE_CACHING: 0x00000400,
  ACCESS_BASED_DIRECTORY_ENUM: 0x00000800,
  FORCE_LEVELII_OPLOCK: 0x00001000,
  ENABLE_HASH_V1: 0x00002000,
  ENABLE_HASH_V2: 0x00004000,
  ENCRYPT_DATA: 0x00008000,
  IDENTITY_REMOTING: 0x00040000,
  COMPRESS_DATA: 0x00100000,
  ISOLATED_TRANSPORT: 0x00200000,
} as const;

/** 2.2.10 ShareFlags caching policy: `flags & ShareCaching.MASK`. */
export const ShareCaching = {
  MANUAL: 0x00000000,
  AUTO: 0x00000010,
  VDO: 0x00000020,
  NONE: 0x00000030,
  MASK: 0x00000030,
} as const;

/** 2.2.10 Capabilities. */
export const ShareCapabilities = {
  DFS: 0x00000008,
  CONTINUOUS_AVAILABILITY: 0x00000010,
  SCALEOUT: 0x00000020,
  CLUSTER: 0x00000040,
  ASYMMETRIC: 0x00000080,
  REDIRECT_TO_OWNER: 0x00000100,
} as const;

/** 2.2.9.2 ContextType. */
export const TreeConnectContextType = { REMOTED_IDENTITY: 0x0001 } as const;

/**
 * 2.2.9.2.1 SMB2_REMOTED_IDENTITY_TREE_CONNECT context. The twelve u16 fields are offsets, from the
 * start of this structure, of the identity parts (SID_ATTR_DATA, SID_ARRAY_DATA, PRIVILEGE_ARRAY_DATA,
 * BLOB_DATA ... of 2.2.9.2.1.1-2.2.9.2.1.5) inside TicketInfo, which is kept raw here.
 */
export const RemotedIdentityTreeConnectContext = struct(
  "SMB2_REMOTED_IDENTITY_TREE_CONNECT",
  {
    ticketType: constant(u16, 0x0001),
    /** Total size of this structure. */
    ticketSize: sizeFrom(u16, "ticketType"),
    user: u16,
    userName: u16,
    domain: u16,
    groups: u16,
    restrictedGroups: u16,
    privileges: u16,
    primaryGroup: u16,
    owner: u16,
    defaultDacl: u16,
    deviceGroups: u16,
    userClaims: u16,
    deviceClaims: u16,
    ticketInfo: varBytes(),
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.9.2.1" },
);
export type RemotedIdentityTreeConnectContext = Decoded<typeof RemotedIdentityTreeConnectContext.fields>;

export const treeConnectContextVariants = {
  [TreeConnectContextType.REMOTED_IDENTITY]: RemotedIdentityTreeConnectContext,
} as const;
export type TreeConnectContext = UnionValue<typeof treeConnectContextVariants>;

/** 2.2.9.2 SMB2_TREE_CONNECT_CONTEXT. */
export const TreeConnectContextStruct = struct(
  "SMB2_TREE_CONNECT_CONTEXT",
  {
    contextType: tagOf("data", u16),
    dataLength: lengthOf("data", u16),
    reserved: reserved(4),
    data: union("tree connect context data", treeConnectContextVariants),
  },
  { spec: "MS-SMB2 2.2.9.2" },
);

/** 2.2.9 SMB2 TREE_CONNECT Request: Path is "\\server\share" in UTF-16LE. */
export const TreeConnectRequest = struct(
  "SMB2 TREE_CONNECT Request",
  {
    structureSize: constant(u16, 9),
    /** TreeConnectFlags (3.1.1), Reserved otherwise. Use TreeConnectRequestExtended for EXTENSION_PRESENT. */
    flags: withDefault(u16, 0),
    pathOffset: offsetOf("path", u16),
    pathLength: lengthOf("path", u16),
    path: utf16(),
  },
  { encodeBase: 64, minSize: 9, spec: "MS-SMB2 2.2.9" },
);
export type TreeConnectRequest = Decoded<typeof TreeConnectRequest.fields>;

/**
 * 2.2.9 with 2.2.9.1 SMB2 TREE_CONNECT Request Extension at the start of Buffer: the request when Flags
 * has EXTENSION_PRESENT (the caller sets that flag). PathOffset/PathLength locate the extension's
 * PathName; TreeConnectContextOffset counts from the start of the TREE_CONNECT request.
 */
export const TreeConnectRequestExtended = struct(
  "SMB2 TREE_CONNECT Request (extension)",
  {
    structureSize: constant(u16, 9),
    flags: u16,
    pathOffset: offsetOf("path", u16),
    pathLength: lengthOf("path", u16),
    treeConnectContextOffset: offsetOf("treeConnectContexts", u32, { from: "self", zeroIfEmpty: true }),
    treeConnectContextCount: countOf("treeConnectContexts", u16),
    reserved: reserved(10),
    path: utf16(),
    treeConnectContexts: mapVar(
      varArray(TreeConnectContextStruct, { align: 8, elementAlign: 8 }),
      (list): TreeConnectContext[] => list.map((e) => e.data),
      (list: TreeConnectContext[]) => list.map((data) => ({ data })),
    ),
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.9.1" },
);
export type TreeConnectRequestExtended = Decoded<typeof TreeConnectRequestExtended.fields>;

/** Decodes a received TREE_CONNECT request body in whichever form its Flags announce. */
export function decodeTreeConnectRequest(
  buf: Buffer,
  start = 0,
  end = buf.length,
  ctx?: { base: number },
): TreeConnectRequest | TreeConnectRequestExtended {
  const withExt =
    end - start >= 4 && (buf.readUInt16LE(start + 2) & TreeConnectFlags.EXTENSION_PRESENT) !== 0;
  return (withExt ? TreeConnectRequestExtended : TreeConnectRequest).decode(buf, start, end, ctx);
}

/** The remoted identity context of an extended request, if any. */
export function findTreeConnectContext<K extends keyof typeof treeConnectContextVariants>(
  list: readonly TreeConnectContext[],
  type: K,
): Decoded<(typeof treeConnectContextVariants)[K]["fields"]> | undefined {
  return findVariant<typeof treeConnectContextVariants, K>(list, type);
}

/** 2.2.10 SMB2 TREE_CONNECT Response. */
export const TreeConnectResponse = struct(
  "SMB2 TREE_CONNECT Response",
  {
    structureSize: constant(u16, 16),
    shareType: u8,
    reserved: reserved(1),
    shareFlags: u32,
    capabilities: u32,
    maximalAccess: u32,
  },
  { encodeBase: 64, spec: "MS-SMB2 2.2.10" },
);
export type TreeConnectResponse = Decoded<typeof TreeConnectResponse.fields>;
