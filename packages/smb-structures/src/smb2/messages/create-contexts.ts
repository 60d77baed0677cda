/**
 * MS-SMB2 2.2.13.2 SMB2_CREATE_CONTEXT (requests) and 2.2.14.2 (responses): a NextEntryOffset chain of
 * {name, data}. Names are 4 ASCII characters or 16 binary bytes (the GUID-named contexts), kept as
 * latin1 strings so they compare with ===. The data layouts are declared below; `CreateContexts.x`
 * builds a context from a value (`make`) and reads one from a list (`find`).
 */
import { constant, lengthOf, nextEntryOffset, offsetOf, reserved } from "../../codec/fields.js";
import { u16, u32, u64 } from "../../codec/primitives.js";
import { type Decoded, type Fields, type Input, type Struct, struct } from "../../codec/struct.js";
import { chain, latin1, varBytes } from "../../codec/variable.js";
import { filetime } from "../../dtyp/filetime.js";
import { guid } from "../../dtyp/guid.js";
import { FileFullEaInformation } from "../../fscc/file-info.js";
import { fileId } from "../file-id.js";

const binaryName = (hex: string): string => Buffer.from(hex, "hex").toString("latin1");

/** The "ExtA" data: a FILE_FULL_EA_INFORMATION chain (MS-FSCC 2.4.15, declared in fscc/). */
export const CreateEaBuffer = struct(
  "SMB2_CREATE_EA_BUFFER",
  { entries: FileFullEaInformation },
  { spec: "MS-SMB2 2.2.13.2.1" },
);

/** 2.2.13.2 / 2.2.14.2 create context names. */
export const CreateContextName = {
  EA_BUFFER: "ExtA",
  SD_BUFFER: "SecD",
  DURABLE_HANDLE_REQUEST: "DHnQ",
  DURABLE_HANDLE_RECONNECT: "DHnC",
  ALLOCATION_SIZE: "AlSi",
  QUERY_MAXIMAL_ACCESS: "MxAc",
  TIMEWARP_TOKEN: "TWrp",
  QUERY_ON_DISK_ID: "QFid",
  /** Lease request/response, v1 (32 bytes of data) or v2 (52 bytes). */
  REQUEST_LEASE: "RqLs",
  DURABLE_HANDLE_REQUEST_V2: "DH2Q",
  DURABLE_HANDLE_RECONNECT_V2: "DH2C",
  /** 0x45BCA66AEFA7F74A9008FA462E144D74 (16 bytes). */
  APP_INSTANCE_ID: binaryName("45bca66aefa7f74a9008fa462e144d74"),
  /** 0xB982D0B73B56074FA07B524A8116A010 (16 bytes). */
  APP_INSTANCE_VERSION: binaryName("b982d0b73b56074fa07b524a8116a010"),
  /** MS-RSVD 2.2.4.12 SVHDX_OPEN_DEVICE_CONTEXT (16 bytes). */
  SVHDX_OPEN_DEVICE_CONTEXT: binaryName("9ccbcf9e04c1e643980e158da1f6ec83"),
} as const;

/** 2.2.13.2 SMB2_CREATE_CONTEXT: Name 8-aligned at offset 16, Data 8-aligned after it. */
export const CreateContextStruct = struct(
  "SMB2_CREATE_CONTEXT",
  {
    next: nextEntryOffset(),
    nameOffset: offsetOf("name", u16),
    nameLength: lengthOf("name", u16),
    reserved: reserved(2),
    dataOffset: offsetOf("data", u16, { zeroIfEmpty: true }),
    dataLength: lengthOf("data", u32),
    name: latin1(),
    data: varBytes({ align: 8 }),
  },
  { offsetsFrom: "self", spec: "MS-SMB2 2.2.13.2" },
);
/** One create context: its name and raw data (a view into the received message). */
export type CreateContext = Decoded<typeof CreateContextStruct.fields>;

/** The CREATE request/response Buffer part holding the contexts (8-byte aligned from the header). */
export function createContextList() {
  return chain(CreateContextStruct, { align: 8, entryAlign: 8 });
}

export function createContext(name: string, data: Buffer = Buffer.alloc(0)): CreateContext {
  return { name, data };
}
export function findCreateContext(list: readonly CreateContext[], name: string): CreateContext | undefined {
  return list.find((c) => c.name === name);
}

/** 2.2.13.1 / 2.2.14 lease states (LeaseState, CurrentLeaseState, NewLeaseState). */
export const LeaseState = {
  NONE: 0x00,
  READ_CACHING: 0x01,
  HANDLE_CACHING: 0x02,
  WRITE_CACHING: 0x04,
} as const;
/** 2.2.13.2.8 / 2.2.13.2.10 LeaseFlags. */
export const LeaseFlags = {
  BREAK_IN_PROGRESS: 0x00000002,
  PARENT_LEASE_KEY_SET: 0x00000004,
} as const;
/** 2.2.13.2.11 / 2.2.14.2.12 durable v2 Flags. */
export const DurableHandleFlags = { PERSISTENT: 0x00000002 } as const;

