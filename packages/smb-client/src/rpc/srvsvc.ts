/**
 * MS-SRVS (Server Service Remote Protocol) over \PIPE\srvsvc: NetrShareEnum (opnum 15, MS-SRVS 3.1.4.8)
 * at level 1 (SHARE_INFO_1, 2.2.4.23): share name, type and remark, which any authenticated user may ask
 * for. Samba's IDL calls the same operation NetShareEnumAll.
 *
 *   NET_API_STATUS NetrShareEnum(
 *     [in, string, unique] SRVSVC_HANDLE ServerName,     // wchar_t*
 *     [in, out] LPSHARE_ENUM_STRUCT InfoStruct,          // { Level; [switch_is(Level)] union ShareInfo }
 *     [in] DWORD PreferedMaximumLength,
 *     [out] DWORD* TotalEntries,
 *     [in, out, unique] DWORD* ResumeHandle);
 */
import { RpcClient, type RpcClientOptions } from "./client.js";
import { hex32, RpcError, WERROR, werrorName } from "./errors.js";
import { NdrReader, NdrWriter } from "./ndr.js";
import type { SyntaxId } from "./pdu.js";
import type { RpcPipe } from "./pipe.js";

/** The srvsvc interface (MS-SRVS 1.9): 4B324FC8-1670-01D3-1278-5A47BF6EE188 version 3.0. */
export const SRVSVC_SYNTAX: SyntaxId = {
  uuid: "4b324fc8-1670-01d3-1278-5a47bf6ee188",
  version: 3,
  versionMinor: 0,
};

export const SrvsvcOpnum = { NetrShareEnum: 15 } as const;

/** shi1_type values (MS-SRVS 2.2.2.4): a base type in the low byte (STYPE_MASK) plus flags. */
export const Stype = {
  DISKTREE: 0x00000000,
  PRINTQ: 0x00000001,
  DEVICE: 0x00000002,
  IPC: 0x00000003,
  MASK: 0x000000ff,
  CLUSTER_FS: 0x02000000,
  CLUSTER_SOFS: 0x04000000,
  CLUSTER_DFS: 0x08000000,
  TEMPORARY: 0x40000000,
  SPECIAL: 0x80000000,
} as const;

/** One share as listShares / `smb shares` report it. */
export interface ShareInfo {
  name: string;
  /** The base type; "unknown" for a base type MS-SRVS does not define. */
  type: "disk" | "printer" | "device" | "ipc" | "unknown";
  /** STYPE_SPECIAL: an administrative share (IPC$, ADMIN$, C$ ...). */
  special: boolean;
  /** STYPE_TEMPORARY. */
  temporary: boolean;
  remark: string;
  /** shi1_type as sent. */
  rawType: number;
}

/** SHARE_INFO_1 as on the wire. */
export interface ShareInfo1 {
  netname: string;
  type: number;
  remark: string;
}

export interface NetrShareEnumRequest {
  /** ServerName exactly as sent ("\\\\server"); null sends a NULL pointer (the server itself). */
  serverName: string | null;
  preferedMaximumLength?: number;
  /** null sends a NULL ResumeHandle pointer; default 0 (start). */
  resumeHandle?: number | null;
}

export interface NetrShareEnumResponse {
  level: number;
  entries: ShareInfo1[];
  totalEntries: number;
  /** null when the server returned a NULL ResumeHandle. */
  resumeHandle: number | null;
  /** The WERROR (NET_API_STATUS) return value. */
  status: number;
}

const LEVEL = 1;

