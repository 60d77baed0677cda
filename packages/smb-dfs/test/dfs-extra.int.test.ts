// More DFS shapes on a private Samba (its own instance, so the shared one is left alone): a target
// that refuses connections, a target host that does not resolve, a link whose targets are all
// broken, chained links (a link to another DFS root and to a path under another root's link), an
// `msdfs proxy` share (reachable only through a root referral), and the resolver against a
// non-default port throughout.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync, chmodSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SmbClient } from "smb-client";
import { type SambaServer, startSamba } from "../../../tools/samba/server.mjs";
import { type DfsResolver, dfs } from "../src/index.js";

const samba = inject("samba");
const S = "127.0.0.1";

describe.skipIf(samba.external)("DFS failover and chained links (private Samba)", () => {
  let srv: SambaServer;
  let client: SmbClient;
  let resolver: DfsResolver;
  const dir = `x-${randomBytes(3).toString("hex")}`;
  const content = "payload behind several links\n";

  beforeAll(async () => {
    srv = await startSamba({
      signedCompanion: false,
      shares: {
        dfs2: { "msdfs root": "yes" },
        proxied: { "msdfs root": "yes", "msdfs proxy": `\\${S}\\share` },
      },
    });
    const at = (...p: string[]) => join(srv.shares.dfs2!.path, ...p);
    const links: Record<string, string> = {
      refused: `msdfs:127.0.0.2\\share,${S}\\share`,
      "no-host": `msdfs:no-such-host.invalid\\share,${S}\\share`,
      "all-broken": `msdfs:${S}\\nope-one,127.0.0.2\\nope-two`,
      chain: `msdfs:${S}\\dfsroot`,
      "chain-link": `msdfs:${S}\\dfsroot\\link-share`,
      "upper-case": `msdfs:${S}\\SHARE`,
    };
    for (const [name, target] of Object.entries(links)) symlinkSync(target, at(name));
    const local = join(srv.shares.share!.path, dir);
    mkdirSync(local);
    chmodSync(local, 0o777);
    writeFileSync(join(local, "f.txt"), content, { mode: 0o666 });
    resolver = dfs();
    client = new SmbClient({
      port: srv.port,
      username: srv.username,
      password: srv.password,
      domain: srv.domain,
      pathResolver: resolver,
    });
  });
  afterAll(async () => {
    await client?.close();
    await srv?.stop();
  });

  const root = () => `//${S}/dfs2`;

  it("a first target that refuses connections (127.0.0.2) fails over to the next", async () => {
    expect(await client.readFile(`${root()}/refused/${dir}/f.txt`, "utf8")).toBe(content);
    const e = resolver.cache.get(`\\${S}\\dfs2\\refused`)!;
    expect(e.targets[e.hint]!.server).toBe(S);
    expect(await client.readdir(`${root()}/refused/${dir}`)).toEqual(["f.txt"]);
  });

  it("a first target whose host does not resolve fails over to the next", async () => {
    expect((await client.stat(`${root()}/no-host/${dir}/f.txt`)).size).toBe(content.length);
  });

  it("all targets broken: the first target's error", async () => {
    const err = await client.readFile(`${root()}/all-broken/f.txt`).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.ntstatus).toBe("STATUS_BAD_NETWORK_NAME");
  });

  it("a link to another DFS root is followed through that root's link (two referrals)", async () => {
    expect(await client.readFile(`${root()}/chain/link-share/${dir}/f.txt`, "utf8")).toBe(content);
    expect(await client.readdir(`${root()}/chain/sub/link-deep/${dir}`)).toEqual(["f.txt"]);
    // Both hops are cached now.
    expect(resolver.cache.get(`\\${S}\\dfs2\\chain`)).toBeDefined();
    expect(resolver.cache.get(`\\${S}\\dfsroot\\link-share`)).toBeDefined();
  });

  it("a link to a path under another root's link", async () => {
    expect(await client.readFile(`${root()}/chain-link/${dir}/f.txt`, "utf8")).toBe(content);
    expect((await client.stat(`${root()}/chain-link/${dir}`)).isDirectory()).toBe(true);
  });

  it("target names in another case", async () => {
    expect(await client.readdir(`${root()}/upper-case/${dir}`)).toEqual(["f.txt"]);
  });

  it("an msdfs proxy share needs a root referral (rootReferral: true); negative answers are cached", async () => {
    const plain = await client.readFile(`//${S}/proxied/${dir}/f.txt`).catch((e) => e);
    expect(plain.ntstatus).toBe("STATUS_BAD_NETWORK_NAME");
    const rr = dfs({ rootReferral: true });
    const c = new SmbClient({
      port: srv.port,
      username: srv.username,
      password: srv.password,
      domain: srv.domain,
      pathResolver: rr,
    });
    try {
      expect(await c.readFile(`//${S}/proxied/${dir}/f.txt`, "utf8")).toBe(content);
      expect(rr.cache.get(`\\${S}\\proxied`)?.targets[0]?.address).toBe(`\\${S}\\share`);
      expect(await c.readFile(`//${S}/share/${dir}/f.txt`, "utf8")).toBe(content);
      expect(rr.notDfs.has(`\\${S}\\share`)).toBe(true);
      // The standalone root answers its root referral with itself; links still come lazily.
      expect(await c.readFile(`//${S}/dfs2/chain-link/${dir}/f.txt`, "utf8")).toBe(content);
      expect(rr.cache.get(`\\${S}\\dfs2`)?.kind).toBe("root");
    } finally {
      await c.close();
    }
  });
});
