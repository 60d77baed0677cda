/** A buffer that does not hold a valid structure: names the structure and the field. */
export class SmbDecodeError extends Error {
  override readonly name = "SmbDecodeError";
  readonly code = "ERR_SMB_DECODE";
  constructor(
    readonly structure: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${structure}${field ? `.${field}` : ""}: ${reason}`);
  }
}

/** A value that cannot be encoded (out of range, too long for its length field ...). */
export class SmbEncodeError extends Error {
  override readonly name = "SmbEncodeError";
  readonly code = "ERR_SMB_ENCODE";
  constructor(
    readonly structure: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${structure}${field ? `.${field}` : ""}: ${reason}`);
  }
}
