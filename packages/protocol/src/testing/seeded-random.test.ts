import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random.js";

describe("seededRandom", () => {
  it("replays a seed printed by an earlier run: the sequence is pinned", () => {
    const random = seededRandom(1);
    const words = [random(), random(), random()].map((x) => x * 4_294_967_296);
    expect(words).toEqual([2_693_262_067, 11_749_833, 2_265_367_787]);
  });

  it("gives floats in [0, 1) spread over the range", () => {
    const random = seededRandom(42);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it("differs between seeds", () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});
