// FSCTL payloads. Known answers: Samba 4.17 smbd answering smbtorture 4.17 (smb2.ioctl.* tests) on
// loopback, captured by test/vectors/capture-samba.mjs into test/vectors/samba-4.17.json.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AllocatedRanges,
  decodeVar,
  DuplicateExtentsData,
  encodeVar,
  FileAllocatedRangeBuffer,
  FileFsAttributeInformation,
  FileSetSparseBuffer,
  FileSystemAttributes,
  FileZeroDataInformation,
  FsctlCode,
  fsctlName,
  NetworkInterfaceInfo,
  NetworkResiliencyRequest,
  PipePeekResponse,
  PipeWaitRequest,
  SmbDecodeError,
  SockaddrFamily,
  SrvCopychunkCopy,
  SrvCopychunkResponse,
  SrvReadHashRequest,
  SrvRequestResumeKeyResponse,
  SrvSnapshotArray,
  ValidateNegotiateInfoRequest,
  ValidateNegotiateInfoResponse,
  type VarCodec,
} from "../src/index.js";
import samba from "./vectors/samba-4.17.json";

const v = (k: keyof typeof samba.vectors) => Buffer.from(samba.vectors[k], "hex");
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("FSCTL codes", () => {
  it("carries the MS-SMB2 2.2.31 / MS-DFSC values", () => {
    expect(FsctlCode.FSCTL_DFS_GET_REFERRALS).toBe(0x00060194);
    expect(FsctlCode.FSCTL_DFS_GET_REFERRALS_EX).toBe(0x000601b0);
    expect(FsctlCode.FSCTL_SRV_COPYCHUNK).toBe(0x001440f2);
    expect(FsctlCode.FSCTL_SRV_COPYCHUNK_WRITE).toBe(0x001480f2);
    expect(FsctlCode.FSCTL_QUERY_NETWORK_INTERFACE_INFO).toBe(0x001401fc);
    expect(FsctlCode.FSCTL_VALIDATE_NEGOTIATE_INFO).toBe(0x00140204);
    expect(FsctlCode.FSCTL_PIPE_TRANSCEIVE).toBe(0x0011c017);
    expect(fsctlName(0x00144064)).toBe("FSCTL_SRV_ENUMERATE_SNAPSHOTS");
    expect(fsctlName(0x12345678)).toBe("0x12345678");
  });
});

