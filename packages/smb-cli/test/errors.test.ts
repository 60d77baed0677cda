import { describe, expect, it } from "vitest";
import { SmbClientError, SmbError } from "smb-client";
import { NtStatus } from "smb-structures";
import { CliError, ExitCode, exitCodeFor, formatError, UsageError } from "../src/errors.js";

describe("exit codes", () => {
  it("tells usage, auth, not found, access denied and other failures apart", () => {
    expect(exitCodeFor(new UsageError("x"))).toBe(ExitCode.USAGE);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_LOGON_FAILURE))).toBe(ExitCode.AUTH);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_WRONG_PASSWORD))).toBe(ExitCode.AUTH);
    expect(exitCodeFor(new SmbClientError("guest", "ERR_SMB_GUEST_SESSION"))).toBe(ExitCode.AUTH);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND))).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND))).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_BAD_NETWORK_NAME))).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_ACCESS_DENIED))).toBe(ExitCode.ACCESS_DENIED);
    expect(exitCodeFor(new SmbError(NtStatus.STATUS_SHARING_VIOLATION))).toBe(ExitCode.FAILURE);
    expect(exitCodeFor(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeFor(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(ExitCode.FAILURE);
    expect(exitCodeFor(new CliError("x", ExitCode.NOT_FOUND))).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeFor(Object.assign(new Error("aborted"), { name: "AbortError" }))).toBe(
      ExitCode.INTERRUPTED,
    );
  });
});

describe("formatError", () => {
  it("is one line naming the command, the path and the NTSTATUS", () => {
    const e = new SmbError(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, { path: "//h/s/x", syscall: "open" });
    const line = formatError("get", e);
    expect(line).toMatch(/^smb get: \/\/h\/s\/x: STATUS_OBJECT_NAME_NOT_FOUND \(.+\)$/);
    expect(line).not.toContain("\n");
  });

  it("uses the given path when the error has none, and keeps node's codes", () => {
    const e = Object.assign(new Error("ENOENT: no such file or directory, open '/tmp/nope'"), {
      code: "ENOENT",
      path: "/tmp/nope",
    });
    expect(formatError("put", e)).toBe("smb put: /tmp/nope: ENOENT: no such file or directory");
    expect(formatError("ls", new Error("boom"), "//h/s")).toBe("smb ls: //h/s: boom");
  });
});
