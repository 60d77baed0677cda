/** smb-transport: direct TCP framing and the SMB2 message pump. */
export { CreditWindow, creditChargeFor } from "./credit-window.js";
export {
  ConnectionClosedError,
  ProtocolError,
  RequestAbortedError,
  RequestTimeoutError,
  SecurityCheckError,
  SmbTransportError,
} from "./errors.js";
export { Fifo } from "./fifo.js";
export { FrameReader, frameHeader } from "./frame-reader.js";
export type { MessagePumpOptions, RequestOptions, SmbResponse } from "./message-pump.js";
export { MessagePump } from "./message-pump.js";
export type { MessageCipher, MessageSigner, SessionSecurity } from "./security.js";
export type { TcpTransportOptions } from "./tcp-transport.js";
export { TcpTransport } from "./tcp-transport.js";
export type { Transport, TransportHandlers } from "./transport.js";
