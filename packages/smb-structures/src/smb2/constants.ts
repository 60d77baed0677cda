/** MS-SMB2 2.2.1: command codes. */
export const Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  FLUSH: 0x0007,
  READ: 0x0008,
  WRITE: 0x0009,
  LOCK: 0x000a,
  IOCTL: 0x000b,
  CANCEL: 0x000c,
  ECHO: 0x000d,
  QUERY_DIRECTORY: 0x000e,
  CHANGE_NOTIFY: 0x000f,
  QUERY_INFO: 0x0010,
  SET_INFO: 0x0011,
  OPLOCK_BREAK: 0x0012,
} as const;
export type Command = (typeof Command)[keyof typeof Command];

const commandNames = new Map<number, string>(Object.entries(Command).map(([k, v]) => [v, k]));
/** Readable command name for logs ("READ", or "0x0042" for unknown codes). */
export function commandName(code: number): string {
  return commandNames.get(code) ?? `0x${code.toString(16).padStart(4, "0")}`;
}

/** MS-SMB2 2.2.3: dialect revisions. */
export const Dialect = {
  SMB2_0_2: 0x0202,
  SMB2_1: 0x0210,
  SMB3_0: 0x0300,
  SMB3_0_2: 0x0302,
  SMB3_1_1: 0x0311,
  /** Multi-protocol negotiate wildcard (MS-SMB2 3.3.5.3.1). */
  WILDCARD: 0x02ff,
} as const;
export type Dialect = (typeof Dialect)[keyof typeof Dialect];

/** MS-SMB2 2.2.1.2: header Flags. */
export const HeaderFlags = {
  SERVER_TO_REDIR: 0x00000001,
  ASYNC_COMMAND: 0x00000002,
  RELATED_OPERATIONS: 0x00000004,
  SIGNED: 0x00000008,
  PRIORITY_MASK: 0x00000070,
  DFS_OPERATIONS: 0x10000000,
  REPLAY_OPERATION: 0x20000000,
} as const;

/** MS-SMB2 2.2.1: the ProtocolId values, read as little-endian u32. */
export const ProtocolId = {
  SMB2: 0x424d53fe,
  TRANSFORM: 0x424d53fd,
  COMPRESSION: 0x424d53fc,
  SMB1: 0x424d53ff,
} as const;

/** MessageId of unsolicited server messages (oplock/lease break notifications), MS-SMB2 3.2.5.19. */
export const UNSOLICITED_MESSAGE_ID = 0xffffffffffffffffn;