describe("FSCTL payloads against Samba 4.17 / smbtorture", () => {
  it("VALIDATE_NEGOTIATE_INFO request and response (smb2.ioctl.bug14788, SMB 3.0.2)", () => {
    const req = ValidateNegotiateInfoRequest.decode(v("IOCTL request 0x00140204"));
    expect(req.capabilities).toBe(0x7f);
    expect(req.securityMode).toBe(1);
    expect(req.dialects).toEqual([0x0202, 0x0210, 0x0300, 0x0302]);
    expect(ValidateNegotiateInfoRequest.encode(req).equals(v("IOCTL request 0x00140204"))).toBe(true);
    const rsp = ValidateNegotiateInfoResponse.decode(v("IOCTL 0x00140204"));
    expect(rsp.dialect).toBe(0x0302);
    expect(rsp.capabilities).toBe(0x4f);
    // Samba's server GUID is its NetBIOS name, NUL-padded to 16 bytes.
    expect(v("IOCTL 0x00140204").subarray(4, 13).toString()).toBe("smbjstest");
    expect(ValidateNegotiateInfoResponse.encode(rsp).equals(v("IOCTL 0x00140204"))).toBe(true);
  });

  it("NETWORK_INTERFACE_INFO (smb2.ioctl.network_interface_info): 127.0.0.1 at 1 Gbit/s", () => {
    const list = decodeVar(NetworkInterfaceInfo, v("IOCTL 0x001401fc"));
    expect(list).toEqual([
      {
        ifIndex: 1,
        capability: 0,
        linkSpeed: 1_000_000_000n,
        sockaddr: { family: SockaddrFamily.InterNetwork, port: 0, address: "127.0.0.1" },
      },
    ]);
    expect(encodeVar(NetworkInterfaceInfo, list).equals(v("IOCTL 0x001401fc"))).toBe(true);
  });

  it("encodes IPv6 SOCKADDR_IN6 entries and chains them (152-byte entries)", () => {
    const list = [
      {
        ifIndex: 2,
        capability: 1,
        linkSpeed: 10_000_000_000n,
        sockaddr: {
          family: SockaddrFamily.InterNetworkV6,
          port: 0,
          flowInfo: 0,
          address: "fe80::1:2",
          scopeId: 2,
        },
      },
      {
        ifIndex: 3,
        capability: 3,
        linkSpeed: 100n,
        sockaddr: { family: SockaddrFamily.InterNetwork, port: 445, address: "192.0.2.7" },
      },
    ];
    const buf = encodeVar(NetworkInterfaceInfo, list);
    expect(buf.length).toBe(304);
    expect(buf.readUInt32LE(0)).toBe(152);
    expect(buf.subarray(24, 52).toString("hex")).toBe(
      "1700" + "0000" + "00000000" + "fe800000000000000000000000010002" + "02000000",
    );
    expect(buf.subarray(152 + 24, 152 + 32).toString("hex")).toBe("020001bdc0000207");
    expect(decodeVar(NetworkInterfaceInfo, buf)).toEqual(list);
  });

  it("SRV_REQUEST_RESUME_KEY response (smb2.ioctl.req_resume_key): 24-byte key, padded to 32", () => {
    const buf = v("IOCTL 0x00140078");
    expect(buf.length).toBe(32); // ResumeKey, ContextLength 0, and the Context[1] padding of the C struct
    const r = SrvRequestResumeKeyResponse.decode(buf);
    expect(r.resumeKey.equals(buf.subarray(0, 24))).toBe(true);
    expect(r.context.length).toBe(0);
    expect(SrvRequestResumeKeyResponse.encode(r).equals(buf.subarray(0, 28))).toBe(true);
  });

  it("SRV_COPYCHUNK_COPY request and SRV_COPYCHUNK_RESPONSE (smb2.ioctl.copy_chunk_simple/_limits)", () => {
    const req = SrvCopychunkCopy.decode(v("IOCTL request 0x001440f2"));
    expect(req.chunks).toEqual([{ sourceOffset: 0n, targetOffset: 0n, length: 4096 }]);
    expect(SrvCopychunkCopy.encode(req).equals(v("IOCTL request 0x001440f2"))).toBe(true);
    expect(SrvCopychunkResponse.decode(v("IOCTL 0x001440f2"))).toEqual({
      chunksWritten: 1,
      chunkBytesWritten: 0,
      totalBytesWritten: 4096,
    });
    // STATUS_INVALID_PARAMETER carries the server limits: 256 chunks, 1 MiB each, 16 MiB in total.
    expect(SrvCopychunkResponse.decode(v("IOCTL 0x001440f2 0xc000000d"))).toEqual({
      chunksWritten: 256,
      chunkBytesWritten: 1 << 20,
      totalBytesWritten: 16 << 20,
    });
    const bad = Buffer.from(v("IOCTL request 0x001440f2"));
    bad.writeUInt32LE(1000, 24); // ChunkCount past the buffer
    expect(() => SrvCopychunkCopy.decode(bad)).toThrow(SmbDecodeError);
  });

  it("sparse files: SET_SPARSE, QUERY_ALLOCATED_RANGES, SET_ZERO_DATA (smb2.ioctl.sparse_qar/punch)", () => {
    expect(FileSetSparseBuffer.decode(v("IOCTL request 0x000900c4"))).toEqual({ setSparse: true });
    expect(FileAllocatedRangeBuffer.decode(v("IOCTL request 0x000940cf"))).toEqual({
      fileOffset: 0n,
      length: 0n,
    });
    const ranges = AllocatedRanges.decode(v("IOCTL 0x000940cf"));
    expect(ranges.ranges).toEqual([{ fileOffset: 4096n, length: 1024n }]);
    expect(AllocatedRanges.encode(ranges).equals(v("IOCTL 0x000940cf"))).toBe(true);
    const zero = FileZeroDataInformation.decode(v("IOCTL request 0x000980c8"));
    expect(zero).toEqual({ fileOffset: 0n, beyondFinalZero: 4096n });
    expect(FileZeroDataInformation.encode(zero).equals(v("IOCTL request 0x000980c8"))).toBe(true);
  });

  it("FileFsAttributeInformation smbtorture asked for: NTFS, 255-character names", () => {
    const a = FileFsAttributeInformation.decode(v("QUERY_INFO type 2 class 5"));
    expect(a.fileSystemName).toBe("NTFS");
    expect(a.maximumComponentNameLength).toBe(255);
    expect(a.fileSystemAttributes & FileSystemAttributes.FILE_SUPPORTS_SPARSE_FILES).toBeTruthy();
    expect(FileFsAttributeInformation.encode(a).equals(v("QUERY_INFO type 2 class 5"))).toBe(true);
  });
});

