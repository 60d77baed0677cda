// A fault-injection TCP proxy for tests: sits between the client and the real Samba on loopback,
// counts SMB2 direct-TCP frames in each direction, and can drop, stall, delay, truncate or corrupt
// at a given frame, or cut every connection on demand.
import { createServer, connect } from "node:net";

/**
 * @param {{ targetHost?: string, targetPort: number, listenHost?: string,
 *   onFrame?: (direction: "toServer" | "toClient", message: Buffer, index: number, link: number) => "hold" | undefined }} opts
 */
export async function startFaultProxy(opts) {
  const targetHost = opts.targetHost ?? "127.0.0.1";
  /** @type {Set<{client: import("node:net").Socket, server: import("node:net").Socket}>} */
  const links = new Set();
  /** @type {import("./proxy.d.mts").FaultRule[]} */
  let rules = [];
  const counts = { toServer: 0, toClient: 0 };
  let connections = 0;

  const server = createServer((client) => {
    const id = ++connections;
    const upstream = connect({ host: targetHost, port: opts.targetPort });
    const link = { client, server: upstream };
    links.add(link);
    const close = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
    pipeFrames(client, upstream, "toServer", close, id);
    pipeFrames(upstream, client, "toClient", close, id);
  });

  /** Forwards whole frames so rules can act on frame boundaries. */
  function pipeFrames(from, to, direction, close, id) {
    let buf = Buffer.alloc(0);
    let chain = Promise.resolve();
    from.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0) & 0xffffff;
        if (buf.length < 4 + len) break;
        const frame = buf.subarray(0, 4 + len);
        buf = buf.subarray(4 + len);
        const index = counts[direction]++;
        chain = chain.then(() => apply(frame, direction, index, to, close, id));
      }
    });
  }

  async function apply(frame, direction, index, to, close, id) {
    if (opts.onFrame?.(direction, frame.subarray(4), index, id) === "hold") return;
    if (to.destroyed) return;
    const rule = rules.find((r) => r.direction === direction && r.index === index);
    if (!rule) return void (to.destroyed || to.write(frame));
    switch (rule.action) {
      case "drop":
        close();
        return;
      case "stall":
        return; // never forward anything from here on this frame; the connection stays open
      case "delay":
        await new Promise((r) => setTimeout(r, rule.ms ?? 1000));
        if (!to.destroyed) to.write(frame);
        return;
      case "truncate": {
        if (!to.destroyed) to.write(frame.subarray(0, Math.max(1, Math.floor(frame.length / 2))));
        close();
        return;
      }
      case "corrupt": {
        const copy = Buffer.from(frame);
        const at = Math.min(copy.length - 1, rule.offset ?? copy.length - 1);
        copy[at] ^= 0x01;
        if (!to.destroyed) to.write(copy);
        return;
      }
      case "mutate": {
        const copy = Buffer.from(frame);
        rule.mutate?.(copy.subarray(4));
        if (!to.destroyed) to.write(copy);
        return;
      }
    }
  }

  await new Promise((resolve) => server.listen(0, opts.listenHost ?? "127.0.0.1", resolve));
  const address = server.address();
  return {
    host: "127.0.0.1",
    port: typeof address === "object" && address ? address.port : 0,
    counts,
    get connections() {
      return connections;
    },
    /** Replaces the rules; frame counters restart at 0. */
    setRules(next) {
      rules = next;
      counts.toServer = 0;
      counts.toClient = 0;
    },
    /** Drops every open connection now. */
    cutAll() {
      for (const l of links) {
        l.client.destroy();
        l.server.destroy();
      }
      links.clear();
    },
    async close() {
      this.cutAll();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