/** The request stub of NetrShareEnum at level 1 with an empty container (MS-SRVS 3.1.4.8). */
export function encodeNetrShareEnumRequest(req: NetrShareEnumRequest): Buffer {
  const w = new NdrWriter();
  w.construct(() => w.uniquePtr(req.serverName, (s) => w.wstring(s)));
  // InfoStruct ([ref], so in place): Level, then the union's discriminant and its arm, a unique pointer to
  // SHARE_INFO_1_CONTAINER { EntriesRead 0, Buffer NULL }.
  w.construct(() => {
    w.u32(LEVEL);
    w.u32(LEVEL);
    w.uniquePtr({}, () => {
      w.u32(0);
      w.u32(0);
    });
  });
  w.u32(req.preferedMaximumLength ?? 0xffffffff);
  w.construct(() => w.uniquePtr(req.resumeHandle === undefined ? 0 : req.resumeHandle, (h) => w.u32(h)));
  return w.finish();
}

/** Parses the NetrShareEnum response stub (level 1). */
export function decodeNetrShareEnumResponse(stub: Buffer): NetrShareEnumResponse {
  const r = new NdrReader(stub, "NetrShareEnum response");
  const { level, container } = r.construct(() => {
    const level = r.u32("InfoStruct.Level");
    const arm = r.u32("InfoStruct.ShareInfo");
    if (arm !== level) throw r.fail("InfoStruct.ShareInfo", `union arm ${arm} does not match level ${level}`);
    if (level !== LEVEL) {
      throw new RpcError("ERR_RPC_PROTOCOL", `NetrShareEnum answered level ${level}, asked for ${LEVEL}`);
    }
    const container = r.uniquePtr(() => {
      const entriesRead = r.u32("SHARE_INFO_1_CONTAINER.EntriesRead");
      const buffer = r.uniquePtr(
        () =>
          r.conformantArray(
            () => {
              const e: { netname: string | null; type: number; remark: string | null } = {
                netname: null,
                type: 0,
                remark: null,
              };
              const name = r.uniquePtr(() => r.wstring("shi1_netname"), "shi1_netname");
              e.type = r.u32("shi1_type");
              const remark = r.uniquePtr(() => r.wstring("shi1_remark"), "shi1_remark");
              return { e, name, remark };
            },
            12,
            "SHARE_INFO_1_CONTAINER.Buffer",
          ),
        "SHARE_INFO_1_CONTAINER.Buffer",
      );
      return { entriesRead, buffer };
    }, "InfoStruct.ShareInfo.Level1");
    return { level, container };
  });
  const totalEntries = r.u32("TotalEntries");
  const resume = r.construct(() => r.uniquePtr(() => r.u32("ResumeHandle"), "ResumeHandle"));
  const status = r.u32("ReturnValue");

  const entries: ShareInfo1[] = [];
  const c = container.value;
  if (c) {
    const items = c.buffer.value ?? [];
    if (items.length !== c.entriesRead) {
      throw r.fail(
        "SHARE_INFO_1_CONTAINER.EntriesRead",
        `${c.entriesRead}, but the array has ${items.length}`,
      );
    }
    for (const { e, name, remark } of items) {
      entries.push({ netname: name.value ?? "", type: e.type, remark: remark.value ?? "" });
    }
  }
  return { level, entries, totalEntries, resumeHandle: resume.value, status };
}

/**
 * The response stub a server sends (level 1), for tests and fakes. Referent ids start at
 * `firstReferentId` (Samba continues its request counter: 0x0002000c after a request with three).
 */
export function encodeNetrShareEnumResponse(
  res: Omit<NetrShareEnumResponse, "level"> & { nullContainer?: boolean },
  firstReferentId?: number,
): Buffer {
  const w = new NdrWriter({ firstReferentId });
  w.construct(() => {
    w.u32(LEVEL);
    w.u32(LEVEL);
    w.uniquePtr(res.nullContainer ? null : res.entries, (entries) => {
      w.u32(entries.length);
      w.uniquePtr(entries.length > 0 ? entries : null, (list) =>
        w.conformantArray(list, (e) => {
          w.uniquePtr(e.netname, (s) => w.wstring(s));
          w.u32(e.type >>> 0);
          w.uniquePtr(e.remark, (s) => w.wstring(s));
        }),
      );
    });
  });
  w.u32(res.totalEntries);
  w.construct(() => w.uniquePtr(res.resumeHandle, (h) => w.u32(h)));
  w.u32(res.status >>> 0);
  return w.finish();
}