describe("FSCTL payloads laid out by hand from the spec tables", () => {
  it("FSCTL_PIPE_WAIT request (MS-FSCC 2.3.31) and FSCTL_PIPE_PEEK reply (2.3.30)", () => {
    const wait = PipeWaitRequest.encode({ name: "srvsvc", timeout: -50_000_000n, timeoutSpecified: true });
    expect(wait.toString("hex")).toBe(
      `800f05fdffffffff 0c000000 01 00 ${Buffer.from("srvsvc", "utf16le").toString("hex")}`.replace(
        /\s+/g,
        "",
      ),
    );
    expect(PipeWaitRequest.decode(wait)).toEqual({
      name: "srvsvc",
      timeout: -50_000_000n,
      timeoutSpecified: true,
    });
    const peek = hex("03000000 05000000 01000000 05000000 68656c6c6f");
    const p = PipePeekResponse.decode(peek);
    expect(p).toEqual({
      namedPipeState: 3,
      readDataAvailable: 5,
      numberOfMessages: 1,
      messageLength: 5,
      data: Buffer.from("hello"),
    });
    expect(PipePeekResponse.encode(p).equals(peek)).toBe(true);
  });

  it("SRV_SNAPSHOT_ARRAY (MS-SMB2 2.2.32.2): @GMT names, each NUL-terminated, plus a final NUL", () => {
    const names = ["@GMT-2024.01.02-03.04.05", "@GMT-2024.02.03-04.05.06"];
    const buf = SrvSnapshotArray.encode({
      numberOfSnapShots: 2,
      numberOfSnapShotsReturned: 2,
      snapShots: names,
    });
    expect(buf.readUInt32LE(8)).toBe(2 * 50 + 2);
    expect(buf.subarray(12).toString("utf16le")).toBe(`${names[0]}\0${names[1]}\0\0`);
    expect(SrvSnapshotArray.decode(buf).snapShots).toEqual(names);
    // A too-small output buffer: the count alone, no names.
    expect(SrvSnapshotArray.decode(hex("05000000 00000000 00000000"))).toEqual({
      numberOfSnapShots: 5,
      numberOfSnapShotsReturned: 0,
      snapShots: [],
    });
  });

  it("NETWORK_RESILIENCY_REQUEST, SRV_READ_HASH, DUPLICATE_EXTENTS_DATA", () => {
    expect(NetworkResiliencyRequest.encode({ timeout: 60000 }).toString("hex")).toBe("60ea000000000000");
    expect(
      SrvReadHashRequest.encode({ hashVersion: 1, hashRetrievalType: 1, length: 65536, offset: 0n }).toString(
        "hex",
      ),
    ).toBe("01000000010000000100000000000100" + "0000000000000000");
    const d = {
      fileHandle: { persistent: 1n, volatile: 2n },
      sourceFileOffset: 0n,
      targetFileOffset: 4096n,
      byteCount: 65536n,
    };
    expect(DuplicateExtentsData.decode(DuplicateExtentsData.encode(d))).toEqual(d);
    expect(DuplicateExtentsData.fixedSize).toBe(40);
  });

  it("decoders yield a value or SmbDecodeError on random bytes", () => {
    const structs = [
      SrvCopychunkCopy,
      SrvCopychunkResponse,
      SrvRequestResumeKeyResponse,
      ValidateNegotiateInfoRequest,
      ValidateNegotiateInfoResponse,
      PipePeekResponse,
      PipeWaitRequest,
      SrvSnapshotArray,
      AllocatedRanges,
      FileZeroDataInformation,
      DuplicateExtentsData,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const b = Buffer.from(bytes);
        for (const s of structs) {
          try {
            s.decode(b);
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        }
        try {
          decodeVar(NetworkInterfaceInfo as VarCodec<unknown[]>, b);
        } catch (e) {
          if (!(e instanceof SmbDecodeError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips generated copychunk requests and interface lists", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.array(
          fc.record({
            sourceOffset: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
            targetOffset: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
            length: fc.integer({ min: 0, max: 0xffffffff }),
          }),
          { maxLength: 20 },
        ),
        (key, chunks) => {
          const sourceKey = Buffer.from(key);
          expect(SrvCopychunkCopy.decode(SrvCopychunkCopy.encode({ sourceKey, chunks }))).toEqual({
            sourceKey,
            chunks,
          });
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ifIndex: fc.integer({ min: 0, max: 0xffffffff }),
            capability: fc.integer({ min: 0, max: 3 }),
            linkSpeed: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
            sockaddr: fc.oneof(
              fc.record({
                family: fc.constant(SockaddrFamily.InterNetwork),
                port: fc.integer({ min: 0, max: 65535 }),
                address: fc.ipV4(),
              }),
              fc.record({
                family: fc.constant(SockaddrFamily.InterNetworkV6),
                port: fc.integer({ min: 0, max: 65535 }),
                flowInfo: fc.integer({ min: 0, max: 0xffffffff }),
                address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
                  // canonical text via a decode of the bytes
                  const e = Buffer.alloc(128);
                  e.writeUInt16LE(0x17, 0);
                  e.set(b, 8);
                  return (
                    decodeVar(NetworkInterfaceInfo, Buffer.concat([Buffer.alloc(24), e]))[0]!.sockaddr as {
                      address: string;
                    }
                  ).address;
                }),
                scopeId: fc.integer({ min: 0, max: 0xffffffff }),
              }),
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (list) => {
          expect(decodeVar(NetworkInterfaceInfo, encodeVar(NetworkInterfaceInfo, list))).toEqual(list);
        },
      ),
    );
  });
});
