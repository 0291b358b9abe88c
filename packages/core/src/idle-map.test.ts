import { describe, expect, it } from "vitest";
import { IdleMap } from "./idle-map.js";

const make = (capacity: number, idleMs: number) =>
  new IdleMap<{ n: number }>(capacity, idleMs, () => ({ n: 0 }));

describe("IdleMap", () => {
  it("keeps the same entry for a key", () => {
    const map = make(10, 1000);
    map.use("a", 0).n = 7;
    expect(map.use("a", 1).n).toBe(7);
  });

  it("evicts the least recently used entry past its capacity", () => {
    const map = make(2, 1000);
    map.use("a", 0).n = 1;
    map.use("b", 1).n = 2;
    map.use("a", 2);
    map.use("c", 3);
    expect(map.size).toBe(2);
    expect(map.use("a", 4).n).toBe(1);
    expect(map.use("b", 5).n).toBe(0); // b was evicted and comes back fresh
  });

  it("sweeps entries idle for idleMs or longer, and only those", () => {
    const map = make(10, 1000);
    map.use("a", 0);
    map.use("b", 500);
    expect(map.nextIdleAt()).toBe(1000);
    map.sweep(999);
    expect(map.size).toBe(2);
    map.sweep(1000);
    expect(map.size).toBe(1);
    map.sweep(1500);
    expect(map.size).toBe(0);
    expect(map.nextIdleAt()).toBeUndefined();
  });

  it("stays within capacity under 200,000 distinct keys", () => {
    const map = make(1000, 60_000);
    for (let i = 0; i < 200_000; i++) map.use(`k${i}`, i);
    expect(map.size).toBe(1000);
  });
});
