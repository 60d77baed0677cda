/**
 * Names: unlink, rm (recursive, force), rename, link (hard link), symlink/readlink (reparse points),
 * realpath. Each single-file operation is one related compound (CREATE + SET_INFO/IOCTL + CLOSE).
 */
import {
  CreateDisposition,
  CreateOptions as CreateOptionBits,
  FileAccessRights,
  FileAttributes,
  FileInformationClass,
  FileLinkInformation,
  FileNameInformation,
  FileRenameInformation,
  FsctlCode,
  InfoType,
  NtStatus,
  ReparseDataBuffer,
  ReparseTag,
  symlinkReparseBuffer,
} from "smb-structures";
import { SmbError } from "../errors.js";
import { joinSharePath } from "../smb-path.js";
import { type ClientCore, pathString, type Target } from "./core.js";
import { dispositionStep, listEntries, removeDir } from "./dir.js";
import { entryAttributes } from "./dirent.js";
import { FsStatus, hasCode, hasStatus, smbFsError } from "./errors.js";
import { Access, compound, DIRECTORY, NON_DIRECTORY, Reply, Step } from "./handles.js";
import { mapLimit } from "./limit.js";
import { basicInfoBuffer, statInfo } from "./meta.js";
import type { AnyPath, CallOptions } from "./types.js";

/** Deletes a file (or a reparse point itself, not its target). */
export async function unlinkAt(t: Target, sharePath: string): Promise<void> {
  await compound(
    t,
    sharePath,
    { desiredAccess: Access.DELETE, createOptions: NON_DIRECTORY | CreateOptionBits.OPEN_REPARSE_POINT },
    [dispositionStep(t)],
  );
}

export async function unlink(core: ClientCore, path: string, opts: CallOptions = {}): Promise<void> {
  await core.run(path, opts, "unlink", async (t) => {
    if (t.path.path === "") throw smbFsError(FsStatus.EISDIR, { syscall: "unlink", path });
    await unlinkAt(t, t.path.path);
  });
}

export interface RmOptions extends CallOptions {
  recursive?: boolean;
  /** No error when the path does not exist; read-only files are deleted too. */
  force?: boolean;
}

/** Clears FILE_ATTRIBUTE_READONLY (so a delete can go through). */
async function clearReadOnly(t: Target, sharePath: string, attributes: number): Promise<void> {
  let attrs = attributes & ~(FileAttributes.READONLY | FileAttributes.REPARSE_POINT);
  if (attrs === 0) attrs = FileAttributes.NORMAL;
  await compound(
    t,
    sharePath,
    {
      desiredAccess: FileAccessRights.FILE_WRITE_ATTRIBUTES | Access.ATTRIBUTES,
      createOptions: CreateOptionBits.OPEN_REPARSE_POINT,
    },
    [
      Step.setInfo(t, {
        infoType: InfoType.FILE,
        infoClass: FileInformationClass.FileBasicInformation,
        buffer: basicInfoBuffer({}, attrs),
      }),
    ],
  );
}

async function removeFile(t: Target, sharePath: string, attributes: number, force: boolean): Promise<void> {
  try {
    await unlinkAt(t, sharePath);
  } catch (err) {
    if (force && hasStatus(err, NtStatus.STATUS_CANNOT_DELETE)) {
      await clearReadOnly(t, sharePath, attributes);
      await unlinkAt(t, sharePath);
      return;
    }
    if (force && hasCode(err, "ENOENT")) return;
    throw err;
  }
}

/** Deletes a directory tree bottom-up (files of a directory in parallel, `concurrency` at a time). */
export async function removeTree(
  t: Target,
  sharePath: string,
  force: boolean,
  concurrency: number,
): Promise<void> {
  const entries: { name: string; attributes: number }[] = [];
  for await (const b of listEntries(t, sharePath)) {
    for (let i = 0; i < b.at.length; i++)
      entries.push({ name: b.names[i]!, attributes: entryAttributes(b.buf, b.at[i]!) });
  }
  await mapLimit(entries, concurrency, async (e) => {
    const child = joinSharePath(sharePath, e.name);
    const isDir =
      (e.attributes & FileAttributes.DIRECTORY) !== 0 && (e.attributes & FileAttributes.REPARSE_POINT) === 0;
    if (isDir) await removeTree(t, child, force, Math.max(1, Math.floor(concurrency / 2)));
    else await removeFile(t, child, e.attributes, force);
  });
  try {
    await removeDir(t, sharePath);
  } catch (err) {
    if (force && hasCode(err, "ENOENT")) return;
    throw err;
  }
}

