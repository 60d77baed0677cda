/**
 * Secrets never reach logs (issue 11): a whole session with NODE_DEBUG=smb* in a child process over the
 * built packages; the password, its NT hash and the derived keys must not appear in what it printed,
 * nor in util.inspect of the objects involved.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { md4 } from "../../packages/smb-crypto/src/index.js";

const samba = inject("samba");
const root = fileURLToPath(new URL("../..", import.meta.url));

describe("secrets stay out of debug logs", () => {
  it("NODE_DEBUG=smb* output names no password, hash or key", () => {
    const dist = `${root}/packages/smb-client/dist/index.js`;
    expect(existsSync(dist), "build the packages first (pnpm build): this test runs the built dist").toBe(
      true,
    );
    const script = `
      import { inspect } from "node:util";
      import { Connection } from "${root}/packages/smb-client/dist/index.js";
      import { negotiate, Credentials } from "${root}/packages/smb-auth/dist/index.js";
      const conn = await Connection.connect({ host: process.env.H, port: Number(process.env.P) });
      const creds = { username: process.env.U, password: process.env.PW };
      const mech = negotiate(creds).create({ targetName: process.env.H });
      const s = await conn.authenticate(mech, { encrypt: true });
      const t = await s.connectTree("share");
      const f = await t.create("secrets.txt", { desiredAccess: 0x12019f, disposition: 5 });
      await f.write(Buffer.from("x"), 0);
      await f.close();
      console.log(inspect(conn, { depth: 6 }));
      console.log(inspect(s, { depth: 6 }));
      console.log(inspect(mech, { depth: 6 }));
      console.log(inspect(new Credentials({ username: "u", password: process.env.PW }), { depth: 4 }));
      try { await (await Connection.connect({ host: process.env.H, port: Number(process.env.P) }))
        .authenticate(negotiate({ username: process.env.U, password: process.env.PW + "x" }).create({ targetName: process.env.H })); }
      catch (e) { console.log(inspect(e, { depth: 6 })); }
      await conn.close();
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        ...process.env,
        NODE_DEBUG: "smb*",
        H: samba.host,
        P: String(samba.port),
        U: samba.username,
        PW: samba.password,
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toMatch(/SMB:TRANSPORT|smb:transport/i); // logging was on
    const ntHash = md4(Buffer.from(samba.password, "utf16le")).toString("hex");
    for (const secret of [
      samba.password,
      ntHash,
      ntHash.toUpperCase(),
      createHash("sha256").update(samba.password).digest("hex"),
    ]) {
      expect(out.includes(secret), `a secret appeared in the output`).toBe(false);
    }
  });
});
