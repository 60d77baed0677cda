/**
 * Extended attributes (SMB EAs: FILE_FULL_EA_INFORMATION through QUERY_INFO / SET_INFO) and alternate
 * data streams (FileStreamInformation; a stream is opened as "file:stream", e.g.
 * readFile("//server/share/file.txt:meta")). EA names are ASCII; servers may store them upper-cased.
 */
import {
  AccessMask,
  FileAccessRights,
  FileFullEaInformation,
  FileGetEaInformation,
  FileInformationClass,
  FileStreamInformation,
  InfoType,
  NtStatus,
  QueryInfoFlags,
  struct,
} from "smb-structures";
import type { ClientCore } from "./core.js";
import { FsStatus, invalidArg, smbFsError } from "./errors.js";
import { Access, compound, Reply, Step } from "./handles.js";
import type { CallOptions } from "./types.js";

const EaList = struct("FILE_FULL_EA_INFORMATION list", { entries: FileFullEaInformation });
const GetEaList = struct("FILE_GET_EA_INFORMATION list", { entries: FileGetEaInformation });

const EA_READ = FileAccessRights.FILE_READ_EA | Access.ATTRIBUTES;
const EA_WRITE = FileAccessRights.FILE_WRITE_EA | Access.ATTRIBUTES;
const NO_EAS = [NtStatus.STATUS_NO_EAS_ON_FILE, NtStatus.STATUS_NONEXISTENT_EA_ENTRY];

function checkName(name: string): void {
  if (!name || name.length > 255 || !/^[\x20-\x7e]+$/.test(name))
    throw invalidArg(`invalid extended attribute name: ${JSON.stringify(name)}`);
}

function decodeEas(buf: Buffer): { name: string; value: Buffer }[] {
  if (buf.length === 0) return [];
  return FileFullEaInformation.decode(buf, 0, buf.length, undefined, { base: 0 }).value.map((e) => ({
    name: e.eaName,
    value: Buffer.from(e.eaValue),
  }));
}

/** Every extended attribute of a file, names and values. */
export async function getxattrs(
  core: ClientCore,
  path: string,
  opts: CallOptions = {},
): Promise<Map<string, Buffer>> {
  return core.run(path, opts, "getxattr", async (t) => {
    const r = await compound(t, t.path.path, { desiredAccess: EA_READ }, [
      Step.queryInfo(
        t,
        {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileFullEaInformation,
          flags: QueryInfoFlags.RESTART_SCAN,
          outputBufferLength: 65536,
        },
        NO_EAS,
      ),
    ]);
    const reply = r.replies[0]!;
    if (reply.status !== NtStatus.STATUS_SUCCESS) return new Map();
    return new Map(decodeEas(Reply.queryInfo(reply)).map((e) => [e.name, e.value]));
  });
}

export async function listxattr(core: ClientCore, path: string, opts: CallOptions = {}): Promise<string[]> {
  return [...(await getxattrs(core, path, opts)).keys()];
}

/** The value of one extended attribute (ENODATA when the file has none by that name). */
export async function getxattr(
  core: ClientCore,
  path: string,
  name: string,
  opts: CallOptions = {},
): Promise<Buffer> {
  checkName(name);
  return core.run(path, opts, "getxattr", async (t) => {
    const input = GetEaList.encode({ entries: [{ eaName: name }] });
    const r = await compound(t, t.path.path, { desiredAccess: EA_READ }, [
      Step.queryInfo(
        t,
        {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileFullEaInformation,
          flags: QueryInfoFlags.RESTART_SCAN,
          outputBufferLength: 65536,
          input,
        },
        NO_EAS,
      ),
    ]);
    const reply = r.replies[0]!;
    const found =
      reply.status === NtStatus.STATUS_SUCCESS
        ? decodeEas(Reply.queryInfo(reply)).find((e) => e.name.toLowerCase() === name.toLowerCase())
        : undefined;
    if (!found || found.value.length === 0) {
      throw smbFsError(
        FsStatus.ENODATA,
        { syscall: "getxattr", path },
        { detail: `no extended attribute ${name}` },
      );
    }
    return found.value;
  });
}

/** Sets (or, with an empty value, removes) an extended attribute. */
export async function setxattr(
  core: ClientCore,
  path: string,
  name: string,
  value: string | NodeJS.ArrayBufferView,
  opts: CallOptions = {},
  syscall = "setxattr",
): Promise<void> {
  checkName(name);
  const v =
    typeof value === "string"
      ? Buffer.from(value)
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (v.length > 65535) throw invalidArg("an extended attribute value is at most 65535 bytes");
  await core.run(path, opts, syscall, (t) =>
    compound(t, t.path.path, { desiredAccess: EA_WRITE }, [
      Step.setInfo(t, {
        infoType: InfoType.FILE,
        infoClass: FileInformationClass.FileFullEaInformation,
        buffer: EaList.encode({ entries: [{ flags: 0, eaName: name, eaValue: v }] }),
      }),
    ]),
  );
}

export function removexattr(
  core: ClientCore,
  path: string,
  name: string,
  opts: CallOptions = {},
): Promise<void> {
  return setxattr(core, path, name, Buffer.alloc(0), opts, "removexattr");
}

/** One data stream of a file (the unnamed default stream has name ""). */
export interface StreamInfo {
  name: string;
  /** "$DATA" for data streams. */
  type: string;
  size: number;
  allocationSize: number;
}

/** The data streams of a file (alternate data streams and the default one). */
export async function listStreams(
  core: ClientCore,
  path: string,
  opts: CallOptions = {},
): Promise<StreamInfo[]> {
  return core.run(path, opts, "liststreams", async (t) => {
    const r = await compound(t, t.path.path, { desiredAccess: Access.ATTRIBUTES | AccessMask.READ_CONTROL }, [
      Step.queryInfo(
        t,
        {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileStreamInformation,
          outputBufferLength: 65536,
        },
        [NtStatus.STATUS_END_OF_FILE],
      ),
    ]);
    const reply = r.replies[0]!;
    if (reply.status !== NtStatus.STATUS_SUCCESS) return [];
    const buf = Reply.queryInfo(reply);
    if (buf.length === 0) return [];
    return FileStreamInformation.decode(buf, 0, buf.length, undefined, { base: 0 }).value.map((s) => {
      const m = /^:([^:]*):(.*)$/.exec(s.streamName);
      return {
        name: m ? m[1]! : s.streamName,
        type: m ? m[2]! : "",
        size: Number(s.streamSize),
        allocationSize: Number(s.streamAllocationSize),
      };
    });
  });
}
