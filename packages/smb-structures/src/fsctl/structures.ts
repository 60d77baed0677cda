/**
 * FSCTL input/output buffers: MS-SMB2 2.2.31.x / 2.2.32.x (server-side copy, resume key, validate
 * negotiate, network interfaces, resiliency, snapshots, read hash) and MS-FSCC 2.3.x (pipes, sparse
 * files, allocated ranges, zero data, duplicate extents). GET/SET_REPARSE_POINT carry ReparseDataBuffer
 * (fscc/reparse.ts).
 */
import { SmbEncodeError } from "../codec/errors.js";
import { bool8 } from "../codec/extras.js";
import type { VarCodec } from "../codec/fields.js";
import { countOf, lengthOf, nextEntryOffset, reserved, withDefault } from "../codec/fields.js";
import type { FixedCodec } from "../codec/primitives.js";
import { bytes, i64, u16, u32, u64 } from "../codec/primitives.js";
import { type Decoded, type Input, struct } from "../codec/struct.js";
import { chain, utf16, varArray, varBytes } from "../codec/variable.js";
import { guid } from "../dtyp/guid.js";
import { fileId } from "../smb2/file-id.js";

/** MS-SMB2 2.2.31.1.1 SRV_COPYCHUNK: one range to copy. */
export const SrvCopychunk = struct(
  "SRV_COPYCHUNK",
  { sourceOffset: u64, targetOffset: u64, length: u32, reserved: reserved(4) },
  { spec: "MS-SMB2 2.2.31.1.1" },
);
export type SrvCopychunkValue = Decoded<typeof SrvCopychunk.fields>;

