/**
 * Metadata: stat/lstat (one round trip: CREATE + QUERY_INFO(FileAllInformation) +
 * QUERY_INFO(FileAttributeTagInformation) + CLOSE), statfs, exists, access, utimes, truncate.
 */
import {
  CreateOptions as CreateOptionBits,
  FileAccessRights,
  FileAllInformation,
  FileAttributeTagInformation,
  FileBasicInformation,
  FileEndOfFileInformation,
  FileFsAttributeInformation,
  FileFsFullSizeInformation,
  FileInformationClass,
  FsInformationClass,
  InfoType,
  NtStatus,
} from "smb-structures";
import type { ClientCore, Target } from "./core.js";
import { hasCode } from "./errors.js";
import { Access, compound, Reply, Step } from "./handles.js";
import {
  makeStats,
  type SmbBigIntStats,
  type SmbStatFs,
  type SmbStats,
  type StatInfo,
  toFiletime,
} from "./stats.js";
import type { CallOptions } from "./types.js";

export interface StatOptions extends CallOptions {
  bigint?: boolean;
}

/** Decodes FILE_ALL_INFORMATION; only the fixed part when the name was cut (STATUS_BUFFER_OVERFLOW). */
export function decodeAllInformation(buf: Buffer): StatInfo {
  try {
    const a = FileAllInformation.decode(buf);
    return {
      creationTime: a.creationTime,
      lastAccessTime: a.lastAccessTime,
      lastWriteTime: a.lastWriteTime,
      changeTime: a.changeTime,
      endOfFile: BigInt(a.endOfFile),
      allocationSize: BigInt(a.allocationSize),
      fileAttributes: a.fileAttributes,
      indexNumber: a.indexNumber,
      numberOfLinks: a.numberOfLinks,
    };
  } catch (err) {
    if (buf.length < 96) throw err;
    return {
      creationTime: buf.readBigUInt64LE(0),
      lastAccessTime: buf.readBigUInt64LE(8),
      lastWriteTime: buf.readBigUInt64LE(16),
      changeTime: buf.readBigUInt64LE(24),
      fileAttributes: buf.readUInt32LE(32),
      allocationSize: buf.readBigInt64LE(40),
      endOfFile: buf.readBigInt64LE(48),
      numberOfLinks: buf.readUInt32LE(56),
      indexNumber: buf.readBigUInt64LE(64),
    };
  }
}

/** StatInfo of the target path (or `sharePath`), in one round trip. */
export async function statInfo(
  t: Target,
  sharePath: string,
  opts: { noFollow?: boolean } = {},
): Promise<StatInfo> {
  const r = await compound(
    t,
    sharePath,
    {
      desiredAccess: Access.ATTRIBUTES,
      createOptions: opts.noFollow ? CreateOptionBits.OPEN_REPARSE_POINT : 0,
    },
    [
      Step.queryInfo(
        t,
        {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileAllInformation,
          outputBufferLength: 4096,
        },
        [NtStatus.STATUS_BUFFER_OVERFLOW],
      ),
      Step.queryInfo(
        t,
        {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileAttributeTagInformation,
          outputBufferLength: 8,
        },
        [
          NtStatus.STATUS_INVALID_INFO_CLASS,
          NtStatus.STATUS_NOT_SUPPORTED,
          NtStatus.STATUS_INVALID_PARAMETER,
        ],
      ),
    ],
  );
  const info = decodeAllInformation(Reply.queryInfo(r.replies[0]!));
  const tagReply = r.replies[1]!;
  if (tagReply.status === NtStatus.STATUS_SUCCESS) {
    info.reparseTag = FileAttributeTagInformation.decode(Reply.queryInfo(tagReply)).reparseTag;
  }
  return info;
}

export async function stat(
  core: ClientCore,
  path: string,
  opts: StatOptions = {},
  syscall = "stat",
): Promise<SmbStats | SmbBigIntStats> {
  return core.run(path, opts, syscall, async (t) =>
    makeStats(await statInfo(t, t.path.path, { noFollow: syscall === "lstat" }), opts.bigint),
  );
}

export async function statfs(core: ClientCore, path: string, opts: StatOptions = {}): Promise<SmbStatFs> {
  return core.run(path, opts, "statfs", async (t) => {
    const r = await compound(t, t.path.path, { desiredAccess: Access.ATTRIBUTES }, [
      Step.queryInfo(t, {
        infoType: InfoType.FILESYSTEM,
        infoClass: FsInformationClass.FileFsFullSizeInformation,
      }),
      Step.queryInfo(t, {
        infoType: InfoType.FILESYSTEM,
        infoClass: FsInformationClass.FileFsAttributeInformation,
      }),
    ]);
    const s = FileFsFullSizeInformation.decode(Reply.queryInfo(r.replies[0]!));
    const a = FileFsAttributeInformation.decode(Reply.queryInfo(r.replies[1]!));
    const bsize = s.sectorsPerAllocationUnit * s.bytesPerSector;
    return {
      type: 0,
      bsize,
      blocks: Number(s.totalAllocationUnits),
      bfree: Number(s.actualAvailableAllocationUnits),
      bavail: Number(s.callerAvailableAllocationUnits),
      files: 0,
      ffree: 0,
      fsName: a.fileSystemName,
      fsAttributes: a.fileSystemAttributes,
      maxNameLength: a.maximumComponentNameLength,
    };
  });
}

