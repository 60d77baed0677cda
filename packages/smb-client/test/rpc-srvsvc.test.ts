import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcClient } from "../src/rpc/client.js";
import { RpcError } from "../src/rpc/errors.js";
import {
  BindAckPdu,
  BindNakPdu,
  BindPdu,
  decodeHeader,
  decodePdu,
  encodePdu,
  FaultPdu,
  NDR_SYNTAX,
  PType,
  RequestPdu,
  ResponsePdu,
  reassembleResponse,
} from "../src/rpc/pdu.js";
import {
  decodeNetrShareEnumResponse,
  encodeNetrShareEnumRequest,
  encodeNetrShareEnumResponse,
  type NetrShareEnumResponse,
  netShareEnum,
  type ShareInfo1,
  SRVSVC_SYNTAX,
  Stype,
  toShareInfo,
} from "../src/rpc/srvsvc.js";
import { FakePipe, fragmentResponse } from "./rpc-helpers.js";
import { SAMBA_ERRORS, SAMBA_L, SAMBA_MANY } from "./rpc-samba-capture.js";

const SAMBA_SHARES: ShareInfo1[] = [
  { netname: "share", type: 0, remark: "" },
  { netname: "share-encrypted", type: 0, remark: "" },
  { netname: "dfsroot", type: 0, remark: "" },
  { netname: "streams", type: 0, remark: "" },
  { netname: "readonly", type: 0, remark: "" },
  { netname: "IPC$", type: 0x80000003, remark: "IPC Service (Samba 4.17.12-Debian)" },
];

