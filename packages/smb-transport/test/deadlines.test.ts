import { describe, expect, it } from "vitest";
import { DeadlineList } from "../src/deadlines.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("DeadlineList", () => {
  it("expires each deadline once, within tolerance of its time, earliest first", async () => {
    const list = new DeadlineList();
    const t0 = performance.now();
    const fired: [string, number][] = [];
    list.add(60, () => fired.push(["b", performance.now() - t0]));
    list.add(20, () => fired.push(["a", performance.now() - t0]));
    list.add(100, () => fired.push(["c", performance.now() - t0]));
    await sleep(160);
    expect(fired.map(([n]) => n)).toEqual(["a", "b", "c"]);
    const at = Object.fromEntries(fired);
    expect(at.a).toBeGreaterThanOrEqual(20);
    expect(at.b).toBeGreaterThanOrEqual(60);
    expect(at.c).toBeGreaterThanOrEqual(100);
    for (const [, t] of fired) expect(t).toBeLessThan(150); // not a coarse sweep period late
    expect(list.size).toBe(0);
  });

  it("never fires a removed deadline, also when it was the earliest", async () => {
    const list = new DeadlineList();
    let first = 0;
    let second = 0;
    const a = list.add(10, () => first++);
    list.add(30, () => second++);
    list.remove(a);
    list.remove(a); // idempotent
    await sleep(60);
    expect(first).toBe(0);
    expect(second).toBe(1);
  });

  it("restart moves a deadline later (an interim reply) and earlier", async () => {
    const list = new DeadlineList();
    const t0 = performance.now();
    let at = 0;
    const d = list.add(20, () => (at = performance.now() - t0));
    await sleep(10);
    list.restart(d, 50); // now ~60 ms from t0
    await sleep(30);
    expect(at).toBe(0);
    await sleep(50);
    expect(at).toBeGreaterThanOrEqual(55);
    let early = 0;
    const e = list.add(1000, () => early++);
    list.restart(e, 5);
    await sleep(30);
    expect(early).toBe(1);
  });

  it("clear() drops everything without firing; an expiry callback may add deadlines", async () => {
    const list = new DeadlineList();
    let n = 0;
    list.add(5, () => n++);
    list.clear();
    await sleep(20);
    expect(n).toBe(0);
    list.add(5, () => list.add(5, () => n++));
    await sleep(40);
    expect(n).toBe(1);
    expect(list.size).toBe(0);
  });

  it("keeps one timer for many deadlines with the same timeout", () => {
    const list = new DeadlineList();
    const ds = Array.from({ length: 1000 }, () => list.add(60_000, () => {}));
    expect(list.size).toBe(1000);
    for (const d of ds) list.remove(d);
    expect(list.size).toBe(0);
  });
});