/** fs.rm: files, and directory trees with `recursive`. */
export async function rm(core: ClientCore, path: string, opts: RmOptions = {}): Promise<void> {
  await core.run(path, opts, "rm", async (t) => {
    const sharePath = t.path.path;
    let info: Awaited<ReturnType<typeof statInfo>>;
    try {
      info = await statInfo(t, sharePath, { noFollow: true });
    } catch (err) {
      if (opts.force && (hasCode(err, "ENOENT") || hasCode(err, "ENOTDIR"))) return;
      throw err;
    }
    const isDir =
      (info.fileAttributes & FileAttributes.DIRECTORY) !== 0 &&
      (info.fileAttributes & FileAttributes.REPARSE_POINT) === 0;
    if (!isDir) return removeFile(t, sharePath, info.fileAttributes, !!opts.force);
    if (!opts.recursive)
      throw smbFsError(
        FsStatus.EISDIR,
        { syscall: "rm", path },
        { detail: "use recursive to remove a directory" },
      );
    if (sharePath === "")
      throw smbFsError(
        NtStatus.STATUS_ACCESS_DENIED,
        { syscall: "rm", path },
        { detail: "cannot remove a share root" },
      );
    await removeTree(t, sharePath, !!opts.force, core.concurrency);
  });
}

export interface RenameOptions extends CallOptions {
  /** Replace an existing destination (default true, like fs.rename). */
  overwrite?: boolean;
}

/** fs.rename within one share (EXDEV across shares or servers). */
export async function rename(
  core: ClientCore,
  oldPath: AnyPath,
  newPath: AnyPath,
  opts: RenameOptions = {},
): Promise<void> {
  const dest = typeof newPath === "string" ? newPath : newPath.href;
  await core.run(
    oldPath,
    opts,
    "rename",
    async (t) => {
      const to = await t.sibling(newPath, "rename");
      if (t.path.path === "" || to === "")
        throw smbFsError(
          FsStatus.EINVAL,
          { syscall: "rename", path: t.display, dest },
          { detail: "cannot rename a share root" },
        );
      await compound(
        t,
        t.path.path,
        { desiredAccess: Access.DELETE, createOptions: CreateOptionBits.OPEN_REPARSE_POINT },
        [
          Step.setInfo(t, {
            infoType: InfoType.FILE,
            infoClass: FileInformationClass.FileRenameInformation,
            buffer: FileRenameInformation.encode({ replaceIfExists: opts.overwrite !== false, fileName: to }),
          }),
        ],
      );
    },
    { dest },
  );
}

/** fs.link: a hard link `newPath` to `existingPath` (same share). */
export async function link(
  core: ClientCore,
  existingPath: AnyPath,
  newPath: AnyPath,
  opts: CallOptions = {},
): Promise<void> {
  const dest = typeof newPath === "string" ? newPath : newPath.href;
  await core.run(
    existingPath,
    opts,
    "link",
    async (t) => {
      const to = await t.sibling(newPath, "link");
      await compound(
        t,
        t.path.path,
        {
          desiredAccess: Access.ATTRIBUTES | FileAccessRights.FILE_WRITE_ATTRIBUTES,
          createOptions: NON_DIRECTORY,
        },
        [
          Step.setInfo(t, {
            infoType: InfoType.FILE,
            infoClass: FileInformationClass.FileLinkInformation,
            buffer: FileLinkInformation.encode({ replaceIfExists: false, fileName: to }),
          }),
        ],
      );
    },
    { dest },
  );
}

/**
 * fs.symlink: a symbolic link reparse point (FSCTL_SET_REPARSE_POINT) at `path` pointing to `target`.
 * Absolute targets ("C:\\x", "\\\\server\\share\\x") get the "\\??\\" substitute form; others are relative.
 * `type` "dir" (or "junction") makes a directory link. Servers that do not support creating reparse
 * points (Samba) answer ENOTSUP/EACCES; the placeholder file is removed again.
 */
