import { describe, expect, it } from "vitest";
import { isSafeEntryName } from "../src/index.js";

describe("names a server returns are single path components (get -r / cp -r safety)", () => {
  it("accepts ordinary, unicode and dotted names", () => {
    for (const n of ["a.txt", ".hidden", "..foo", "ünïcødé 😀", "a b", "x..y"])
      expect(isSafeEntryName(n)).toBe(true);
  });
  it("refuses traversal, separators, NUL and drive forms", () => {
    for (const n of ["", ".", "..", "../x", "a/b", "a\\b", "\\abs", "/abs", "c:evil", "C:\\x", "a\0b"]) {
      expect(isSafeEntryName(n), JSON.stringify(n)).toBe(false);
    }
  });
});
