import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortEntries } from "../src/entry.js";
import {
  attributeLetters,
  attributeNames,
  displayWidth,
  formatBytes,
  formatColumns,
  formatDuration,
  formatShortSize,
  formatTable,
  modeString,
} from "../src/format.js";
import { Progress } from "../src/progress.js";

describe("format", () => {
  it("sizes, durations, modes, attributes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatBytes(1024 ** 3)).toBe("1.00 GiB");
    expect(formatShortSize(1000)).toBe("1000");
    expect(formatShortSize(1536)).toBe("1.5K");
    expect(formatShortSize(200 * 1024 * 1024)).toBe("200M");
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(Number.NaN)).toBe("--:--");
    expect(modeString(0o40755)).toBe("drwxr-xr-x");
    expect(modeString(0o100444)).toBe("-r--r--r--");
    expect(attributeLetters(0x10 | 0x20)).toBe("DA");
    expect(attributeLetters(0)).toBe("N");
    expect(attributeNames(0x10 | 0x02)).toEqual(["HIDDEN", "DIRECTORY"]);
  });

  it("aligns tables and lays names out in columns", () => {
    expect(
      formatTable(
        [
          ["a", "1", "x"],
          ["bbb", "22", "y"],
        ],
        ["left", "right", "left"],
      ),
    ).toEqual(["a     1  x", "bbb  22  y"]);
    const cols = formatColumns(["alpha", "beta", "gamma", "delta", "epsilon"], 30);
    expect(cols.length).toBeLessThan(5);
    for (const l of cols) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    expect(displayWidth("日本")).toBe(4);
  });
});

describe("ls order", () => {
  const collator = new Intl.Collator("en", { sensitivity: "base", numeric: false });
  const byCollator = (names: string[]) =>
    [...names].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
  const sorted = (names: string[]) => sortEntries(names.map((name) => ({ name }))).map((e) => e.name);

  it("sorts names of letters, digits, '.' and '-' as the collator does (without it)", () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9.-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 30 }), (names) => {
        expect(sorted(names)).toEqual(byCollator(names));
      }),
      { numRuns: 500 },
    );
    expect(sorted(["b", "A", "a", "B", "a.b", "a-b", "a1", "10", "9"])).toEqual(
      byCollator(["b", "A", "a", "B", "a.b", "a-b", "a1", "10", "9"]),
    );
  });

  it("uses the collator for other names (underscore, spaces, accents)", () => {
    const any = fc.stringMatching(/^[A-Za-z0-9._ éÉ-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(any, { maxLength: 20 }), (names) => {
        expect(sorted(names)).toEqual(byCollator(names));
      }),
      { numRuns: 300 },
    );
    // '_' sorts before '-' and '.' for the collator, after them in code units.
    expect(sorted(["a.b", "a_b", "a-b"])).toEqual(["a_b", "a-b", "a.b"]);
  });

  it("pads table cells once measured, wide characters included", () => {
    expect(
      formatTable(
        [
          ["日本", "1"],
          ["a", "22"],
        ],
        ["left", "right"],
      ),
    ).toEqual(["日本   1", "a     22"]);
  });
});

describe("Progress", () => {
  it("draws nothing when the sink is not a terminal", () => {
    const out: string[] = [];
    const p = new Progress({ isTTY: false, write: (s: string) => out.push(s) });
    p.begin("f", 100);
    p.add(50);
    p.finish();
    expect(out).toEqual([]);
  });

  it("shows bytes, rate and ETA on a terminal, at most every interval", () => {
    let now = 0;
    const out: string[] = [];
    const p = new Progress(
      { isTTY: true, columns: 100, write: (s: string) => out.push(s) },
      { now: () => now },
    );
    p.begin("file.bin", 100 * 1024 * 1024);
    now = 1000;
    p.add(50 * 1024 * 1024);
    now = 1010;
    p.add(1024);
    expect(out.length).toBe(2);
    expect(out[1]).toContain("50%");
    expect(out[1]).toContain("50.0 MiB/100 MiB");
    expect(out[1]).toMatch(/50\.0 MiB\/s ETA 0:01/);
    now = 2000;
    p.add(50 * 1024 * 1024 - 1024);
    p.finish();
    expect(out.at(-1)).toMatch(/100% 100 MiB\/100 MiB .* 0:02\n$/);
  });
});
