// Engine-level helpers for the integration tests: a session on the injected Samba (or any port).
import { negotiate } from "smb-auth";
import { Connection, type Session } from "smb-client";
import type { SambaInfo } from "../../../../tools/samba/server.mjs";

export async function login(
  samba: Pick<SambaInfo, "host" | "port" | "username" | "password" | "domain">,
  host = samba.host,
): Promise<{ conn: Connection; session: Session }> {
  const conn = await Connection.connect({ host, port: samba.port });
  const mech = negotiate({ username: samba.username, password: samba.password, domain: samba.domain }).create(
    {
      targetName: host,
    },
  );
  return { conn, session: await conn.authenticate(mech) };
}
