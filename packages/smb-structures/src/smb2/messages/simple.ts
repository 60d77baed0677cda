/** Bodies that hold only StructureSize (4) and two reserved bytes: LOGOFF, TREE_DISCONNECT, ECHO, CANCEL. */
import { constant, reserved } from "../../codec/fields.js";
import { u16 } from "../../codec/primitives.js";
import { type Struct, struct } from "../../codec/struct.js";

const fields = { structureSize: constant(u16, 4), reserved: reserved(2) };
export type StructureSize4Body = Struct<typeof fields>;

export function structureSize4(name: string, spec: string): StructureSize4Body {
  return struct(name, fields, { encodeBase: 64, spec });
}