/** 2.2.13.2.3 SMB2_CREATE_DURABLE_HANDLE_REQUEST ("DHnQ"): 16 reserved bytes. */
export const DurableHandleRequest = struct(
  "SMB2_CREATE_DURABLE_HANDLE_REQUEST",
  { durableRequest: reserved(16) },
  { spec: "MS-SMB2 2.2.13.2.3" },
);
/** 2.2.14.2.3 SMB2_CREATE_DURABLE_HANDLE_RESPONSE ("DHnQ"): 8 reserved bytes. */
export const DurableHandleResponse = struct(
  "SMB2_CREATE_DURABLE_HANDLE_RESPONSE",
  { reserved: reserved(8) },
  { spec: "MS-SMB2 2.2.14.2.3" },
);
/** 2.2.13.2.4 SMB2_CREATE_DURABLE_HANDLE_RECONNECT ("DHnC"). */
export const DurableHandleReconnect = struct(
  "SMB2_CREATE_DURABLE_HANDLE_RECONNECT",
  { fileId },
  { spec: "MS-SMB2 2.2.13.2.4" },
);
/** 2.2.13.2.5 SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST ("MxAc") with a Timestamp (data may also be empty). */
export const QueryMaximalAccessRequest = struct(
  "SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST",
  { timestamp: filetime },
  { spec: "MS-SMB2 2.2.13.2.5" },
);
/** 2.2.14.2.5 SMB2_CREATE_QUERY_MAXIMAL_ACCESS_RESPONSE ("MxAc"). */
export const QueryMaximalAccessResponse = struct(
  "SMB2_CREATE_QUERY_MAXIMAL_ACCESS_RESPONSE",
  { queryStatus: u32, maximalAccess: u32 },
  { spec: "MS-SMB2 2.2.14.2.5" },
);
/** 2.2.13.2.6 SMB2_CREATE_ALLOCATION_SIZE ("AlSi"). */
export const AllocationSize = struct(
  "SMB2_CREATE_ALLOCATION_SIZE",
  { allocationSize: u64 },
  { spec: "MS-SMB2 2.2.13.2.6" },
);
/** 2.2.13.2.7 SMB2_CREATE_TIMEWARP_TOKEN ("TWrp"). */
export const TimewarpToken = struct(
  "SMB2_CREATE_TIMEWARP_TOKEN",
  { timestamp: filetime },
  { spec: "MS-SMB2 2.2.13.2.7" },
);
/** 2.2.14.2.9 SMB2_CREATE_QUERY_ON_DISK_ID response ("QFid"; the request has no data). */
export const QueryOnDiskIdResponse = struct(
  "SMB2_CREATE_QUERY_ON_DISK_ID",
  { diskFileId: u64, volumeId: u64, reserved: reserved(16) },
  { spec: "MS-SMB2 2.2.14.2.9" },
);
/** 2.2.13.2.8 SMB2_CREATE_REQUEST_LEASE and 2.2.14.2.10 response ("RqLs", 32 bytes). */
export const RequestLease = struct(
  "SMB2_CREATE_REQUEST_LEASE",
  { leaseKey: guid, leaseState: u32, leaseFlags: u32, leaseDuration: u64 },
  { spec: "MS-SMB2 2.2.13.2.8" },
);
/** 2.2.13.2.10 SMB2_CREATE_REQUEST_LEASE_V2 and 2.2.14.2.11 response ("RqLs", 52 bytes). */
export const RequestLeaseV2 = struct(
  "SMB2_CREATE_REQUEST_LEASE_V2",
  {
    leaseKey: guid,
    leaseState: u32,
    leaseFlags: u32,
    leaseDuration: u64,
    parentLeaseKey: guid,
    epoch: u16,
    reserved: reserved(2),
  },
  { spec: "MS-SMB2 2.2.13.2.10" },
);
/** 2.2.13.2.11 SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 ("DH2Q"). */
export const DurableHandleRequestV2 = struct(
  "SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2",
  { timeout: u32, flags: u32, reserved: reserved(8), createGuid: guid },
  { spec: "MS-SMB2 2.2.13.2.11" },
);
/** 2.2.14.2.12 SMB2_CREATE_DURABLE_HANDLE_RESPONSE_V2 ("DH2Q"). */
export const DurableHandleResponseV2 = struct(
  "SMB2_CREATE_DURABLE_HANDLE_RESPONSE_V2",
  { timeout: u32, flags: u32 },
  { spec: "MS-SMB2 2.2.14.2.12" },
);
/** 2.2.13.2.12 SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2 ("DH2C"). */
export const DurableHandleReconnectV2 = struct(
  "SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2",
  { fileId, createGuid: guid, flags: u32 },
  { spec: "MS-SMB2 2.2.13.2.12" },
);
/** 2.2.13.2.13 SMB2_CREATE_APP_INSTANCE_ID. */
export const AppInstanceId = struct(
  "SMB2_CREATE_APP_INSTANCE_ID",
  { structureSize: constant(u16, 20), reserved: reserved(2), appInstanceId: guid },
  { spec: "MS-SMB2 2.2.13.2.13" },
);
/** 2.2.13.2.15 SMB2_CREATE_APP_INSTANCE_VERSION. */
export const AppInstanceVersion = struct(
  "SMB2_CREATE_APP_INSTANCE_VERSION",
  {
    structureSize: constant(u16, 24),
    reserved: reserved(2),
    padding: reserved(4),
    appInstanceVersionHigh: u64,
    appInstanceVersionLow: u64,
  },
  { spec: "MS-SMB2 2.2.13.2.15" },
);