/** MS-SMB2 2.2.31.1 SRV_COPYCHUNK_COPY: FSCTL_SRV_COPYCHUNK(_WRITE) input. */
export const SrvCopychunkCopy = struct(
  "SRV_COPYCHUNK_COPY",
  {
    /** The 24-byte key from FSCTL_SRV_REQUEST_RESUME_KEY on the source file. */
    sourceKey: bytes(24),
    chunkCount: countOf("chunks", u32),
    reserved: reserved(4),
    chunks: varArray(SrvCopychunk),
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.31.1" },
);
export type SrvCopychunkCopyInput = Input<typeof SrvCopychunkCopy.fields>;

/**
 * MS-SMB2 2.2.32.1 SRV_COPYCHUNK_RESPONSE. On success the counts of what was written; on
 * STATUS_INVALID_PARAMETER the server's limits (ChunksWritten = max chunk count, ChunkBytesWritten = max
 * chunk size, TotalBytesWritten = max total size).
 */
export const SrvCopychunkResponse = struct(
  "SRV_COPYCHUNK_RESPONSE",
  { chunksWritten: u32, chunkBytesWritten: u32, totalBytesWritten: u32 },
  { spec: "MS-SMB2 2.2.32.1" },
);
export type SrvCopychunkResponseValue = Decoded<typeof SrvCopychunkResponse.fields>;

/** MS-SMB2 2.2.32.3 SRV_REQUEST_RESUME_KEY response: the resume key and an (empty) context. */
export const SrvRequestResumeKeyResponse = struct(
  "SRV_REQUEST_RESUME_KEY",
  { resumeKey: bytes(24), contextLength: lengthOf("context", u32), context: varBytes() },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.32.3" },
);

/** MS-SMB2 2.2.31.4 VALIDATE_NEGOTIATE_INFO request. */
export const ValidateNegotiateInfoRequest = struct(
  "VALIDATE_NEGOTIATE_INFO request",
  {
    capabilities: u32,
    guid,
    securityMode: u16,
    dialectCount: countOf("dialects", u16),
    dialects: varArray(u16),
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.31.4" },
);
export type ValidateNegotiateInfoRequestValue = Decoded<typeof ValidateNegotiateInfoRequest.fields>;

/** MS-SMB2 2.2.32.6 VALIDATE_NEGOTIATE_INFO response. */
export const ValidateNegotiateInfoResponse = struct(
  "VALIDATE_NEGOTIATE_INFO response",
  { capabilities: u32, guid, securityMode: u16, dialect: u16 },
  { spec: "MS-SMB2 2.2.32.6" },
);
export type ValidateNegotiateInfoResponseValue = Decoded<typeof ValidateNegotiateInfoResponse.fields>;

/** MS-SMB2 2.2.32.5.1 SOCKADDR_STORAGE Family values. */
export const SockaddrFamily = {
  InterNetwork: 0x0002,
  InterNetworkV6: 0x0017,
} as const;

/** A decoded SOCKADDR_STORAGE: IPv4/IPv6 in text form; other families keep their 126 raw bytes. */
export type SockaddrStorage =
  | { family: typeof SockaddrFamily.InterNetwork; port: number; address: string }
  | {
      family: typeof SockaddrFamily.InterNetworkV6;
      port: number;
      flowInfo: number;
      address: string;
      scopeId: number;
    }
  | { family: number; raw: Buffer };

function ipv6ToString(b: Buffer, o: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(o + i * 2).toString(16));
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

function ipv6ToBytes(s: string, b: Buffer, o: number): void {
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill("0");
  const all = [...h, ...fill, ...t];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
    throw new SmbEncodeError("SOCKADDR_IN6", "address", `not an IPv6 address: ${s}`);
  }
  for (const [i, g] of all.entries()) b.writeUInt16BE(Number.parseInt(g, 16), o + i * 2);
}

/**
 * MS-SMB2 2.2.32.5.1 SOCKADDR_STORAGE (128 bytes): Family, then SOCKADDR_IN (Port, IPv4Address,
 * 8 reserved) or SOCKADDR_IN6 (Port, FlowInfo, IPv6Address, ScopeId). Port and addresses in network
 * byte order.
 */
export const sockaddrStorage: FixedCodec<SockaddrStorage> = {
  kind: "fixed",
  size: 128,
  read: (b, o) => {
    const family = b.readUInt16LE(o);
    if (family === SockaddrFamily.InterNetwork) {
      return {
        family,
        port: b.readUInt16BE(o + 2),
        address: `${b[o + 4]}.${b[o + 5]}.${b[o + 6]}.${b[o + 7]}`,
      };
    }
    if (family === SockaddrFamily.InterNetworkV6) {
      return {
        family,
        port: b.readUInt16BE(o + 2),
        flowInfo: b.readUInt32BE(o + 4),
        address: ipv6ToString(b, o + 8),
        scopeId: b.readUInt32LE(o + 24),
      };
    }
    return { family, raw: b.subarray(o + 2, o + 128) };
  },
  write: (b, o, v) => {
    b.fill(0, o, o + 128);
    b.writeUInt16LE(v.family, o);
    if ("raw" in v) {
      b.set(v.raw.subarray(0, 126), o + 2);
      return;
    }
    b.writeUInt16BE(v.port, o + 2);
    if (v.family === SockaddrFamily.InterNetwork) {
      const parts = v.address.split(".").map(Number);
      if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
        throw new SmbEncodeError("SOCKADDR_IN", "address", `not an IPv4 address: ${v.address}`);
      }
      parts.forEach((p, i) => {
        b[o + 4 + i] = p;
      });
      return;
    }
    const v6 = v as Extract<SockaddrStorage, { flowInfo: number }>;
    b.writeUInt32BE(v6.flowInfo, o + 4);
    ipv6ToBytes(v6.address, b, o + 8);
    b.writeUInt32LE(v6.scopeId, o + 24);
  },
};

/** MS-SMB2 2.2.32.5 NETWORK_INTERFACE_INFO Capability. */
export const NetworkInterfaceCapability = {
  RSS_CAPABLE: 0x00000001,
  RDMA_CAPABLE: 0x00000002,
} as const;

