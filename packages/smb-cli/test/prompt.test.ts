import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { promptPassword, readPasswordFromStdin } from "../src/prompt.js";

function fakeTty() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    modes: [] as boolean[],
    setRawMode(m: boolean) {
      this.isRaw = m;
      this.modes.push(m);
      return this;
    },
  });
  let shown = "";
  const output = {
    write: (s: string) => {
      shown += s;
      return true;
    },
  };
  return { input, output, shown: () => shown };
}

describe("password prompt", () => {
  it("reads a line in raw mode without echoing it; backspace edits", async () => {
    const t = fakeTty();
    const p = promptPassword("Password: ", t.input, t.output);
    t.input.write("sec");
    t.input.write("x\u007fret\r");
    await expect(p).resolves.toBe("secret");
    expect(t.shown()).toBe("Password: \n");
    expect(t.input.modes).toEqual([true, false]);
  });

  it("Ctrl-C aborts", async () => {
    const t = fakeTty();
    const p = promptPassword("Password: ", t.input, t.output);
    t.input.write("ab\u0003");
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });

  it("--password-stdin takes the first line", async () => {
    const s = new PassThrough();
    s.end("pa ss%word\r\nnext line\n");
    await expect(readPasswordFromStdin(s)).resolves.toBe("pa ss%word");
    const e = new PassThrough();
    e.end("no newline");
    await expect(readPasswordFromStdin(e)).resolves.toBe("no newline");
  });
});
