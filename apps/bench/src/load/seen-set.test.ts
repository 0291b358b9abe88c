import { describe, expect, it } from "vitest";
import { SeenSet } from "./seen-set.js";

describe("SeenSet", () => {
  it("tells a first delivery from a duplicate, per sender", () => {
    const seen = new SeenSet();
    expect(seen.add(1, 0)).toBe(true);
    expect(seen.add(1, 0)).toBe(false);
    expect(seen.add(2, 0)).toBe(true);
    expect(seen.add(1, 7)).toBe(true);
    expect(seen.add(1, 8)).toBe(true);
    expect(seen.add(1, 7)).toBe(false);
  });

  it("grows for large sequence numbers without forgetting earlier ones", () => {
    const seen = new SeenSet();
    expect(seen.add(0, 3)).toBe(true);
    expect(seen.add(0, 1_000_000)).toBe(true);
    expect(seen.add(0, 3)).toBe(false);
    expect(seen.add(0, 1_000_000)).toBe(false);
  });

  it("refuses sequence numbers that are not whole and non-negative", () => {
    const seen = new SeenSet();
    expect(seen.add(0, -1)).toBe(false);
    expect(seen.add(0, 1.5)).toBe(false);
    expect(seen.add(0, Number.NaN)).toBe(false);
  });

  it("forgets everything on clear", () => {
    const seen = new SeenSet();
    seen.add(4, 4);
    seen.clear();
    expect(seen.add(4, 4)).toBe(true);
  });
});