/** MS-SMB2 2.2.32.5 NETWORK_INTERFACE_INFO entry (152 bytes); FSCTL_QUERY_NETWORK_INTERFACE_INFO output. */
export const NetworkInterfaceInfoEntry = struct(
  "NETWORK_INTERFACE_INFO",
  {
    next: nextEntryOffset(),
    ifIndex: u32,
    capability: u32,
    reserved: reserved(4),
    /** Bits per second. */
    linkSpeed: u64,
    sockaddr: sockaddrStorage,
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.32.5" },
);
export const NetworkInterfaceInfo = chain(NetworkInterfaceInfoEntry, { entryAlign: 8 });
export type NetworkInterfaceInfoValue = Decoded<typeof NetworkInterfaceInfoEntry.fields>;

/** MS-SMB2 2.2.31.3 NETWORK_RESILIENCY_REQUEST (FSCTL_LMR_REQUEST_RESILIENCY): timeout in ms. */
export const NetworkResiliencyRequest = struct(
  "NETWORK_RESILIENCY_REQUEST",
  { timeout: u32, reserved: reserved(4) },
  { spec: "MS-SMB2 2.2.31.3" },
);

/** MS-SMB2 2.2.31.2 SRV_READ_HASH request. */
export const SrvReadHashRequest = struct(
  "SRV_READ_HASH",
  {
    hashType: withDefault(u32, 1),
    hashVersion: u32,
    hashRetrievalType: u32,
    length: u32,
    offset: u64,
  },
  { spec: "MS-SMB2 2.2.31.2" },
);

/** MS-SMB2 2.2.31.2 SRV_READ_HASH constants. */
export const SrvReadHash = {
  SRV_HASH_TYPE_PEER_DIST: 0x00000001,
  SRV_HASH_VER_1: 0x00000001,
  SRV_HASH_VER_2: 0x00000002,
  SRV_HASH_RETRIEVE_HASH_BASED: 0x00000001,
  SRV_HASH_RETRIEVE_FILE_BASED: 0x00000002,
} as const;

/**
 * The snapshot names of SRV_SNAPSHOT_ARRAY: NUL-terminated UTF-16 "@GMT-YYYY.MM.DD-HH.MM.SS" strings
 * followed by one more NUL (MS-SMB2 2.2.32.2).
 */
const snapshotNames: VarCodec<string[]> = {
  kind: "var",
  align: 1,
  zeroCopy: false,
  empty: [],
  structure: "SnapShots",
  decode: (buf, start, end) => {
    const text = buf.toString("utf16le", start, start + ((end - start) & ~1));
    const names = text.split("\0").filter((s) => s.length > 0);
    return { value: names, end };
  },
  size: (v) => (v.length === 0 ? 0 : v.reduce((n, s) => n + s.length * 2 + 2, 2)),
  write: (buf, off, v) => {
    let p = off;
    for (const s of v) {
      p += buf.write(s, p, "utf16le");
      buf.writeUInt16LE(0, p);
      p += 2;
    }
    if (v.length) buf.writeUInt16LE(0, p);
  },
};

/** MS-SMB2 2.2.32.2 SRV_SNAPSHOT_ARRAY (FSCTL_SRV_ENUMERATE_SNAPSHOTS output). */
export const SrvSnapshotArray = struct(
  "SRV_SNAPSHOT_ARRAY",
  {
    /** How many snapshots exist (may exceed the number returned when the buffer was too small). */
    numberOfSnapShots: u32,
    numberOfSnapShotsReturned: u32,
    snapShotArraySize: lengthOf("snapShots", u32),
    snapShots: snapshotNames,
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.32.2" },
);

/** MS-FSCC 2.3.30 FSCTL_PIPE_PEEK reply: pipe state, bytes available, message counts, then data. */
export const PipePeekResponse = struct(
  "FSCTL_PIPE_PEEK reply",
  {
    namedPipeState: u32,
    readDataAvailable: u32,
    numberOfMessages: u32,
    messageLength: u32,
    data: varBytes(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.3.30" },
);

/** MS-FSCC 2.3.30 NamedPipeState values. */
export const NamedPipeState = {
  FILE_PIPE_DISCONNECTED_STATE: 0x00000001,
  FILE_PIPE_LISTENING_STATE: 0x00000002,
  FILE_PIPE_CONNECTED_STATE: 0x00000003,
  FILE_PIPE_CLOSING_STATE: 0x00000004,
} as const;

/** MS-FSCC 2.3.31 FSCTL_PIPE_WAIT request: wait for an instance of pipe `name` (no "\\pipe\\" prefix). */
export const PipeWaitRequest = struct(
  "FSCTL_PIPE_WAIT request",
  {
    /** 100-ns units (negative: relative), used when timeoutSpecified. */
    timeout: withDefault(i64, 0n),
    nameLength: lengthOf("name", u32),
    timeoutSpecified: withDefault(bool8, false),
    padding: reserved(1),
    name: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.3.31" },
);

/** MS-FSCC 2.3.33 FILE_ALLOCATED_RANGE_BUFFER (FSCTL_QUERY_ALLOCATED_RANGES input; output is an array). */
export const FileAllocatedRangeBuffer = struct(
  "FILE_ALLOCATED_RANGE_BUFFER",
  { fileOffset: i64, length: i64 },
  { spec: "MS-FSCC 2.3.33" },
);
/** FSCTL_QUERY_ALLOCATED_RANGES output: FILE_ALLOCATED_RANGE_BUFFER entries filling the buffer. */
export const AllocatedRanges = struct(
  "FSCTL_QUERY_ALLOCATED_RANGES reply",
  { ranges: varArray(FileAllocatedRangeBuffer) },
  { spec: "MS-FSCC 2.3.34" },
);

/** MS-FSCC 2.3.71 FILE_ZERO_DATA_INFORMATION (FSCTL_SET_ZERO_DATA): zero [fileOffset, beyondFinalZero). */
export const FileZeroDataInformation = struct(
  "FILE_ZERO_DATA_INFORMATION",
  { fileOffset: i64, beyondFinalZero: i64 },
  { spec: "MS-FSCC 2.3.71" },
);

/** MS-FSCC 2.3.64 FILE_SET_SPARSE_BUFFER (optional FSCTL_SET_SPARSE input; absent means "set"). */
export const FileSetSparseBuffer = struct(
  "FILE_SET_SPARSE_BUFFER",
  { setSparse: bool8 },
  { spec: "MS-FSCC 2.3.64" },
);

/** MS-FSCC 2.3.8 DUPLICATE_EXTENTS_DATA (FSCTL_DUPLICATE_EXTENTS_TO_FILE), SMB2 form with an SMB2_FILEID. */
export const DuplicateExtentsData = struct(
  "DUPLICATE_EXTENTS_DATA",
  { fileHandle: fileId, sourceFileOffset: i64, targetFileOffset: i64, byteCount: i64 },
  { spec: "MS-FSCC 2.3.8" },
);

/** MS-FSCC 2.3.53 / 2.3.52 FSCTL_GET/SET_INTEGRITY_INFORMATION buffers are small fixed structs. */
export const FsctlGetIntegrityInformationReply = struct(
  "FSCTL_GET_INTEGRITY_INFORMATION_BUFFER",
  {
    checksumAlgorithm: u16,
    reserved: reserved(2),
    flags: u32,
    checksumChunkSizeInBytes: u32,
    clusterSizeInBytes: u32,
  },
  { spec: "MS-FSCC 2.3.52" },
);

/** MS-FSCC 2.3.18 FSCTL_GET_COMPRESSION reply / 2.3.67 FSCTL_SET_COMPRESSION request. */
export const CompressionState = struct(
  "COMPRESSION_STATE",
  { compressionState: u16 },
  { spec: "MS-FSCC 2.3.18" },
);
