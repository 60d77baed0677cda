// Runs INSIDE a test network namespace (`ip netns exec NS node forwarder.mjs <socket>`): accepts
// connections on a Unix socket (the filesystem is shared with the host namespace), reads a 2-byte
// big-endian TCP port, connects to 127.0.0.1:<port> inside the namespace, answers one status byte
// (1 = connected, 0 = refused) and then relays bytes both ways. This lets code in the host namespace
// reach servers bound to the namespace's own loopback without any network configuration.
import { rmSync } from "node:fs";
import { connect, createServer } from "node:net";

const socketPath = process.argv[2];
if (!socketPath) {
  console.error("usage: forwarder.mjs <unix-socket-path>");
  process.exit(2);
}
rmSync(socketPath, { force: true });

const server = createServer((client) => {
  client.once("readable", function onReadable() {
    const head = client.read(2);
    if (head === null) {
      client.once("readable", onReadable);
      return;
    }
    const port = head.readUInt16BE(0);
    const target = connect({ host: "127.0.0.1", port });
    target.once("connect", () => {
      client.write(Buffer.from([1]));
      client.pipe(target);
      target.pipe(client);
    });
    target.on("error", () => {
      if (!client.destroyed) client.end(Buffer.from([0]));
      target.destroy();
    });
    client.on("error", () => target.destroy());
    client.on("close", () => target.destroy());
    target.on("close", () => client.destroy());
  });
});
server.listen(socketPath, () => {
  process.stdout.write("ready\n");
});
// The parent kills this process (or the whole namespace) when the test environment stops.
process.on("SIGTERM", () => {
  server.close();
  rmSync(socketPath, { force: true });
  process.exit(0);
});