/** True when the path exists; false for ENOENT / ENOTDIR; other failures (EACCES, network) throw. */
export async function exists(core: ClientCore, path: string, opts: CallOptions = {}): Promise<boolean> {
  try {
    await core.run(path, opts, "access", (t) =>
      compound(t, t.path.path, { desiredAccess: Access.ATTRIBUTES }, []),
    );
    return true;
  } catch (err) {
    if (hasCode(err, "ENOENT") || hasCode(err, "ENOTDIR")) return false;
    throw err;
  }
}

export const F_OK = 0;
export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

/** fs.access: opens with the access `mode` asks for (R_OK read data, W_OK write data, X_OK execute). */
export async function access(
  core: ClientCore,
  path: string,
  mode = F_OK,
  opts: CallOptions = {},
): Promise<void> {
  let desiredAccess: number = Access.ATTRIBUTES;
  if (mode & R_OK) desiredAccess |= FileAccessRights.FILE_READ_DATA;
  if (mode & W_OK) desiredAccess |= FileAccessRights.FILE_WRITE_DATA;
  if (mode & X_OK) desiredAccess |= FileAccessRights.FILE_EXECUTE;
  await core.run(path, opts, "access", (t) => compound(t, t.path.path, { desiredAccess }, []));
}

export type TimeLike = Date | number | string | bigint;

/** The FILE_BASIC_INFORMATION buffer that sets times (undefined/null = unchanged) and attributes (0 = unchanged). */
export function basicInfoBuffer(
  times: {
    atime?: TimeLike | null;
    mtime?: TimeLike | null;
    birthtime?: TimeLike | null;
    ctime?: TimeLike | null;
  },
  attributes = 0,
): Buffer {
  const ft = (v: TimeLike | null | undefined) => (v === undefined || v === null ? 0n : toFiletime(v));
  return FileBasicInformation.encode({
    creationTime: ft(times.birthtime),
    lastAccessTime: ft(times.atime),
    lastWriteTime: ft(times.mtime),
    changeTime: ft(times.ctime),
    fileAttributes: attributes,
  });
}

/** fs.utimes (numbers are seconds, like node's); `lutimes` does not follow a final reparse point. */
export async function utimes(
  core: ClientCore,
  path: string,
  atime: TimeLike,
  mtime: TimeLike,
  opts: CallOptions = {},
  noFollow = false,
): Promise<void> {
  await core.run(path, opts, noFollow ? "lutimes" : "utime", (t) =>
    compound(
      t,
      t.path.path,
      {
        desiredAccess: FileAccessRights.FILE_WRITE_ATTRIBUTES | Access.ATTRIBUTES,
        createOptions: noFollow ? CreateOptionBits.OPEN_REPARSE_POINT : 0,
      },
      [
        Step.setInfo(t, {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileBasicInformation,
          buffer: basicInfoBuffer({ atime, mtime }),
        }),
      ],
    ),
  );
}

/** SET_INFO step that sets the end of file. */
export function endOfFileStep(t: Target, len: number | bigint) {
  return Step.setInfo(t, {
    infoType: InfoType.FILE,
    infoClass: FileInformationClass.FileEndOfFileInformation,
    buffer: FileEndOfFileInformation.encode({ endOfFile: BigInt(len) }),
  });
}

/** fs.truncate: sets the size (default 0), growing with zeros or cutting. */
export async function truncate(
  core: ClientCore,
  path: string,
  len: number | bigint = 0,
  opts: CallOptions = {},
): Promise<void> {
  await core.run(path, opts, "open", (t) =>
    compound(
      t,
      t.path.path,
      {
        desiredAccess: FileAccessRights.FILE_WRITE_DATA | Access.ATTRIBUTES,
        createOptions: CreateOptionBits.NON_DIRECTORY_FILE,
      },
      [endOfFileStep(t, len)],
    ),
  );
}

/**
 * chmod: SMB has no mode bits; the owner write bit maps to FILE_ATTRIBUTE_READONLY (cleared when
 * 0o200 is set, set otherwise), as node does on Windows.
 */
export async function chmod(
  core: ClientCore,
  path: string,
  mode: number | string,
  opts: CallOptions = {},
): Promise<void> {
  const m = typeof mode === "string" ? Number.parseInt(mode, 8) : mode;
  await core.run(path, opts, "chmod", async (t) => {
    const info = await statInfo(t, t.path.path);
    let attrs = info.fileAttributes & ~0x400; // keep REPARSE_POINT out of SET_INFO
    attrs = m & 0o200 ? attrs & ~0x1 : attrs | 0x1;
    if (attrs === 0) attrs = 0x80; // FILE_ATTRIBUTE_NORMAL: 0 would mean "unchanged"
    await compound(
      t,
      t.path.path,
      { desiredAccess: FileAccessRights.FILE_WRITE_ATTRIBUTES | Access.ATTRIBUTES },
      [
        Step.setInfo(t, {
          infoType: InfoType.FILE,
          infoClass: FileInformationClass.FileBasicInformation,
          buffer: basicInfoBuffer({}, attrs),
        }),
      ],
    );
  });
}