/** A create context whose data has a declared layout. */
export interface TypedCreateContext<F extends Fields> {
  readonly name: string;
  readonly struct: Struct<F>;
  make(value: Input<F>): CreateContext;
  parse(context: CreateContext): Decoded<F>;
  /** The first context of this name in `list`, decoded; undefined when absent. */
  find(list: readonly CreateContext[]): Decoded<F> | undefined;
}

function typed<F extends Fields>(name: string, s: Struct<F>, dataSize?: number): TypedCreateContext<F> {
  return {
    name,
    struct: s,
    make: (value) => createContext(name, s.encode(value)),
    parse: (c) => s.decode(c.data),
    find: (list) => {
      const c = list.find((x) => x.name === name && (dataSize === undefined || x.data.length === dataSize));
      return c && s.decode(c.data);
    },
  };
}

/** Typed encode/decode of each context (requests and responses share names, not layouts). */
export const CreateContexts = {
  /** "ExtA": the extended attributes to set on the new file (FILE_FULL_EA_INFORMATION list). */
  eaBuffer: typed(CreateContextName.EA_BUFFER, CreateEaBuffer),
  durableHandleRequest: typed(CreateContextName.DURABLE_HANDLE_REQUEST, DurableHandleRequest),
  durableHandleResponse: typed(CreateContextName.DURABLE_HANDLE_REQUEST, DurableHandleResponse),
  durableHandleReconnect: typed(CreateContextName.DURABLE_HANDLE_RECONNECT, DurableHandleReconnect),
  queryMaximalAccessRequest: typed(CreateContextName.QUERY_MAXIMAL_ACCESS, QueryMaximalAccessRequest),
  queryMaximalAccessResponse: typed(CreateContextName.QUERY_MAXIMAL_ACCESS, QueryMaximalAccessResponse),
  allocationSize: typed(CreateContextName.ALLOCATION_SIZE, AllocationSize),
  timewarpToken: typed(CreateContextName.TIMEWARP_TOKEN, TimewarpToken),
  queryOnDiskIdResponse: typed(CreateContextName.QUERY_ON_DISK_ID, QueryOnDiskIdResponse),
  /** v1 lease: `find` only matches 32-byte data. */
  lease: typed(CreateContextName.REQUEST_LEASE, RequestLease, 32),
  /** v2 lease: `find` only matches 52-byte data. */
  leaseV2: typed(CreateContextName.REQUEST_LEASE, RequestLeaseV2, 52),
  durableHandleRequestV2: typed(CreateContextName.DURABLE_HANDLE_REQUEST_V2, DurableHandleRequestV2),
  durableHandleResponseV2: typed(CreateContextName.DURABLE_HANDLE_REQUEST_V2, DurableHandleResponseV2),
  durableHandleReconnectV2: typed(CreateContextName.DURABLE_HANDLE_RECONNECT_V2, DurableHandleReconnectV2),
  appInstanceId: typed(CreateContextName.APP_INSTANCE_ID, AppInstanceId),
  appInstanceVersion: typed(CreateContextName.APP_INSTANCE_VERSION, AppInstanceVersion),
} as const;

/** "MxAc" without a timestamp, "QFid" and "SecD" (raw security descriptor bytes) need no layout. */
export const queryMaximalAccessContext = (): CreateContext =>
  createContext(CreateContextName.QUERY_MAXIMAL_ACCESS);
export const queryOnDiskIdContext = (): CreateContext => createContext(CreateContextName.QUERY_ON_DISK_ID);
export const securityDescriptorContext = (sd: Buffer): CreateContext =>
  createContext(CreateContextName.SD_BUFFER, sd);
