import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatNtStatus,
  isError,
  isInformational,
  isSuccess,
  isWarning,
  NtStatus,
  ntStatusCode,
  ntStatusMessage,
  ntStatusName,
} from "../src/index.js";

describe("NTSTATUS table (MS-ERREF 2.3.1)", () => {
  it("holds the whole table, not a subset", () => {
    expect(Object.keys(NtStatus).length).toBeGreaterThan(1700);
  });

  // Values as listed in MS-ERREF 2.3.1 (and MS-SMB2 section 2.2 / 3.x where the client meets them).
  const known: [keyof typeof NtStatus, number][] = [
    ["STATUS_SUCCESS", 0x00000000],
    ["STATUS_PENDING", 0x00000103],
    ["STATUS_NOTIFY_ENUM_DIR", 0x0000010c],
    ["STATUS_BUFFER_OVERFLOW", 0x80000005],
    ["STATUS_NO_MORE_FILES", 0x80000006],
    ["STATUS_STOPPED_ON_SYMLINK", 0x8000002d],
    ["STATUS_MORE_PROCESSING_REQUIRED", 0xc0000016],
    ["STATUS_ACCESS_DENIED", 0xc0000022],
    ["STATUS_OBJECT_NAME_NOT_FOUND", 0xc0000034],
    ["STATUS_NOT_SUPPORTED", 0xc00000bb],
    ["STATUS_NETWORK_NAME_DELETED", 0xc00000c9],
    ["STATUS_BAD_NETWORK_NAME", 0xc00000cc],
    ["STATUS_CANCELLED", 0xc0000120],
    ["STATUS_FILE_CLOSED", 0xc0000128],
    ["STATUS_FS_DRIVER_REQUIRED", 0xc000019c],
    ["STATUS_USER_SESSION_DELETED", 0xc0000203],
    ["STATUS_INSUFF_SERVER_RESOURCES", 0xc0000205],
    ["STATUS_PATH_NOT_COVERED", 0xc0000257],
    ["STATUS_NOT_A_REPARSE_POINT", 0xc0000275],
    ["STATUS_NETWORK_SESSION_EXPIRED", 0xc000035c],
    ["STATUS_SMB_BAD_CLUSTER_DIALECT", 0xc05d0001],
  ];
  it.each(known)("%s = %i", (name, code) => {
    expect(NtStatus[name]).toBe(code);
    expect(ntStatusName(code)).toBe(name);
    expect(ntStatusCode(name)).toBe(code);
    expect(ntStatusMessage(code)).toMatch(/\w/);
  });

  it("names the first of two names sharing a code and formats unknown codes as hex", () => {
    expect(ntStatusName(0)).toBe("STATUS_SUCCESS");
    expect(ntStatusName(0xc00000ff)).toMatch(/^STATUS_/);
    expect(ntStatusName(0xc0ff1234)).toBe("0xC0FF1234");
    expect(ntStatusName(-1073741790)).toBe("STATUS_ACCESS_DENIED"); // signed form of 0xC0000022
    expect(ntStatusMessage(0xc0ff1234)).toBeUndefined();
    expect(ntStatusCode("ACCESS_DENIED")).toBe(0xc0000022);
    expect(formatNtStatus(0xc0000022)).toBe("STATUS_ACCESS_DENIED (0xC0000022)");
    expect(ntStatusMessage(NtStatus.STATUS_ACCESS_DENIED)).toBe(
      "{Access Denied} A process has requested access to an object but has not been granted those access rights.",
    );
  });

  it("classifies by the severity bits", () => {
    expect(isSuccess(NtStatus.STATUS_PENDING)).toBe(true);
    expect(isInformational(NtStatus.STATUS_OBJECT_NAME_EXISTS)).toBe(true);
    expect(isWarning(NtStatus.STATUS_BUFFER_OVERFLOW)).toBe(true);
    expect(isError(NtStatus.STATUS_ACCESS_DENIED)).toBe(true);
    expect(isError(NtStatus.STATUS_BUFFER_OVERFLOW)).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (c) => {
        const n = [isSuccess(c), isInformational(c), isWarning(c), isError(c)].filter(Boolean).length;
        expect(n).toBe(1);
        expect(typeof ntStatusName(c)).toBe("string");
      }),
    );
  });

  it("every code fits in 32 bits and every name is unique", () => {
    for (const [name, code] of Object.entries(NtStatus)) {
      expect(code >>> 0, name).toBe(code);
    }
  });
});
