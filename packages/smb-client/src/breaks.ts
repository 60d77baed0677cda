/**
 * Oplock and lease break handling (MS-SMB2 3.2.5.19): the server asks this client to give up cached
 * access so another client's open can proceed. We hold no cached data, so every break is acknowledged
 * at once with the level (or lease state) the server asked for, on the open's own tree and session.
 */
import {
  Command,
  CreateContexts,
  decodeOplockBreak,
  fileIdKey,
  LeaseBreakAcknowledgment,
  LeaseBreakFlags,
  OplockBreakAcknowledgment,
} from "smb-structures";
import type { SmbResponse } from "smb-transport";
import { log } from "./log.js";
import type { Open } from "./open.js";

export class BreakHandler {
  private readonly byFileId = new Map<string, Open>();
  private readonly byLeaseKey = new Map<string, Open>();

  /** Tracks an open that holds an oplock or lease. */
  track(open: Open): void {
    if (open.oplockLevel === 0) return;
    this.byFileId.set(fileIdKey(open.fileId), open);
    const lease =
      CreateContexts.leaseV2.find(open.responseContexts) ?? CreateContexts.lease.find(open.responseContexts);
    if (lease) this.byLeaseKey.set(lease.leaseKey, open);
  }

  forget(open: Open): void {
    this.byFileId.delete(fileIdKey(open.fileId));
    for (const [k, o] of this.byLeaseKey) if (o === open) this.byLeaseKey.delete(k);
  }

  /** Handles an unsolicited OPLOCK_BREAK; errors are logged (the connection must survive them). */
  handle(msg: SmbResponse): void {
    let brk: ReturnType<typeof decodeOplockBreak>;
    try {
      brk = decodeOplockBreak(msg.body);
    } catch (err) {
      log("malformed OPLOCK_BREAK ignored: %s", (err as Error).message);
      return;
    }
    if (brk.form === "oplock") {
      const open = this.byFileId.get(fileIdKey(brk.value.fileId));
      if (!open || open.closed) return;
      log("oplock break on %s to level %d", open.path, brk.value.oplockLevel);
      const body = OplockBreakAcknowledgment.encode({
        oplockLevel: brk.value.oplockLevel,
        fileId: open.fileId,
      });
      this.ack(open, body);
    } else if (brk.form === "leaseNotification") {
      const open = this.byLeaseKey.get(brk.value.leaseKey);
      log("lease break %s -> state %d", brk.value.leaseKey, brk.value.newLeaseState);
      if (!open || !(brk.value.flags & LeaseBreakFlags.ACK_REQUIRED)) return;
      const body = LeaseBreakAcknowledgment.encode({
        leaseKey: brk.value.leaseKey,
        leaseState: brk.value.newLeaseState,
      });
      this.ack(open, body);
    }
  }

  private ack(open: Open, body: Buffer): void {
    open.tree
      .send({ command: Command.OPLOCK_BREAK, body: [body], path: open.path, ...open.header() })
      .catch((err: Error) => log("break acknowledgment failed: %s", err.message));
  }
}
