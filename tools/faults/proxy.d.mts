export interface FaultRule {
  direction: "toServer" | "toClient";
  /** Frame index in that direction since the last setRules (0 = first frame). */
  index: number;
  action: "drop" | "stall" | "delay" | "truncate" | "corrupt" | "mutate";
  /** For delay. */
  ms?: number;
  /** For corrupt: byte offset in the framed message (default: last byte). */
  offset?: number;
  /** For mutate: edits the message (without the 4-byte frame prefix) in place. */
  mutate?: (message: Buffer) => void;
}

export interface FaultProxy {
  host: string;
  port: number;
  counts: { toServer: number; toClient: number };
  readonly connections: number;
  setRules(rules: FaultRule[]): void;
  cutAll(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to the target (loopback only). */
export function startFaultProxy(opts: {
  targetHost?: string;
  targetPort: number;
  listenHost?: string;
  /**
   * Sees every whole message before it is forwarded (rules apply after it): for capturing headers or
   * cutting at a chosen request. It may call cutAll() (the message is then not forwarded) or return
   * "hold" to swallow the message (the connection stays open, as if the network held it). `link` numbers
   * the proxied connections from 1 (as `connections` counts them).
   */
  onFrame?: (
    direction: "toServer" | "toClient",
    message: Buffer,
    index: number,
    link: number,
  ) => "hold" | undefined;
}): Promise<FaultProxy>;