describe("NetrShareEnum stubs (MS-SRVS 3.1.4.8) against Samba's capture", () => {
  it("the request stub is byte-identical to smbclient's (ServerName as sent, level 1, max 0xFFFFFFFF)", () => {
    const sambaStub = decodePdu(RequestPdu, SAMBA_L.request).stub;
    expect(encodeNetrShareEnumRequest({ serverName: "127.0.0.1" })).toEqual(sambaStub);
    // Windows sends the UNC form; a NULL ServerName is a 0 referent.
    const unc = encodeNetrShareEnumRequest({ serverName: "\\\\srv", resumeHandle: 7 });
    expect(unc.toString("hex")).toBe(
      "00000200" + // ServerName referent
        "060000000000000006000000" + // max, offset, actual: "\\srv" + NUL
        "5c005c007300720076000000" + // 12 bytes: already 4-aligned
        "01000000" + // Level
        "01000000" + // union arm
        "04000200" + // container referent
        "00000000" + // EntriesRead
        "00000000" + // Buffer NULL
        "ffffffff" + // PreferedMaximumLength
        "08000200" + // ResumeHandle referent
        "07000000",
    );
    expect(encodeNetrShareEnumRequest({ serverName: null, resumeHandle: null }).toString("hex")).toBe(
      "00000000" + "01000000" + "01000000" + "00000200" + "00000000" + "00000000" + "ffffffff" + "00000000",
    );
  });

  it("decodes Samba's response into the server's share list", () => {
    const stub = decodePdu(ResponsePdu, SAMBA_L.response).stub;
    const res = decodeNetrShareEnumResponse(stub);
    expect(res).toEqual({ level: 1, entries: SAMBA_SHARES, totalEntries: 6, resumeHandle: 0, status: 0 });
    // Re-encoding with Samba's referent numbering gives its bytes back: deferred order is NDR's.
    expect(encodeNetrShareEnumResponse(res, 0x2000c)).toEqual(stub);
    expect(res.entries.map(toShareInfo)).toEqual([
      ...["share", "share-encrypted", "dfsroot", "streams", "readonly"].map((name) => ({
        name,
        type: "disk",
        special: false,
        temporary: false,
        remark: "",
        rawType: 0,
      })),
      {
        name: "IPC$",
        type: "ipc",
        special: true,
        temporary: false,
        remark: "IPC Service (Samba 4.17.12-Debian)",
        rawType: 0x80000003,
      },
    ]);
  });

  it("decodes the two-fragment response of a server with 66 shares (non-ASCII remarks)", () => {
    const res = decodeNetrShareEnumResponse(reassembleResponse(SAMBA_MANY.fragments, 2));
    expect(res.status).toBe(0);
    expect(res.totalEntries).toBe(66);
    expect(res.entries).toHaveLength(66);
    const many = res.entries.filter((e) => e.netname.startsWith("many-"));
    expect(many).toHaveLength(60);
    expect(many[42]).toEqual({ netname: "many-042", type: 0, remark: "remark 42 été 😀" });
    expect(encodeNetrShareEnumResponse(res, 0x2000c)).toEqual(reassembleResponse(SAMBA_MANY.fragments, 2));
  });

  it("maps share types and flags (MS-SRVS 2.2.2.4)", () => {
    const t = (type: number) => toShareInfo({ netname: "x", type, remark: "" });
    expect(t(Stype.PRINTQ)).toMatchObject({ type: "printer", special: false, temporary: false });
    expect(t(Stype.DEVICE | Stype.TEMPORARY)).toMatchObject({
      type: "device",
      temporary: true,
      rawType: 0x40000002,
    });
    expect(t(Stype.DISKTREE | Stype.SPECIAL)).toMatchObject({
      type: "disk",
      special: true,
      rawType: 0x80000000,
    });
    expect(t(Stype.DISKTREE | Stype.CLUSTER_FS)).toMatchObject({ type: "disk" });
    expect(t(7)).toMatchObject({ type: "unknown", rawType: 7 });
  });

  it("round-trips generated share lists (fast-check)", () => {
    const share = fc.record({
      netname: fc.string({ unit: "binary", maxLength: 80 }),
      type: fc.oneof(fc.constantFrom(0, 1, 2, 3, 0x80000000, 0x80000003, 0x40000000), fc.nat(0xffffffff)),
      remark: fc.string({ unit: "binary", maxLength: 80 }),
    });
    fc.assert(
      fc.property(
        fc.array(share, { maxLength: 30 }),
        fc.nat(0xffffffff),
        fc.option(fc.nat(0xffffffff), { nil: null }),
        fc.constantFrom(0, 5, 234),
        (entries, totalEntries, resumeHandle, status) => {
          const v: NetrShareEnumResponse = { level: 1, entries, totalEntries, resumeHandle, status };
          expect(decodeNetrShareEnumResponse(encodeNetrShareEnumResponse(v))).toEqual(v);
        },
      ),
    );
  });

  it("a NULL container decodes to no entries", () => {
    const stub = encodeNetrShareEnumResponse({
      entries: [],
      totalEntries: 0,
      resumeHandle: null,
      status: 5,
      nullContainer: true,
    });
    expect(decodeNetrShareEnumResponse(stub)).toEqual({
      level: 1,
      entries: [],
      totalEntries: 0,
      resumeHandle: null,
      status: 5,
    });
  });

  it("malformed responses are RpcErrors naming the field", () => {
    const stub = decodePdu(ResponsePdu, SAMBA_L.response).stub;
    const at = (off: number, v: number) => {
      const b = Buffer.from(stub);
      b.writeUInt32LE(v, off);
      return b;
    };
    expect(() => decodeNetrShareEnumResponse(at(4, 2))).toThrow(
      "NetrShareEnum response.InfoStruct.ShareInfo: union arm 2 does not match level 1",
    );
    expect(() => decodeNetrShareEnumResponse(at(12, 7))).toThrow(
      "NetrShareEnum response.SHARE_INFO_1_CONTAINER.EntriesRead: 7, but the array has 6",
    );
    expect(() => decodeNetrShareEnumResponse(at(20, 0x10000000))).toThrow(
      /SHARE_INFO_1_CONTAINER\.Buffer: 268435456 elements cannot fit/,
    );
    expect(() => decodeNetrShareEnumResponse(stub.subarray(0, stub.length - 2))).toThrow(
      "NetrShareEnum response.ReturnValue: needs 4 bytes at offset 452, the stub has 2",
    );
    const level2 = at(0, 2);
    level2.writeUInt32LE(2, 4);
    expect(() => decodeNetrShareEnumResponse(level2)).toThrow(/answered level 2, asked for 1/);
  });

  it("random and mutated stubs: a value or RpcError (fast-check)", () => {
    const stubs = [
      decodePdu(ResponsePdu, SAMBA_L.response).stub,
      reassembleResponse(SAMBA_MANY.fragments, 2),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc
            .tuple(
              fc.constantFrom(...stubs),
              fc.array(fc.tuple(fc.nat(6000), fc.nat(255)), { maxLength: 4 }),
              fc.nat(6000),
            )
            .map(([s, flips, cut]) => {
              const b = Buffer.from(s.subarray(0, cut));
              for (const [i, v] of flips) if (b.length) b[i % b.length] = v;
              return b;
            }),
        ),
        (b) => {
          try {
            decodeNetrShareEnumResponse(b);
          } catch (e) {
            if (!(e instanceof RpcError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** A fake srvsvc server: BIND_ACK like Samba's, NetrShareEnum answered by `answer`. */
function srvsvcServer(
  answer: (req: Buffer, call: number) => Buffer | Buffer[],
  opts: { maxFrag?: number; bind?: (callId: number) => Buffer } = {},
) {
  let calls = 0;
  return (fragments: Buffer[]): Buffer[] => {
    const h = decodeHeader(fragments[0]!);
    if (h.ptype === PType.BIND) {
      const bind = decodePdu(BindPdu, fragments[0]!);
      expect(bind.contexts[0]!.abstractSyntax).toEqual(SRVSVC_SYNTAX);
      if (opts.bind) return [opts.bind(h.callId)];
      const ack = decodePdu(BindAckPdu, SAMBA_L.bindAck);
      return [
        encodePdu(BindAckPdu, {
          ...ack,
          callId: h.callId,
          maxRecvFrag: opts.maxFrag ?? 4280,
          resultList: ack.resultList!,
        }),
      ];
    }
    const stub = reassembleRequest(fragments);
    const out = answer(stub, calls++);
    if (Array.isArray(out)) return out;
    return fragmentResponse(out, h.callId, opts.maxFrag ?? 4280);
  };
}

function reassembleRequest(fragments: Buffer[]): Buffer {
  return Buffer.concat(fragments.map((f) => decodePdu(RequestPdu, f).stub));
}

describe("netShareEnum over a pipe", () => {
  const sambaStub = decodePdu(ResponsePdu, SAMBA_L.response).stub;

  it("binds srvsvc, calls NetrShareEnum with \\\\server, returns ShareInfo[]; the pipe stays open", async () => {
    let seen: Buffer | undefined;
    const pipe = new FakePipe(
      srvsvcServer((req) => {
        seen = req;
        return sambaStub;
      }),
    );
    const shares = await netShareEnum(pipe, "fileserver");
    expect(shares.map((s) => s.name)).toEqual(SAMBA_SHARES.map((s) => s.netname));
    expect(seen).toEqual(encodeNetrShareEnumRequest({ serverName: "\\\\fileserver" }));
    expect(pipe.received[0]).toEqual(SAMBA_L.bind);
    expect(pipe.ops).toEqual(["transceive 72/4280", "transceive 100/4280"]);
    expect(pipe.closed).toBe(false);
  });

  it("reads the rest of a multi-fragment response from the pipe (Samba's real fragments)", async () => {
    const pipe = new FakePipe(srvsvcServer(() => SAMBA_MANY.fragments));
    const shares = await netShareEnum(pipe, "\\\\127.0.0.1");
    expect(shares).toHaveLength(66);
    expect(pipe.ops).toEqual(["transceive 72/4280", "transceive 96/4280", "read 4280"]);
  });

  it("copes with replies cut anywhere (STATUS_BUFFER_OVERFLOW, small reads, tiny fragments)", async () => {
    for (const [chunk, maxFrag] of [
      [7, 4280],
      [100, 64],
      [16, 48],
      [4280, 33],
    ] as const) {
      const pipe = new FakePipe(
        srvsvcServer(() => sambaStub, { maxFrag }),
        chunk,
      );
      const shares = await netShareEnum(pipe, "s");
      expect(shares.map((s) => s.name)).toEqual(SAMBA_SHARES.map((s) => s.netname));
    }
  });

  it("splits a large request into WRITEs and a final TRANSCEIVE", async () => {
    let seen: Buffer | undefined;
    const pipe = new FakePipe(
      srvsvcServer(
        (req) => {
          seen = req;
          return sambaStub;
        },
        { maxFrag: 64 },
      ),
    );
    const long = "x".repeat(100);
    await netShareEnum(pipe, long);
    expect(seen).toEqual(encodeNetrShareEnumRequest({ serverName: `\\\\${long}` }));
    const writes = pipe.ops.filter((o) => o.startsWith("write"));
    expect(writes.length).toBeGreaterThan(3);
    expect(pipe.ops[pipe.ops.length - 1]).toMatch(/^transceive \d+\/4280$/);
    for (const pdu of pipe.received.slice(1)) expect(pdu.length).toBeLessThanOrEqual(64);
  });

  it("loops on ERROR_MORE_DATA with the resume handle", async () => {
    const handles: number[] = [];
    const pipe = new FakePipe(
      srvsvcServer((req, i) => {
        handles.push(req.readUInt32LE(req.length - 4));
        const page = SAMBA_SHARES.slice(i * 2, i * 2 + 2);
        const last = i * 2 + 2 >= SAMBA_SHARES.length;
        return encodeNetrShareEnumResponse({
          entries: page,
          totalEntries: SAMBA_SHARES.length,
          resumeHandle: last ? 0 : (i + 1) * 2,
          status: last ? 0 : 234,
        });
      }),
    );
    const shares = await netShareEnum(pipe, "s");
    expect(shares.map((s) => s.name)).toEqual(SAMBA_SHARES.map((s) => s.netname));
    expect(handles).toEqual([0, 2, 4]);
  });

  it("refuses an ERROR_MORE_DATA that makes no progress", async () => {
    const pipe = new FakePipe(
      srvsvcServer(() =>
        encodeNetrShareEnumResponse({ entries: [], totalEntries: 9, resumeHandle: 0, status: 234 }),
      ),
    );
    await expect(netShareEnum(pipe, "s")).rejects.toThrow(/ERROR_MORE_DATA without progress/);
  });

  it("turns WERROR results into RpcErrors naming them", async () => {
    for (const [status, name] of [
      [5, "ERROR_ACCESS_DENIED"],
      [124, "ERROR_INVALID_LEVEL"],
      [0x4d5, "0x000004d5"],
    ] as const) {
      const pipe = new FakePipe(
        srvsvcServer(() =>
          encodeNetrShareEnumResponse({
            entries: [],
            totalEntries: 0,
            resumeHandle: null,
            status,
            nullContainer: true,
          }),
        ),
      );
      const err = await netShareEnum(pipe, "s").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
      expect(err).toMatchObject({ code: "ERR_RPC_WERROR", status, statusName: name });
      expect((err as Error).message).toContain(`NetrShareEnum failed: ${name}`);
    }
    // A failing call whose out-parameters do not parse still reports its WERROR (always the last 4 bytes).
    const short = new FakePipe(srvsvcServer(() => Buffer.from("0100000005000000", "hex")));
    await expect(netShareEnum(short, "s")).rejects.toMatchObject({ statusName: "ERROR_ACCESS_DENIED" });
  });

  it("turns a FAULT into an RpcError naming the fault", async () => {
    const pipe = new FakePipe(srvsvcServer(() => [encodePdu(FaultPdu, { callId: 2, status: 0x1c010002 })]));
    await expect(netShareEnum(pipe, "s")).rejects.toMatchObject({
      code: "ERR_RPC_FAULT",
      statusName: "nca_s_op_rng_error",
      opnum: 15,
    });
  });

  it("reports BIND_NAK and a refused context", async () => {
    const nak = new FakePipe(
      srvsvcServer(() => sambaStub, {
        bind: (callId) =>
          encodePdu(BindNakPdu, { callId, providerRejectReason: 4, versions: [{ major: 5, minor: 0 }] }),
      }),
    );
    await expect(netShareEnum(nak, "s")).rejects.toMatchObject({
      code: "ERR_RPC_BIND_REJECTED",
      statusName: "protocol_version_not_supported",
    });
    const refused = new FakePipe(
      srvsvcServer(() => sambaStub, {
        bind: (callId) =>
          encodePdu(BindAckPdu, {
            callId,
            maxXmitFrag: 4280,
            maxRecvFrag: 4280,
            assocGroupId: 1,
            secAddr: "",
            resultList: {
              results: [
                {
                  result: 2,
                  reason: 1,
                  transferSyntax: { ...NDR_SYNTAX, uuid: "00000000-0000-0000-0000-000000000000", version: 0 },
                },
              ],
            },
          }),
      }),
    );
    await expect(netShareEnum(refused, "s")).rejects.toThrow(
      "BIND of 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 refused: provider_rejection, abstract_syntax_not_supported",
    );
  });

  it("reports Samba's real refusal of an unknown interface and its real FAULT", async () => {
    const pipe = new FakePipe(() => [SAMBA_ERRORS.bindAckRejected]);
    const client = new RpcClient(pipe);
    const err = await client
      .bind({ uuid: "12345678-1234-abcd-ef00-0123456789ab", version: 1, versionMinor: 0 })
      .catch((e: unknown) => e);
    expect(pipe.received).toEqual([SAMBA_ERRORS.bindOther]);
    expect(err).toMatchObject({
      code: "ERR_RPC_BIND_REJECTED",
      status: 1,
      statusName: "abstract_syntax_not_supported",
    });
    const c2 = new RpcClient(
      new FakePipe((frags) =>
        decodeHeader(frags[0]!).ptype === PType.BIND
          ? srvsvcServer(() => Buffer.alloc(0))(frags)
          : [SAMBA_ERRORS.fault],
      ),
    );
    await c2.bind(SRVSVC_SYNTAX);
    await expect(c2.call(200, Buffer.alloc(0))).rejects.toMatchObject({
      code: "ERR_RPC_FAULT",
      status: 0x1c010002,
      statusName: "nca_s_op_rng_error",
      opnum: 200,
    });
  });

  it("rejects replies for another call, truncated pipes and trailing bytes", async () => {
    const other = new FakePipe(srvsvcServer(() => fragmentResponse(sambaStub, 99, 4280)));
    await expect(netShareEnum(other, "s")).rejects.toThrow(/RESPONSE for call_id 99, expected 2/);
    const cut = new FakePipe(srvsvcServer(() => [SAMBA_MANY.fragments[0]!]));
    await expect(netShareEnum(cut, "s")).rejects.toThrow(/the pipe ended inside a PDU \(0 of 16 bytes\)/);
    const half = new FakePipe(srvsvcServer(() => [SAMBA_L.response.subarray(0, 100)]));
    await expect(netShareEnum(half, "s")).rejects.toThrow(/\(100 of 480 bytes\)/);
    const extra = new FakePipe(srvsvcServer(() => [SAMBA_L.response, Buffer.alloc(3)]));
    await expect(netShareEnum(extra, "s")).rejects.toThrow(/3 bytes after the last fragment/);
    // The reply fits maxResponse exactly but the server says there is more (STATUS_BUFFER_OVERFLOW).
    const overflow = new FakePipe(
      srvsvcServer(() => [SAMBA_L.response, Buffer.alloc(8)]),
      480,
    );
    await expect(netShareEnum(overflow, "s")).rejects.toThrow(/more data after the last fragment/);
  });

  it("RpcClient serialises concurrent calls and refuses use after close", async () => {
    const pipe = new FakePipe(
      srvsvcServer(() => sambaStub),
      5,
    );
    const client = new RpcClient(pipe);
    await client.bind(SRVSVC_SYNTAX);
    const stub = encodeNetrShareEnumRequest({ serverName: "s" });
    const all = await Promise.all([1, 2, 3].map(() => client.call(15, stub)));
    for (const r of all) expect(decodeNetrShareEnumResponse(r).entries).toHaveLength(6);
    await expect(client.bind(SRVSVC_SYNTAX)).rejects.toThrow(/already bound/);
    await client.close();
    expect(pipe.closed).toBe(true);
    await expect(client.call(15, stub)).rejects.toMatchObject({ code: "ERR_RPC_CLOSED" });
    await expect(new RpcClient(new FakePipe(() => [])).call(15, stub)).rejects.toThrow(/call before bind/);
    // After a framing error the association is not trusted any more; a FAULT leaves it usable.
    let n = 0;
    const flaky = new RpcClient(
      new FakePipe(
        srvsvcServer(() => {
          n++;
          if (n === 1) return [encodePdu(FaultPdu, { callId: 2, status: 5 })];
          if (n === 2) return sambaStub;
          return [SAMBA_L.response.subarray(0, 20)];
        }),
      ),
    );
    await flaky.bind(SRVSVC_SYNTAX);
    await expect(flaky.call(15, stub)).rejects.toMatchObject({ code: "ERR_RPC_FAULT", status: 5 });
    const ok = await flaky.call(15, stub);
    expect(ok.length).toBe(456);
    await expect(flaky.call(15, stub)).rejects.toThrow(/the pipe ended inside a PDU/);
    await expect(flaky.call(15, stub)).rejects.toThrow(/RPC association unusable after: the pipe ended/);
    expect(() => new RpcClient(pipe, { maxXmitFrag: 10 })).toThrow(/maxXmitFrag 10 is outside/);
  });
});