/** The API view of a SHARE_INFO_1. */
export function toShareInfo(e: ShareInfo1): ShareInfo {
  const base = e.type & Stype.MASK;
  return {
    name: e.netname,
    type:
      base === Stype.DISKTREE
        ? "disk"
        : base === Stype.PRINTQ
          ? "printer"
          : base === Stype.DEVICE
            ? "device"
            : base === Stype.IPC
              ? "ipc"
              : "unknown",
    special: (e.type & Stype.SPECIAL) !== 0,
    temporary: (e.type & Stype.TEMPORARY) !== 0,
    remark: e.remark,
    rawType: e.type >>> 0,
  };
}

/** RpcError ERR_RPC_WERROR for a non-zero NET_API_STATUS. */
export function werrorError(status: number, operation: string): RpcError {
  const name = werrorName(status);
  return new RpcError("ERR_RPC_WERROR", `${operation} failed: ${name} (${hex32(status)})`, {
    status,
    statusName: name,
  });
}

export interface NetShareEnumOptions extends RpcClientOptions {
  /** Safety bound on ERROR_MORE_DATA rounds (default 1000). */
  maxRounds?: number;
}

/**
 * Lists the shares of `serverName` over a pipe opened on \PIPE\srvsvc (the caller opens and closes it):
 * binds srvsvc, then calls NetrShareEnum level 1 until it stops answering ERROR_MORE_DATA. `serverName`
 * gets the "\\\\" prefix unless it has one; "" sends a NULL ServerName.
 */
export async function netShareEnum(
  pipe: RpcPipe,
  serverName: string,
  options: NetShareEnumOptions = {},
): Promise<ShareInfo[]> {
  const client = new RpcClient(pipe, options);
  await client.bind(SRVSVC_SYNTAX);
  return netShareEnumOn(client, serverName, options.maxRounds);
}

/** NetrShareEnum over an RpcClient already bound to srvsvc. */
export async function netShareEnumOn(
  client: RpcClient,
  serverName: string,
  maxRounds = 1000,
): Promise<ShareInfo[]> {
  const unc = serverName === "" ? null : serverName.startsWith("\\\\") ? serverName : `\\\\${serverName}`;
  const out: ShareInfo[] = [];
  let resumeHandle = 0;
  for (let round = 0; ; round++) {
    const stub = await client.call(
      SrvsvcOpnum.NetrShareEnum,
      encodeNetrShareEnumRequest({ serverName: unc, resumeHandle }),
    );
    let res: NetrShareEnumResponse;
    try {
      res = decodeNetrShareEnumResponse(stub);
    } catch (err) {
      // A failing call may leave out parts of the out-parameters; its NET_API_STATUS is always last.
      const status = stub.length >= 4 ? stub.readUInt32LE(stub.length - 4) : 0;
      if (status !== 0 && status !== WERROR.MORE_DATA) throw werrorError(status, "NetrShareEnum");
      throw err;
    }
    if (res.status !== WERROR.SUCCESS && res.status !== WERROR.MORE_DATA) {
      throw werrorError(res.status, "NetrShareEnum");
    }
    out.push(...res.entries.map(toShareInfo));
    if (res.status === WERROR.SUCCESS) return out;
    // ERROR_MORE_DATA: go on from the resume handle; a round without progress would loop forever.
    if (res.resumeHandle === null || (res.entries.length === 0 && res.resumeHandle === resumeHandle)) {
      throw new RpcError("ERR_RPC_PROTOCOL", "NetrShareEnum answered ERROR_MORE_DATA without progress");
    }
    if (round + 1 >= maxRounds) {
      throw new RpcError("ERR_RPC_PROTOCOL", `NetrShareEnum still had more data after ${maxRounds} rounds`);
    }
    resumeHandle = res.resumeHandle;
  }
}
