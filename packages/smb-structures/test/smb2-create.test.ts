import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CreateAction,
  type CreateContext,
  CreateContextName,
  CreateContexts,
  CreateContextStruct,
  CreateDisposition,
  CreateOptions,
  CreateRequest,
  CreateResponse,
  createContext,
  findCreateContext,
  formatFlags,
  FilePipePrinterAccessMask,
  LeaseState,
  OplockLevel,
  queryMaximalAccessContext,
  queryOnDiskIdContext,
  ShareAccess,
  struct,
  chain,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { arb, decodeBody, fuzzDecode, propertyRoundTrip, roundTripBody } from "./helpers/smb2.js";

describe("SMB2 CREATE request (MS-SMB2 2.2.13)", () => {
  it("decodes smbclient's CREATE (Samba appends a UTF-16 NUL after the name) and re-encodes it", () => {
    const v = roundTripBody(CreateRequest, V.SC_CREATE_REQ, 64, 2);
    expect(v).toMatchObject({
      requestedOplockLevel: OplockLevel.NONE,
      impersonationLevel: 2,
      desiredAccess: 0x00120089,
      shareAccess: ShareAccess.READ | ShareAccess.WRITE,
      createDisposition: CreateDisposition.OPEN,
      createOptions: CreateOptions.NON_DIRECTORY_FILE,
      name: "hello.txt",
      createContexts: [],
    });
    expect(formatFlags(v.desiredAccess, FilePipePrinterAccessMask)).toBe(
      "FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|SYNCHRONIZE|READ_CONTROL",
    );
    const root = roundTripBody(CreateRequest, V.SC_CREATE_DIR_REQ);
    expect(root.name).toBe("");
    expect(V.SC_CREATE_DIR_REQ.length - 64).toBe(57); // StructureSize's one byte of Buffer
  });

  it("round-trips requests with create contexts byte for byte (accepted by smbd)", () => {
    const a = roundTripBody(CreateRequest, V.DRV_CREATE_MXAC_QFID_REQ);
    expect(a.createContexts.map((c) => c.name)).toEqual(["MxAc", "QFid"]);
    const b = roundTripBody(CreateRequest, V.DRV_CREATE_LEASE2_DH2Q_REQ);
    expect(CreateContexts.leaseV2.find(b.createContexts)).toMatchObject({
      leaseKey: "01020304-0506-0708-090a-0b0c0d0e0f10",
      leaseState: LeaseState.READ_CACHING | LeaseState.HANDLE_CACHING | LeaseState.WRITE_CACHING,
    });
    expect(CreateContexts.durableHandleRequestV2.find(b.createContexts)?.createGuid).toBe(
      "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    );
    const d = roundTripBody(CreateRequest, V.DRV_CREATE_DHNQ_REQ);
    expect(d.requestedOplockLevel).toBe(OplockLevel.BATCH);
    expect(CreateContexts.durableHandleRequest.find(d.createContexts)).toEqual({});
    const e = roundTripBody(CreateRequest, V.DRV_CREATE_EA_REQ);
    expect(CreateContexts.eaBuffer.find(e.createContexts)?.entries).toEqual([
      { flags: 0, eaName: "TESTEA", eaValue: Buffer.from("value1") },
      { flags: 0, eaName: "B", eaValue: Buffer.from("xy") },
    ]);
    expect(CreateContexts.allocationSize.find(e.createContexts)).toEqual({ allocationSize: 4096n });
    expect(CreateContexts.appInstanceId.find(e.createContexts)?.appInstanceId).toBe(
      "12345678-1234-1234-1234-123456789abc",
    );
    expect(findCreateContext(e.createContexts, CreateContextName.APP_INSTANCE_ID)?.name).toHaveLength(16);
    const l = roundTripBody(CreateRequest, V.DRV_CREATE_LEASE1_REQ);
    expect(CreateContexts.lease.find(l.createContexts)?.leaseState).toBe(3);
    expect(CreateContexts.leaseV2.find(l.createContexts)).toBeUndefined();
  });

  it("lays out contexts: 8-aligned after the name, Next/NameOffset/DataOffset derived, no data -> offset 0", () => {
    const buf = CreateRequest.encode({
      desiredAccess: 1,
      shareAccess: 0,
      createDisposition: 1,
      name: "a",
      createContexts: [queryOnDiskIdContext(), CreateContexts.timewarpToken.make({ timestamp: 5n })],
    });
    expect(buf.readUInt32LE(0x30)).toBe(64 + 56 + 8); // "a" (2 bytes) padded to 8
    const ctx = buf.subarray(64);
    expect(ctx.readUInt32LE(0)).toBe(24); // 16 + "QFid", padded to 8
    expect(ctx.readUInt16LE(4)).toBe(16);
    expect(ctx.readUInt16LE(10)).toBe(0); // DataOffset of the empty QFid data
    expect(ctx.readUInt16LE(24 + 10)).toBe(24); // TWrp data after its 4-byte name, 8-aligned
    expect(CreateContexts.timewarpToken.find(CreateRequest.decode(buf).createContexts)).toEqual({
      timestamp: 5n,
    });
  });
});

describe("SMB2 CREATE response (MS-SMB2 2.2.14)", () => {
  it("decodes smbclient's response and the context responses of smbd byte for byte", () => {
    const v = roundTripBody(CreateResponse, V.SC_CREATE_RESP);
    expect(v).toMatchObject({
      oplockLevel: 0,
      createAction: CreateAction.OPENED,
      endOfFile: 12n,
      fileAttributes: 0x80,
    });
    expect(v.fileId).toEqual({ persistent: 0xd3883727n, volatile: 0xd606a9a5n });
    const a = roundTripBody(CreateResponse, V.DRV_CREATE_MXAC_QFID_RESP);
    expect(CreateContexts.queryMaximalAccessResponse.find(a.createContexts)).toEqual({
      queryStatus: 0,
      maximalAccess: 0x001f01ff,
    });
    expect(CreateContexts.queryOnDiskIdResponse.find(a.createContexts)?.diskFileId).toBe(0x20c362n);
    const b = roundTripBody(CreateResponse, V.DRV_CREATE_LEASE2_DH2Q_RESP);
    expect(b.oplockLevel).toBe(OplockLevel.LEASE);
    expect(CreateContexts.leaseV2.find(b.createContexts)).toMatchObject({ leaseState: 7, epoch: 1 });
    expect(CreateContexts.durableHandleResponseV2.find(b.createContexts)).toEqual({
      timeout: 60000,
      flags: 0,
    });
    const d = roundTripBody(CreateResponse, V.DRV_CREATE_DHNQ_RESP);
    expect(d.oplockLevel).toBe(OplockLevel.BATCH);
    expect(CreateContexts.durableHandleResponse.find(d.createContexts)).toEqual({});
    roundTripBody(CreateResponse, V.DRV_CREATE_EA_RESP);
    const l = roundTripBody(CreateResponse, V.DRV_CREATE_LEASE1_RESP);
    expect(CreateContexts.lease.find(l.createContexts)).toEqual({
      leaseKey: "11111111-0506-0708-090a-0b0c0d0e0f10",
      leaseState: 3,
      leaseFlags: 0,
      leaseDuration: 0n,
    });
  });

  it("decodes context data as views of the received message", () => {
    const a = decodeBody(CreateResponse, V.DRV_CREATE_MXAC_QFID_RESP);
    expect(a.createContexts[0]!.data.buffer).toBe(V.DRV_CREATE_MXAC_QFID_RESP.buffer);
  });
});

const contextArb: fc.Arbitrary<CreateContext> = fc.oneof(
  fc.record({ name: fc.constantFrom(...Object.values(CreateContextName)), data: arb.bytes(40) }),
  fc.constant(queryMaximalAccessContext()),
  arb.bytes(8).map((b) => createContext("XXXX", b)),
);

describe("CREATE properties", () => {
  it("random bytes decode or fail with SmbDecodeError", () => {
    const contexts = struct("contexts", { list: chain(CreateContextStruct) });
    fuzzDecode([
      CreateRequest,
      CreateResponse,
      contexts,
      ...Object.values(CreateContexts).map((c) => c.struct),
    ]);
  });
  it("request and response: decode(encode(x)) = x", () => {
    propertyRoundTrip(
      CreateRequest,
      fc.record({
        requestedOplockLevel: arb.u8,
        impersonationLevel: arb.u32,
        desiredAccess: arb.u32,
        fileAttributes: arb.u32,
        shareAccess: arb.u32,
        createDisposition: arb.u32,
        createOptions: arb.u32,
        name: arb.text(),
        createContexts: fc.array(contextArb, { maxLength: 4 }),
      }),
    );
    propertyRoundTrip(
      CreateResponse,
      fc.record({
        oplockLevel: arb.u8,
        flags: arb.u8,
        createAction: arb.u32,
        creationTime: arb.u64,
        lastAccessTime: arb.u64,
        lastWriteTime: arb.u64,
        changeTime: arb.u64,
        allocationSize: arb.u64,
        endOfFile: arb.u64,
        fileAttributes: arb.u32,
        fileId: arb.fileId,
        createContexts: fc.array(contextArb, { maxLength: 4 }),
      }),
    );
  });
  it("typed contexts: parse(make(x)) = x", () => {
    const lease = fc.record({
      leaseKey: arb.guid,
      leaseState: arb.u32,
      leaseFlags: arb.u32,
      leaseDuration: arb.u64,
      parentLeaseKey: arb.guid,
      epoch: arb.u16,
    });
    fc.assert(
      fc.property(lease, (v) => {
        expect(CreateContexts.leaseV2.parse(CreateContexts.leaseV2.make(v))).toEqual(v);
        expect(CreateContexts.leaseV2.find([CreateContexts.leaseV2.make(v)])).toEqual(v);
      }),
    );
    fc.assert(
      fc.property(arb.fileId, arb.guid, arb.u32, (fid, g, flags) => {
        const v = { fileId: fid, createGuid: g, flags };
        expect(
          CreateContexts.durableHandleReconnectV2.parse(CreateContexts.durableHandleReconnectV2.make(v)),
        ).toEqual(v);
      }),
    );
  });
});
