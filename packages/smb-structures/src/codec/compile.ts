/**
 * Compiles the fixed part of a struct's field table into two straight-line functions, once per struct,
 * on first use: `read` builds the decoded object with one object literal (one hidden class, no
 * per-field dispatch) and `write` stores every field. Primitive codecs (`prim`) are inlined as Buffer
 * calls; other codecs are called as the generic path would. Behaviour equals Struct's table walk:
 * same values, same checks, same error messages (codec.test.ts runs both on every declared structure).
 *
 * The code is generated from the table only (field names are quoted with JSON.stringify, values are
 * never interpolated), so no input from the wire reaches `new Function`. Where code generation is not
 * allowed (`--disallow-code-generation-from-strings`), compileFixed returns undefined and Struct walks
 * the table.
 */
import type { FixedCodec } from "./primitives.js";
import { readU64, writeU64 } from "./primitives.js";

/** What compile.ts needs to know of a fixed field (Struct's FixedSlot). */
export interface CompilableSlot {
  name: string;
  off: number;
  field: { kind: string; value?: unknown; lenient?: boolean };
  // biome-ignore lint/suspicious/noExplicitAny: slots of any value type.
  codec: FixedCodec<any>;
}

export interface CompiledFixed {
  /**
   * Decodes the fixed fields at `start` (bounds already checked): visible fields into the returned
   * object, hidden ones (offset/length/count/tag) into `hidden[slotIndex]`. Throws through `fail` on a
   * const mismatch.
   */
  read(buf: Buffer, start: number, hidden: number[] | undefined): Record<string, unknown>;
  /** Encodes the fixed fields at `off`: values from `v`, computed ones from `computed[slotIndex]`. */
  write(buf: Buffer, off: number, v: Record<string, unknown>, computed: (number | undefined)[]): void;
}

export interface CompileErrors {
  /** A const field held `got` (decode). */
  constMismatch(slot: number, got: unknown): never;
  /** A visible field is missing (encode). */
  missing(slot: number): never;
  /** A value failed its codec's check (encode). */
  invalid(slot: number, reason: string): never;
}

const U64_MAX = "18446744073709551615n";
const I64_MIN = "-9223372036854775808n";
const I64_MAX = "9223372036854775807n";

function readExpr(slot: CompilableSlot, i: number): string {
  const at = `s + ${slot.off}`;
  switch (slot.codec.prim) {
    case "u8":
      return `b[${at}]`;
    case "u16":
      return `b.readUInt16LE(${at})`;
    case "u32":
      return `b.readUInt32LE(${at})`;
    case "i32":
      return `b.readInt32LE(${at})`;
    case "u64":
      return `R64(b, ${at})`;
    case "i64":
      return `b.readBigInt64LE(${at})`;
    case "bytes":
      return `b.subarray(${at}, ${at} + ${slot.codec.size})`;
    default:
      return `C[${i}].read(b, ${at})`;
  }
}

/** A condition true for every value the codec's check accepts (false: call check for the reason). */
function validExpr(codec: FixedCodec<unknown>): string | undefined {
  switch (codec.prim) {
    case "u8":
      return `typeof x === "number" && (x & 0xff) === x`;
    case "u16":
      return `typeof x === "number" && (x & 0xffff) === x`;
    case "u32":
      return `typeof x === "number" && x >>> 0 === x`;
    case "i32":
      return `typeof x === "number" && (x | 0) === x`;
    case "u64":
      return `typeof x === "bigint" && x >= 0n && x <= ${U64_MAX}`;
    case "i64":
      return `typeof x === "bigint" && x >= ${I64_MIN} && x <= ${I64_MAX}`;
    case "bytes":
      return `x != null && x.length === ${codec.size}`;
    default:
      return undefined;
  }
}

function writeStmt(slot: CompilableSlot, i: number): string {
  const at = `o + ${slot.off}`;
  switch (slot.codec.prim) {
    case "u8":
      return `b[${at}] = x;`;
    case "u16":
      return `b.writeUInt16LE(x, ${at});`;
    case "u32":
      return `b.writeUInt32LE(x, ${at});`;
    case "i32":
      return `b.writeInt32LE(x, ${at});`;
    case "u64":
      return `W64(b, ${at}, x);`;
    case "i64":
      return `b.writeBigInt64LE(x, ${at});`;
    case "bytes":
      return `b.set(x, ${at});`;
    case "zero":
      return `b.fill(0, ${at}, ${at} + ${slot.codec.size});`;
    default:
      return `C[${i}].write(b, ${at}, x);`;
  }
}

function checkStmt(slot: CompilableSlot, i: number): string {
  const codec = slot.codec;
  if (!codec.check) return "";
  const valid = validExpr(codec);
  const call = `{ const r = C[${i}].check(x); if (r) E.invalid(${i}, r); }`;
  return valid ? `if (!(${valid})) ${call}` : call;
}

/** Compiles `slots` (a struct without size fields), or undefined when code generation is unavailable. */
export function compileFixed(
  slots: readonly CompilableSlot[],
  errors: CompileErrors,
): CompiledFixed | undefined {
  const read: string[] = [];
  const props: string[] = [];
  const write: string[] = ["let x;"];
  slots.forEach((slot, i) => {
    const f = slot.field;
    const key = JSON.stringify(slot.name);
    // Fields are read in table order, as the table walk does (an opaque codec may throw).
    switch (f.kind) {
      case "const":
        if (!f.lenient) {
          read.push(`{ const x = ${readExpr(slot, i)}; if (x !== K[${i}]) E.constMismatch(${i}, x); }`);
        } else if (slot.codec.prim === undefined) {
          read.push(`${readExpr(slot, i)};`);
        }
        write.push(`x = K[${i}];`, checkStmt(slot, i), writeStmt(slot, i));
        return;
      case "offset":
      case "length":
      case "count":
      case "tag":
        read.push(`h[${i}] = ${readExpr(slot, i)};`);
        write.push(`x = c[${i}];`, checkStmt(slot, i), writeStmt(slot, i));
        return;
      case "default":
        read.push(`const v${i} = ${readExpr(slot, i)};`);
        props.push(`${key}: v${i}`);
        write.push(`x = v[${key}];`, `if (x == null) x = K[${i}];`, checkStmt(slot, i), writeStmt(slot, i));
        return;
      default:
        read.push(`const v${i} = ${readExpr(slot, i)};`);
        props.push(`${key}: v${i}`);
        write.push(
          `x = v[${key}];`,
          `if (x === undefined) E.missing(${i});`,
          checkStmt(slot, i),
          writeStmt(slot, i),
        );
    }
  });
  const codecs = slots.map((s) => s.codec);
  const constants = slots.map((s) => s.field.value);
  const source =
    `"use strict";\n` +
    `return {\n` +
    `read(b, s, h) {\n${read.join("\n")}\nreturn { ${props.join(", ")} };\n},\n` +
    `write(b, o, v, c) {\n${write.filter(Boolean).join("\n")}\n},\n` +
    `};`;
  try {
    const make = new Function("C", "K", "E", "R64", "W64", source) as (...args: unknown[]) => CompiledFixed;
    return make(codecs, constants, errors, readU64, writeU64);
  } catch {
    return undefined; // code generation from strings disallowed: the table walk does the same work
  }
}
