import { describe, expect, it } from "vitest";
import { LogLimiter } from "./log-limiter.js";

describe("LogLimiter", () => {
  it("lets the first lines of a kind through, then counts the rest", () => {
    const limiter = new LogLimiter({ linesPerWindow: 3, windowMs: 1000 });
    const allowed = Array.from({ length: 10 }, (_, i) => limiter.allow("malformed", i));
    expect(allowed.filter(Boolean)).toHaveLength(3);
    expect(allowed.slice(0, 3)).toEqual([true, true, true]);
    expect(limiter.closeWindow(1000)).toEqual([{ kind: "malformed", suppressed: 7 }]);
  });

  it("limits each kind on its own", () => {
    const limiter = new LogLimiter({ linesPerWindow: 1, windowMs: 1000 });
    expect(limiter.allow("malformed", 0)).toBe(true);
    expect(limiter.allow("rate-limited", 0)).toBe(true);
    expect(limiter.allow("malformed", 1)).toBe(false);
    expect(limiter.closeWindow(1000)).toEqual([{ kind: "malformed", suppressed: 1 }]);
  });

  it("keeps the window open until it has run its length", () => {
    const limiter = new LogLimiter({ linesPerWindow: 1, windowMs: 1000 });
    limiter.allow("x", 100);
    limiter.allow("x", 200);
    expect(limiter.closeWindow(1099)).toEqual([]);
    expect(limiter.allow("x", 1099)).toBe(false);
    expect(limiter.closeWindow(1100)).toEqual([{ kind: "x", suppressed: 2 }]);
  });

  it("allows lines again in the next window", () => {
    const limiter = new LogLimiter({ linesPerWindow: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) limiter.allow("x", 0);
    limiter.closeWindow(1000);
    expect(limiter.allow("x", 1001)).toBe(true);
    expect(limiter.allow("x", 1002)).toBe(true);
    expect(limiter.allow("x", 1003)).toBe(false);
  });

  it("reports nothing for a window with nothing suppressed", () => {
    const limiter = new LogLimiter({ linesPerWindow: 5, windowMs: 10 });
    limiter.allow("x", 0);
    expect(limiter.closeWindow(50)).toEqual([]);
  });

  it("bounds the lines however many distinct kinds arrive", () => {
    const limiter = new LogLimiter({ linesPerWindow: 1, windowMs: 1000 });
    let lines = 0;
    for (let i = 0; i < 10_000; i++) if (limiter.allow(`code-${i}`, 0)) lines++;
    expect(lines).toBeLessThanOrEqual(64);
    const summary = limiter.closeWindow(1000);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toEqual({ kind: "other", suppressed: 10_000 - lines });
  });

  it("flush closes the window at once", () => {
    const limiter = new LogLimiter({ linesPerWindow: 0, windowMs: 60_000 });
    expect(limiter.allow("x", 0)).toBe(false);
    expect(limiter.flush()).toEqual([{ kind: "x", suppressed: 1 }]);
    expect(limiter.flush()).toEqual([]);
  });
});
