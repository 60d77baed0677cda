// A raw SMB2 NEGOTIATE (dialects 2.0.2-3.0.2, no negotiate contexts) to read what a server advertises.
import { connect } from "node:net";

export const SIGNING_REQUIRED = 0x02;

export interface NegotiateReply {
  status: number;
  securityMode: number;
  dialect: number;
}

export function negotiate(host: string, port: number): Promise<NegotiateReply> {
  const dialects = [0x0202, 0x0210, 0x0300, 0x0302];
  const msg = Buffer.alloc(64 + 36 + 2 * dialects.length);
  msg.write("\xfeSMB", 0, "latin1"); // SMB2 header: ProtocolId
  msg.writeUInt16LE(64, 4); // StructureSize
  msg.writeUInt16LE(1, 14); // CreditRequest; Command 0 = NEGOTIATE, MessageId 0
  msg.writeUInt16LE(36, 64); // NEGOTIATE request: StructureSize
  msg.writeUInt16LE(dialects.length, 66); // DialectCount
  msg.writeUInt16LE(1, 68); // SecurityMode: signing enabled (not required)
  for (const [i, d] of dialects.entries()) msg.writeUInt16LE(d, 100 + 2 * i);
  const frame = Buffer.alloc(4);
  frame.writeUInt32BE(msg.length); // direct TCP transport header: 0x00 + 24-bit length
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port }, () => sock.write(Buffer.concat([frame, msg])));
    let buf = Buffer.alloc(0);
    sock.setTimeout(5000, () => sock.destroy(new Error("NEGOTIATE timed out")));
    sock.on("error", reject);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
      sock.destroy();
      const r = buf.subarray(4);
      resolve({ status: r.readUInt32LE(8), securityMode: r.readUInt16LE(66), dialect: r.readUInt16LE(68) });
    });
  });
}
