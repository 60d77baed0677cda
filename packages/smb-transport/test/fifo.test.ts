import { describe, expect, it } from "vitest";
import { Fifo } from "../src/fifo.js";

describe("Fifo", () => {
  it("keeps order across growth and wrap-around", () => {
    const q = new Fifo<number>();
    const ref: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the ring wraps and grows several times.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7 === 0 ? 40 : 5); i++) {
        q.push(next);
        ref.push(next++);
      }
      for (let i = 0; i < 3 && ref.length > 0; i++) expect(q.shift()).toBe(ref.shift());
      expect(q.length).toBe(ref.length);
      expect(q.peek()).toBe(ref[0]);
    }
    expect(q.takeAll()).toEqual(ref);
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });

  it("removes an item from the middle (an aborted queued request) and reports a missing one", () => {
    const q = new Fifo<string>();
    for (const s of ["a", "b", "c", "d"]) q.push(s);
    q.shift();
    q.push("e");
    expect(q.remove("c")).toBe(true);
    expect(q.remove("c")).toBe(false);
    expect(q.remove("zz")).toBe(false);
    expect(q.takeAll()).toEqual(["b", "d", "e"]);
  });
});
