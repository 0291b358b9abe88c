import { describe, expect, it } from "vitest";
import { computeLayout } from "./layout.js";

describe("computeLayout", () => {
  it("puts the log left, users right, status and input at the bottom", () => {
    const layout = computeLayout(100, 30, 8);
    expect(layout.log).toEqual({ left: 0, top: 0, width: 88, height: 28 });
    expect(layout.users).toEqual({ left: 88, top: 0, width: 12, height: 28 });
    expect(layout.status).toEqual({ left: 0, top: 28, width: 100, height: 1 });
    expect(layout.input).toEqual({ left: 0, top: 29, width: 100, height: 1 });
  });

  it("widens the user list for long names, up to a limit", () => {
    expect(computeLayout(100, 30, 15).users?.width).toBe(18);
    expect(computeLayout(100, 30, 32).users?.width).toBe(24);
  });

  it("hides the user list on a narrow terminal", () => {
    const layout = computeLayout(50, 20, 8);
    expect(layout.users).toBeUndefined();
    expect(layout.log.width).toBe(50);
  });

  it("always leaves room for at least one log row", () => {
    expect(computeLayout(80, 1).log.height).toBe(1);
  });
});
