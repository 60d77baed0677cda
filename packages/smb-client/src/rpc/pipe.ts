/**
 * The byte channel DCE/RPC runs over (MS-RPCE 2.1.1.2, ncacn_np: an SMB2 named pipe opened on IPC$).
 * Implemented over an SMB2 Open: `transceive` is IOCTL FSCTL_PIPE_TRANSCEIVE (MS-FSCC 2.3.49, 0x0011C017;
 * MS-SMB2 3.2.4.20.2), `read`/`write` are SMB2 READ/WRITE. The RPC layer only talks to this interface, so
 * it is tested without a server.
 */
export interface RpcPipe {
  /**
   * Writes `request` and reads the reply in one exchange. `more` is true when the server answered
   * STATUS_BUFFER_OVERFLOW: the reply was longer than `maxResponse` and the rest is read with `read`.
   */
  transceive(request: Buffer, maxResponse: number): Promise<{ data: Buffer; more: boolean }>;
  /** Reads up to `max` bytes (one SMB2 READ); an empty buffer means the pipe has nothing more. */
  read(max: number): Promise<Buffer>;
  /** Writes all of `data` (one or more SMB2 WRITEs). */
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}
