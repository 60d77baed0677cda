/**
 * MS-DFSC 2.2 DFS referral messages (FSCTL_DFS_GET_REFERRALS / _EX over SMB2 IOCTL).
 *
 * The response is not a plain struct: its entries (v1..v4, told apart by VersionNumber, advanced by
 * Size) point with 16-bit offsets counted from the START OF EACH ENTRY into a string area that follows
 * all the entries. The fixed part of each entry version is declared with the struct codec; the strings
 * are resolved from the offsets, bounded by the response buffer, and on encode laid out after the
 * entries (each entry's strings in order, as Samba writes them).
 */
import { SmbDecodeError, SmbEncodeError } from "../codec/errors.js";
import { lengthOf } from "../codec/fields.js";
import { u16, u32 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { utf16 } from "../codec/variable.js";
import { guid, NULL_GUID } from "../dtyp/guid.js";

/** 2.2.4 ReferralHeaderFlags. */
export const DfsReferralHeaderFlags = {
  /** R: every target is a DFS root target (a referral server). */
  ReferralServers: 0x00000001,
  /** S: the targets are storage servers (link targets or non-DFS). */
  StorageServers: 0x00000002,
  /** T: target failback is enabled (v4). */
  TargetFailback: 0x00000004,
} as const;

/** 2.2.5.x ServerType. */
export const DfsServerType = {
  NonRoot: 0x0000,
  Root: 0x0001,
} as const;

/** 2.2.5.x ReferralEntryFlags. */
export const DfsReferralEntryFlags = {
  /** A domain or DC referral: SpecialName / ExpandedNames instead of DFS paths (v3, v4). */
  NameListReferral: 0x0002,
  /** The first target of a new target set (v4). */
  TargetSetBoundary: 0x0004,
} as const;

/** REQ_GET_DFS_REFERRAL_EX RequestFlags (2.2.3). */
export const DfsRequestFlags = {
  SiteName: 0x0001,
} as const;

/** 2.2.2 REQ_GET_DFS_REFERRAL: the highest version understood and the NUL-terminated path. */
export const ReqGetDfsReferral = struct(
  "REQ_GET_DFS_REFERRAL",
  { maxReferralLevel: u16, requestFileName: utf16({ nulTerminated: true }) },
  { offsetsFrom: "self", spec: "MS-DFSC 2.2.2" },
);
export type ReqGetDfsReferralValue = Decoded<typeof ReqGetDfsReferral.fields>;

/**
 * 2.2.3.1 RequestData: RequestFileNameLength, RequestFileName, and (with the SiteName flag)
 * SiteNameLength, SiteName. Lengths are in bytes; this codec writes each string with a terminating NUL
 * inside its length (as Windows clients do) and strips trailing NULs on decode.
 */
const RequestDataFile = struct(
  "RequestData",
  { requestFileNameLength: lengthOf("requestFileName", u16), requestFileName: utf16() },
  { offsetsFrom: "self", spec: "MS-DFSC 2.2.3.1" },
);
/** 2.2.3 REQ_GET_DFS_REFERRAL_EX. */
export interface ReqGetDfsReferralEx {
  maxReferralLevel: number;
  requestFileName: string;
  /** The client's site (sets the SiteName request flag). */
  siteName?: string;
}

const stripNul = (s: string) => s.replace(/\0+$/, "");

export function encodeReqGetDfsReferralEx(req: ReqGetDfsReferralEx): Buffer {
  const name = Buffer.from(`${req.requestFileName}\0`, "utf16le");
  const site = req.siteName === undefined ? undefined : Buffer.from(`${req.siteName}\0`, "utf16le");
  const dataLen = 2 + name.length + (site ? 2 + site.length : 0);
  if (name.length > 0xffff || (site && site.length > 0xffff)) {
    throw new SmbEncodeError("REQ_GET_DFS_REFERRAL_EX", "RequestData", "name too long");
  }
  const out = Buffer.alloc(8 + dataLen);
  out.writeUInt16LE(req.maxReferralLevel, 0);
  out.writeUInt16LE(site ? DfsRequestFlags.SiteName : 0, 2);
  out.writeUInt32LE(dataLen, 4);
  out.writeUInt16LE(name.length, 8);
  name.copy(out, 10);
  if (site) {
    out.writeUInt16LE(site.length, 10 + name.length);
    site.copy(out, 12 + name.length);
  }
  return out;
}

export function decodeReqGetDfsReferralEx(buf: Buffer): ReqGetDfsReferralEx {
  const S = "REQ_GET_DFS_REFERRAL_EX";
  if (buf.length < 8) throw new SmbDecodeError(S, undefined, `needs 8 bytes, has ${buf.length}`);
  const maxReferralLevel = buf.readUInt16LE(0);
  const flags = buf.readUInt16LE(2);
  const dataLen = buf.readUInt32LE(4);
  if (8 + dataLen > buf.length)
    throw new SmbDecodeError(S, "RequestDataLength", `${dataLen} exceeds the buffer`);
  const data = RequestDataFile.decodeAt(buf, 8, 8 + dataLen);
  const out: ReqGetDfsReferralEx = {
    maxReferralLevel,
    requestFileName: stripNul(data.value.requestFileName),
  };
  if (flags & DfsRequestFlags.SiteName) {
    const at = data.end;
    if (at + 2 > 8 + dataLen) throw new SmbDecodeError(S, "SiteNameLength", "missing");
    const n = buf.readUInt16LE(at);
    if (at + 2 + n > 8 + dataLen) throw new SmbDecodeError(S, "SiteName", `${n} bytes exceed RequestData`);
    out.siteName = stripNul(buf.toString("utf16le", at + 2, at + 2 + (n & ~1)));
  }
  return out;
}

/** The 8-byte header every referral entry version starts with. */
const EntryHeader = struct(
  "DFS_REFERRAL header",
  { versionNumber: u16, size: u16, serverType: u16, referralEntryFlags: u16 },
  { spec: "MS-DFSC 2.2.5" },
);
/** 2.2.5.2 DFS_REFERRAL_V2 after the header. */
const V2Fixed = struct(
  "DFS_REFERRAL_V2",
  {
    proximity: u32,
    timeToLive: u32,
    dfsPathOffset: u16,
    dfsAlternatePathOffset: u16,
    networkAddressOffset: u16,
  },
  { spec: "MS-DFSC 2.2.5.2" },
);
/** 2.2.5.3.1 DFS_REFERRAL_V3/V4 with NameListReferral = 0, after the header. */
const V3Normal = struct(
  "DFS_REFERRAL_V3",
  {
    timeToLive: u32,
    dfsPathOffset: u16,
    dfsAlternatePathOffset: u16,
    networkAddressOffset: u16,
    serviceSiteGuid: guid,
  },
  { spec: "MS-DFSC 2.2.5.3.1" },
);
/** 2.2.5.3.2 DFS_REFERRAL_V3/V4 with NameListReferral = 1, after the header. */
const V3NameList = struct(
  "DFS_REFERRAL_V3 (name list)",
  { timeToLive: u32, specialNameOffset: u16, numberOfExpandedNames: u16, expandedNameOffset: u16 },
  { spec: "MS-DFSC 2.2.5.3.2" },
);

interface EntryCommon {
  serverType: number;
  referralEntryFlags: number;
}
/** 2.2.5.1 DFS_REFERRAL_V1. */
export interface DfsReferralV1 extends EntryCommon {
  versionNumber: 1;
  shareName: string;
}
/** 2.2.5.2 DFS_REFERRAL_V2. */
export interface DfsReferralV2 extends EntryCommon {
  versionNumber: 2;
  proximity: number;
  timeToLive: number;
  dfsPath: string;
  dfsAlternatePath: string;
  networkAddress: string;
}
/** 2.2.5.3.1 / 2.2.5.4: v3 or v4 entry naming a target (NameListReferral clear). */
export interface DfsReferralV3 extends EntryCommon {
  versionNumber: 3 | 4;
  timeToLive: number;
  dfsPath: string;
  dfsAlternatePath: string;
  networkAddress: string;
  serviceSiteGuid: string;
}
/** 2.2.5.3.2: v3 or v4 domain/DC referral (NameListReferral set). */
export interface DfsReferralNameList extends EntryCommon {
  versionNumber: 3 | 4;
  timeToLive: number;
  specialName: string;
  expandedNames: string[];
}
export type DfsReferralEntry = DfsReferralV1 | DfsReferralV2 | DfsReferralV3 | DfsReferralNameList;

/** 2.2.4 RESP_GET_DFS_REFERRAL. */
export interface RespGetDfsReferral {
  /** Bytes (not characters) of the request path the referral matched. */
  pathConsumed: number;
  referralHeaderFlags: number;
  referralEntries: DfsReferralEntry[];
}

export function isNameListReferral(e: DfsReferralEntry): e is DfsReferralNameList {
  return "specialName" in e;
}

const RESP = "RESP_GET_DFS_REFERRAL";

/** A NUL-terminated UTF-16 string at `at`, ending at most at `end`. */
function cstr(buf: Buffer, at: number, end: number, field: string): { value: string; end: number } {
  if (at < 0 || at > end) throw new SmbDecodeError(RESP, field, `offset outside the response`);
  for (let i = at; i + 1 < end; i += 2) {
    if (buf[i] === 0 && buf[i + 1] === 0) return { value: buf.toString("utf16le", at, i), end: i + 2 };
  }
  throw new SmbDecodeError(RESP, field, "string without a NUL terminator");
}

/** Decodes a referral response; each entry by its VersionNumber, advancing by its Size. */
export function decodeRespGetDfsReferral(buf: Buffer, start = 0, end = buf.length): RespGetDfsReferral {
  if (end > buf.length) end = buf.length;
  if (start + 8 > end)
    throw new SmbDecodeError(RESP, undefined, `needs 8 bytes, has ${Math.max(0, end - start)}`);
  const pathConsumed = buf.readUInt16LE(start);
  const count = buf.readUInt16LE(start + 2);
  const referralHeaderFlags = buf.readUInt32LE(start + 4);
  const referralEntries: DfsReferralEntry[] = [];
  let pos = start + 8;
  for (let i = 0; i < count; i++) {
    const h = EntryHeader.decodeAt(buf, pos, end).value;
    if (h.size < 8 || pos + h.size > end) {
      throw new SmbDecodeError(
        RESP,
        `ReferralEntries[${i}].Size`,
        `${h.size} at ${pos - start} leaves the buffer`,
      );
    }
    const common = { serverType: h.serverType, referralEntryFlags: h.referralEntryFlags };
    const entryEnd = pos + h.size;
    const at = (off: number, field: string) =>
      cstr(buf, pos + off, end, `ReferralEntries[${i}].${field}`).value;
    switch (h.versionNumber) {
      case 1: {
        const name = cstr(buf, pos + 8, entryEnd, `ReferralEntries[${i}].ShareName`).value;
        referralEntries.push({ versionNumber: 1, ...common, shareName: name });
        break;
      }
      case 2: {
        const f = V2Fixed.decodeAt(buf, pos + 8, entryEnd).value;
        referralEntries.push({
          versionNumber: 2,
          ...common,
          proximity: f.proximity,
          timeToLive: f.timeToLive,
          dfsPath: at(f.dfsPathOffset, "DFSPath"),
          dfsAlternatePath: at(f.dfsAlternatePathOffset, "DFSAlternatePath"),
          networkAddress: at(f.networkAddressOffset, "NetworkAddress"),
        });
        break;
      }
      case 3:
      case 4: {
        const versionNumber = h.versionNumber;
        if (h.referralEntryFlags & DfsReferralEntryFlags.NameListReferral) {
          const f = V3NameList.decodeAt(buf, pos + 8, entryEnd).value;
          const expandedNames: string[] = [];
          let p = pos + f.expandedNameOffset;
          for (let n = 0; n < f.numberOfExpandedNames; n++) {
            const s = cstr(buf, p, end, `ReferralEntries[${i}].ExpandedName[${n}]`);
            expandedNames.push(s.value);
            p = s.end;
          }
          referralEntries.push({
            versionNumber,
            ...common,
            timeToLive: f.timeToLive,
            specialName: at(f.specialNameOffset, "SpecialName"),
            expandedNames,
          });
        } else {
          const f = V3Normal.decodeAt(buf, pos + 8, entryEnd).value;
          referralEntries.push({
            versionNumber,
            ...common,
            timeToLive: f.timeToLive,
            dfsPath: at(f.dfsPathOffset, "DFSPath"),
            dfsAlternatePath: at(f.dfsAlternatePathOffset, "DFSAlternatePath"),
            networkAddress: at(f.networkAddressOffset, "NetworkAddress"),
            serviceSiteGuid: f.serviceSiteGuid,
          });
        }
        break;
      }
      default:
        throw new SmbDecodeError(
          RESP,
          `ReferralEntries[${i}].VersionNumber`,
          `unknown version ${h.versionNumber}`,
        );
    }
    pos = entryEnd;
  }
  return { pathConsumed, referralHeaderFlags, referralEntries };
}

function fixedSizeOf(e: DfsReferralEntry): number {
  if (e.versionNumber === 1) return 8 + Buffer.byteLength(`${e.shareName}\0`, "utf16le");
  if (e.versionNumber === 2) return 8 + V2Fixed.fixedSize;
  return isNameListReferral(e) ? 8 + V3NameList.fixedSize : 8 + V3Normal.fixedSize;
}

/**
 * Encodes a referral response: header, every entry's fixed part (Size = its fixed size; v3/v4 name-list
 * entries carry 16 bytes of Padding, so every v3/v4 entry is 34 bytes), then the strings in entry order.
 */
export function encodeRespGetDfsReferral(resp: RespGetDfsReferral): Buffer {
  const sizes = resp.referralEntries.map((e) =>
    isNameListReferral(e) ? 8 + V3Normal.fixedSize : fixedSizeOf(e),
  );
  const strings: Buffer[] = [];
  let stringsAt = 8 + sizes.reduce((a, b) => a + b, 0);
  const fixedParts: Buffer[] = [];
  let entryAt = 8;
  const str = (s: string): number => {
    const b = Buffer.from(`${s}\0`, "utf16le");
    const off = stringsAt - entryAt;
    if (off > 0xffff) throw new SmbEncodeError(RESP, "string offset", `${off} does not fit 16 bits`);
    strings.push(b);
    stringsAt += b.length;
    return off;
  };
  resp.referralEntries.forEach((e, i) => {
    const size = sizes[i]!;
    const part = Buffer.alloc(size);
    EntryHeader.encodeInto(part, 0, {
      versionNumber: e.versionNumber,
      size,
      serverType: e.serverType,
      referralEntryFlags: e.referralEntryFlags,
    });
    if (e.versionNumber === 1) {
      part.write(`${e.shareName}\0`, 8, "utf16le");
    } else if (e.versionNumber === 2) {
      V2Fixed.encodeInto(part, 8, {
        proximity: e.proximity,
        timeToLive: e.timeToLive,
        dfsPathOffset: str(e.dfsPath),
        dfsAlternatePathOffset: str(e.dfsAlternatePath),
        networkAddressOffset: str(e.networkAddress),
      });
    } else if (isNameListReferral(e)) {
      const specialNameOffset = str(e.specialName);
      const expandedNameOffset = e.expandedNames.length ? stringsAt - entryAt : 0;
      for (const n of e.expandedNames) str(n);
      V3NameList.encodeInto(part, 8, {
        timeToLive: e.timeToLive,
        specialNameOffset,
        numberOfExpandedNames: e.expandedNames.length,
        expandedNameOffset,
      });
    } else {
      V3Normal.encodeInto(part, 8, {
        timeToLive: e.timeToLive,
        dfsPathOffset: str(e.dfsPath),
        dfsAlternatePathOffset: str(e.dfsAlternatePath),
        networkAddressOffset: str(e.networkAddress),
        serviceSiteGuid: e.serviceSiteGuid ?? NULL_GUID,
      });
    }
    fixedParts.push(part);
    entryAt += size;
  });
  const head = Buffer.alloc(8);
  head.writeUInt16LE(resp.pathConsumed, 0);
  head.writeUInt16LE(resp.referralEntries.length, 2);
  head.writeUInt32LE(resp.referralHeaderFlags >>> 0, 4);
  return Buffer.concat([head, ...fixedParts, ...strings]);
}
