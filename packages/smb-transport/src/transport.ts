/**
 * The transport plugin interface: something that carries whole SMB2 messages (or transform-wrapped
 * messages) to a server and back. Direct TCP is provided (TcpTransport); QUIC or RDMA would implement
 * the same interface. Stable: documented in the package README.
 */
export interface TransportHandlers {
  /** One received message (SMB2, transform or compression header first), framing removed. */
  onMessage(message: Buffer): void;
  /** The transport is gone. `error` is undefined for a local close(). Called once. */
  onClose(error?: Error): void;
}

export interface Transport {
  /** Opens the transport; rejects with a typed error on failure or timeout. */
  connect(handlers: TransportHandlers, signal?: AbortSignal): Promise<void>;
  /** Sends one message given as segments (no copy of large payloads). Framing is the transport's job. */
  send(segments: readonly Uint8Array[]): void;
  /** Closes; pending sends may be dropped. */
  close(): void;
  /** True between a successful connect and close. */
  readonly connected: boolean;
  /** Adjusts the largest message accepted (set after NEGOTIATE from the server's max sizes). */
  setMaxMessageSize(bytes: number): void;
  /** Lets the process exit while the transport is idle (unref) or keeps it alive (ref), as net.Socket. */
  ref(): void;
  unref(): void;
  /** For logs and errors: "127.0.0.1:445". */
  readonly remote: string;
}
