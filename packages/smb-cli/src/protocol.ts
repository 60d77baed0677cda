/** --min-protocol / --max-protocol values (checked while the command line is parsed). */
import { type DialectName, dialectName, parseDialect } from "smb-client";
import { UsageError } from "./errors.js";

/** "SMB3_11", "smb2_10", "3.1.1" -> the DialectName smb-client takes; UsageError otherwise. */
export function parseProtocol(v: string, flag: string): DialectName {
  try {
    return dialectName(parseDialect(v.trim())) as DialectName;
  } catch {
    throw new UsageError(
      `${flag}: unknown protocol '${v}' (use SMB2_02, SMB2_10, SMB3_00, SMB3_02, SMB3_11, or 2.0.2 ... 3.1.1)`,
    );
  }
}
