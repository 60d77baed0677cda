/** Readable names for enum values and flag sets, for logs and error messages. */
export type NamedValues = Readonly<Record<string, number>>;

/** "READ_DATA|WRITE_DATA|0x00100000" for a flag set; "0" when no bit is set. */
export function formatFlags(value: number, table: NamedValues): string {
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if (bit !== 0 && (bit & (bit - 1)) === 0 && (rest & bit) >>> 0 === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16).padStart(8, "0")}`);
  return names.length ? names.join("|") : "0";
}

/** The name of an enum value, or its hex form when unknown. */
export function formatEnum(value: number, table: NamedValues): string {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return `0x${value.toString(16)}`;
}