export async function symlink(
  core: ClientCore,
  target: string,
  path: string,
  type?: "file" | "dir" | "junction" | null,
  opts: CallOptions = {},
): Promise<void> {
  await core.run(path, opts, "symlink", async (t) => {
    const win = target.replace(/\//g, "\\");
    const absolute = /^[a-zA-Z]:\\/.test(win) || win.startsWith("\\\\") || win.startsWith("\\??\\");
    const substituteName = !absolute
      ? win
      : win.startsWith("\\??\\")
        ? win
        : win.startsWith("\\\\")
          ? `\\??\\UNC\\${win.slice(2)}`
          : `\\??\\${win}`;
    const buffer = ReparseDataBuffer.encode(
      symlinkReparseBuffer({ substituteName, printName: win, relative: !absolute }),
    );
    const isDir = type === "dir" || type === "junction";
    try {
      await compound(
        t,
        t.path.path,
        {
          desiredAccess: Access.WRITE | Access.DELETE,
          disposition: CreateDisposition.CREATE,
          createOptions: (isDir ? DIRECTORY : NON_DIRECTORY) | CreateOptionBits.OPEN_REPARSE_POINT,
        },
        [Step.ioctl(t, FsctlCode.FSCTL_SET_REPARSE_POINT, buffer, 0)],
      );
    } catch (err) {
      if (err instanceof SmbError && err.command !== "CREATE") {
        await (isDir ? removeDir(t, t.path.path) : unlinkAt(t, t.path.path)).catch(() => {});
      }
      throw err;
    }
  });
}

/** fs.readlink: the target of a symbolic link or junction (EINVAL for anything else). */
export async function readlink(core: ClientCore, path: string, opts: CallOptions = {}): Promise<string> {
  return core.run(path, opts, "readlink", async (t) => {
    const r = await compound(
      t,
      t.path.path,
      { desiredAccess: Access.ATTRIBUTES, createOptions: CreateOptionBits.OPEN_REPARSE_POINT },
      [Step.ioctl(t, FsctlCode.FSCTL_GET_REPARSE_POINT, Buffer.alloc(0), 16 * 1024)],
    );
    const rp = ReparseDataBuffer.decode(Reply.ioctl(r.replies[0]!));
    const d = rp.data;
    if (
      (d.type === ReparseTag.IO_REPARSE_TAG_SYMLINK || d.type === ReparseTag.IO_REPARSE_TAG_MOUNT_POINT) &&
      !Buffer.isBuffer(d.value)
    ) {
      const v = d.value as { substituteName: string; printName: string };
      if (v.printName) return v.printName;
      return v.substituteName.replace(/^\\\?\?\\(UNC\\)?/, (_m, unc) => (unc ? "\\\\" : ""));
    }
    throw smbFsError(
      FsStatus.EINVAL,
      { syscall: "readlink", path },
      { detail: `reparse tag 0x${(d.type >>> 0).toString(16)} is not a link` },
    );
  });
}

/**
 * fs.realpath: the canonical path of an existing file as "//server/share/dir/name" after path
 * resolution (DFS), with the server's spelling of each name (FileNormalizedNameInformation, else
 * FileNameInformation).
 */
export async function realpath(core: ClientCore, path: string, opts: CallOptions = {}): Promise<string> {
  return core.run(path, opts, "realpath", async (t) => {
    const q = (infoClass: number) =>
      Step.queryInfo(t, { infoType: InfoType.FILE, infoClass, outputBufferLength: 65536 }, [
        NtStatus.STATUS_INVALID_INFO_CLASS,
        NtStatus.STATUS_NOT_SUPPORTED,
        NtStatus.STATUS_NOT_IMPLEMENTED,
        NtStatus.STATUS_INVALID_PARAMETER,
      ]);
    const r = await compound(t, t.path.path, { desiredAccess: Access.ATTRIBUTES }, [
      q(FileInformationClass.FileNormalizedNameInformation),
      q(FileInformationClass.FileNameInformation),
    ]);
    let name = t.path.path;
    for (const reply of r.replies) {
      if (reply.status !== NtStatus.STATUS_SUCCESS) continue;
      const n = FileNameInformation.decode(Reply.queryInfo(reply)).fileName.replace(/^\\+/, "");
      name = n;
      break;
    }
    if (t.tree.isDfs) {
      // A DFS share reports names with the "server\share\" prefix.
      const prefix = `${t.path.server}\\${t.path.share}\\`.toLowerCase();
      if (name.toLowerCase().startsWith(prefix)) name = name.slice(prefix.length);
    }
    return pathString({ server: t.path.server, port: t.path.port, share: t.path.share, path: name });
  });
}
