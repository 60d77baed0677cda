// Reaching servers on a namespace's own 127.0.0.1 from the host: forwarder.mjs runs inside the namespace
// on a Unix socket in the instance dir (the filesystem is shared); probe() asks it whether a port listens
// and forward() opens a TCP listener on the host's 127.0.0.1 relayed through it.
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The relay script: `ip netns exec NS node FORWARDER <socket>`. */
export const FORWARDER = join(dirname(fileURLToPath(import.meta.url)), "forwarder.mjs");

/** Connects through the relay to 127.0.0.1:port inside the namespace; resolves true when something listens. */
export function probe(socket, port) {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(false);
    const s = connect(socket);
    s.once("error", () => resolve(false));
    s.once("connect", () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(port);
      s.write(head);
    });
    s.once("data", (d) => {
      s.destroy();
      resolve(d[0] === 1);
    });
    s.once("close", () => resolve(false));
  });
}

/**
 * A TCP listener on the host's 127.0.0.1 relaying to 127.0.0.1:port inside the namespace through
 * `instance.socket`; added to `instance.servers` (closed on stop). Resolves with its port.
 */
export function forward(instance, port) {
  return new Promise((resolve, reject) => {
    const server = createServer((client) => {
      client.pause();
      const up = connect(instance.socket);
      const head = Buffer.alloc(2);
      head.writeUInt16BE(port);
      up.once("connect", () => up.write(head));
      up.once("error", () => client.destroy());
      client.on("error", () => up.destroy());
      up.once("readable", function first() {
        const status = up.read(1);
        if (status === null) return up.once("readable", first);
        if (status[0] !== 1) {
          client.destroy();
          up.destroy();
          return;
        }
        up.pipe(client);
        client.pipe(up);
        client.resume();
      });
      up.on("close", () => client.destroy());
      client.on("close", () => up.destroy());
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      instance.servers.push(server);
      resolve(server.address().port);
    });
  });
}
