import { describe, expect, it } from "vitest";
import { splitWords } from "../src/shell.js";

describe("shell words", () => {
  it("splits on blanks, groups quotes, keeps backslashes", () => {
    expect(splitWords('get "My File.txt" local')).toEqual(["get", "My File.txt", "local"]);
    expect(splitWords("cd dir\\sub")).toEqual(["cd", "dir\\sub"]);
    expect(splitWords("  ls   -l  ")).toEqual(["ls", "-l"]);
    expect(splitWords("put 'a b' \"\"")).toEqual(["put", "a b", ""]);
  });
});
