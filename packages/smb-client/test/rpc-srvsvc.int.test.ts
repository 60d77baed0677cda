import { negotiate } from "smb-auth";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Connection, type Session } from "../src/index.js";
import { RpcClient } from "../src/rpc/client.js";
import { RpcError } from "../src/rpc/errors.js";
import { listSharesOnSession, openRpcPipe } from "../src/rpc/smb-pipe.js";
import { encodeNetrShareEnumRequest, netShareEnum, SRVSVC_SYNTAX } from "../src/rpc/srvsvc.js";
import { startSamba } from "../../../tools/samba/server.mjs";

const samba = inject("samba");

async function login(server: {
  host: string;
  port: number;
  username: string;
  password: string;
  domain: string;
}) {
  const conn = await Connection.connect({ host: server.host, port: server.port });
  const mech = negotiate({
    username: server.username,
    password: server.password,
    domain: server.domain,
  }).create({
    targetName: server.host,
  });
  return { conn, session: await conn.authenticate(mech) };
}

describe("srvsvc NetrShareEnum through our client against Samba", () => {
  let conn: Connection;
  let session: Session;
  beforeAll(async () => {
    ({ conn, session } = await login(samba));
  });
  afterAll(async () => {
    await conn?.close();
  });

  it("lists the harness's shares plus IPC$", async () => {
    const shares = await listSharesOnSession(session);
    const names = shares.map((s) => s.name);
    // share-signed lives on the signing companion smbd, not on this one.
    const expected = Object.keys(samba.shares).filter((n) => samba.external || n !== "share-signed");
    for (const n of expected) expect(names).toContain(n);
    if (!samba.external) expect(names.sort()).toEqual([...expected, "IPC$"].sort());
    for (const s of shares.filter((s) => s.name !== "IPC$")) {
      expect(s).toMatchObject({ type: "disk", special: false, temporary: false });
    }
    expect(shares.find((s) => s.name === "IPC$")).toMatchObject({
      type: "ipc",
      special: true,
      rawType: 0x80000003,
    });
  });

  it("netShareEnum over a pipe opened by hand leaves the pipe to its owner", async () => {
    const tree = await session.connectTree("IPC$");
    const pipe = await openRpcPipe(tree, "srvsvc");
    try {
      const shares = await netShareEnum(pipe, samba.host);
      expect(shares.map((s) => s.name)).toContain("IPC$");
      expect(pipe.open.closed).toBe(false);
    } finally {
      await pipe.close();
      await tree.disconnect();
    }
    expect(pipe.open.closed).toBe(true);
  });

  it("binds on a raw pipe, gets a FAULT for an unknown opnum, and the association stays usable", async () => {
    const tree = await session.connectTree("IPC$");
    const pipe = await openRpcPipe(tree, "\\PIPE\\srvsvc");
    const client = new RpcClient(pipe);
    try {
      const b = await client.bind(SRVSVC_SYNTAX);
      expect(b.secondaryAddress.toLowerCase()).toBe("\\pipe\\srvsvc");
      expect(b.maxXmitFrag).toBe(4280);
      const err = await client.call(200, Buffer.alloc(0)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
      expect(err).toMatchObject({ code: "ERR_RPC_FAULT", statusName: "nca_s_op_rng_error", opnum: 200 });
      const stub = await client.call(15, encodeNetrShareEnumRequest({ serverName: `\\\\${samba.host}` }));
      expect(stub.readUInt32LE(stub.length - 4)).toBe(0);
    } finally {
      await client.close();
      await tree.disconnect();
    }
  });

  it("refuses a BIND to an interface the pipe does not serve", async () => {
    const tree = await session.connectTree("IPC$");
    const pipe = await openRpcPipe(tree, "srvsvc");
    try {
      const client = new RpcClient(pipe);
      await expect(
        client.bind({ uuid: "12345678-1234-abcd-ef00-0123456789ab", version: 1, versionMinor: 0 }),
      ).rejects.toMatchObject({ code: "ERR_RPC_BIND_REJECTED" });
    } finally {
      await pipe.close().catch(() => {});
      await tree.disconnect();
    }
  });
});

describe.skipIf(samba.external)("a server with many shares (multi-fragment responses)", () => {
  it("reassembles fragments read after the transceive, 1000+ shares with non-ASCII remarks", async () => {
    const shares: Record<string, Record<string, string>> = {};
    for (let i = 0; i < 1200; i++)
      shares[`many-${String(i).padStart(4, "0")}`] = { comment: `remark ${i} été 😀` };
    const server = await startSamba({ signedCompanion: false, shares });
    try {
      const { conn, session } = await login(server);
      try {
        const list = await listSharesOnSession(session);
        const many = list.filter((s) => s.name.startsWith("many-"));
        expect(many).toHaveLength(1200);
        expect(many.find((s) => s.name === "many-0777")).toEqual({
          name: "many-0777",
          type: "disk",
          special: false,
          temporary: false,
          remark: "remark 777 été 😀",
          rawType: 0,
        });
      } finally {
        await conn.close();
      }
    } finally {
      await server.stop();
    }
  });
});
