import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bodyStruct,
  Command,
  CreateRequest,
  CreateResponse,
  commandBodies,
  ErrorResponse,
  HeaderFlags,
  IoctlResponse,
  LeaseBreakNotification,
  NtStatus,
  QueryDirectoryResponse,
  QueryInfoRequest,
  QueryInfoResponse,
  SessionSetupResponse,
  Smb2Header,
  SmbDecodeError,
  splitCompound,
} from "../src/index.js";
import * as V from "./helpers/samba-vectors.js";
import { decodeBody } from "./helpers/smb2.js";

describe("splitCompound (MS-SMB2 3.2.4.1.4)", () => {
  it("splits our compound request and smbd's compound response", () => {
    const req = splitCompound(V.DRV_COMPOUND_REQ);
    expect(req).toEqual([
      [0, 136],
      [136, 248],
      [248, V.DRV_COMPOUND_REQ.length],
    ]);
    const resp = splitCompound(V.DRV_COMPOUND_RESP);
    expect(resp.map(([s]) => Smb2Header.decode(V.DRV_COMPOUND_RESP, s).command)).toEqual([
      Command.CREATE,
      Command.QUERY_INFO,
      Command.CLOSE,
    ]);
    const [s1, e1] = resp[1]!;
    expect(Smb2Header.decode(V.DRV_COMPOUND_RESP, s1).flags & HeaderFlags.RELATED_OPERATIONS).toBeTruthy();
    const qi = QueryInfoResponse.decode(V.DRV_COMPOUND_RESP, s1 + 64, e1, { base: s1 });
    expect(qi.buffer.readBigUInt64LE(8)).toBe(50n); // FILE_STANDARD_INFORMATION.EndOfFile
    const [s0, e0] = resp[0]!;
    expect(CreateResponse.decode(V.DRV_COMPOUND_RESP, s0 + 64, e0, { base: s0 }).endOfFile).toBe(50n);
    const [r1s, r1e] = req[1]!;
    expect(QueryInfoRequest.decode(V.DRV_COMPOUND_REQ, r1s + 64, r1e, { base: r1s }).fileInfoClass).toBe(5);
    expect(splitCompound(V.SC_ECHO_REQ)).toEqual([[0, V.SC_ECHO_REQ.length]]);
  });
  it("rejects bad NextCommand values with SmbDecodeError", () => {
    const bad = (next: number) => {
      const b = Buffer.from(V.DRV_COMPOUND_REQ);
      b.writeUInt32LE(next, 20);
      return () => splitCompound(b);
    };
    expect(bad(8)).toThrow(/NextCommand/);
    expect(bad(132)).toThrow(/NextCommand/);
    expect(bad(V.DRV_COMPOUND_REQ.length)).toThrow(/NextCommand/);
    expect(bad(0x7ffffff8)).toThrow(SmbDecodeError);
    expect(() => splitCompound(Buffer.from(V.DRV_COMPOUND_REQ), 0, 100)).toThrow(SmbDecodeError);
    expect(() => splitCompound(Buffer.alloc(70))).toThrow(/ProtocolId/);
    const unaligned = Buffer.from(V.DRV_COMPOUND_REQ);
    unaligned.writeUInt32LE(132, 20);
    expect(() => splitCompound(unaligned, 0, unaligned.length, { requireAlignment: false })).toThrow(
      SmbDecodeError,
    );
  });
  it("never throws anything but SmbDecodeError on random input, and ranges tile the buffer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }),
        (raw, nexts) => {
          const b = Buffer.from(raw);
          let pos = 0;
          for (const n of nexts) {
            if (pos + 64 > b.length) break;
            b.writeUInt32LE(0x424d53fe, pos);
            b.writeUInt32LE(n, pos + 20);
            pos += n || 1000;
          }
          try {
            const parts = splitCompound(b);
            let at = 0;
            for (const [s, e] of parts) {
              expect(s).toBe(at);
              expect(e - s).toBeGreaterThanOrEqual(64);
              at = e;
            }
            expect(at).toBe(b.length);
          } catch (e) {
            if (!(e instanceof SmbDecodeError)) throw e;
          }
        },
      ),
    );
  });
});

describe("commandBodies / bodyStruct", () => {
  it("maps every command to its bodies", () => {
    expect(Object.keys(commandBodies)).toHaveLength(19);
    expect(commandBodies[Command.CREATE].requests).toEqual([CreateRequest]);
    expect(commandBodies[Command.CANCEL].responses).toEqual([]);
  });
  it("picks the body struct of captured messages", () => {
    const pick = (m: Buffer) => {
      const h = Smb2Header.decode(m);
      return bodyStruct(h.command, (h.flags & 1) !== 0, m, 64, h.status);
    };
    expect(pick(V.SC_CREATE_REQ)).toBe(CreateRequest);
    expect(pick(V.SC_CREATE_RESP)).toBe(CreateResponse);
    expect(pick(V.SC_NOT_FOUND_RESP)).toBe(ErrorResponse);
    expect(pick(V.SC_NO_MORE_FILES_RESP)).toBe(ErrorResponse);
    expect(pick(V.SC_QUERY_DIRECTORY_RESP)).toBe(QueryDirectoryResponse);
    expect(pick(V.DRV_CHANGE_NOTIFY_INTERIM)).toBe(ErrorResponse);
    expect(pick(V.DRV_LEASE_BREAK_NOTIFY_2)).toBe(LeaseBreakNotification);
    expect(pick(V.DRV_IOCTL_NETIF_RESP)).toBe(IoctlResponse);
    expect(pick(V.DRV_QUERY_INFO_SMALL_RESP)).toBe(ErrorResponse);
    const more = Buffer.from(V.SC_CREATE_RESP.subarray(0, 64));
    expect(
      bodyStruct(
        Command.SESSION_SETUP,
        true,
        Buffer.from("0900000048000000", "hex"),
        0,
        NtStatus.STATUS_MORE_PROCESSING_REQUIRED,
      ),
    ).toBe(SessionSetupResponse);
    expect(
      bodyStruct(
        Command.QUERY_INFO,
        true,
        Buffer.from("0900480000000000", "hex"),
        0,
        NtStatus.STATUS_BUFFER_OVERFLOW,
      ),
    ).toBe(QueryInfoResponse);
    // FSCTL_SRV_COPYCHUNK answers STATUS_INVALID_PARAMETER with a real IOCTL body
    expect(
      bodyStruct(Command.IOCTL, true, Buffer.from("3100", "hex"), 0, NtStatus.STATUS_INVALID_PARAMETER),
    ).toBe(IoctlResponse);
    expect(bodyStruct(0x99, true, more)).toBeUndefined();
    expect(decodeBody(pick(V.SC_CREATE_RESP)!, V.SC_CREATE_RESP)).toMatchObject({ createAction: 1 });
  });
});
