import { describe, expect, it } from "vitest";
import { CommandLineError } from "./command-line.js";
import { MAX_TIMER_MS, parseMilliseconds, parseSeconds } from "./duration.js";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CommandLineError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("durations a timer can hold", () => {
  it("reads seconds with decimals as milliseconds", () => {
    expect(parseSeconds("2", "--timeout")).toBe(2000);
    expect(parseSeconds("0.5", "--timeout")).toBe(500);
    expect(parseSeconds("2147483.647", "--timeout")).toBe(MAX_TIMER_MS);
  });

  it("refuses what a timer cannot hold instead of firing after 1 ms", () => {
    expect(refusal(() => parseSeconds("9999999999", "--timeout"))).toBe(
      "--timeout 9999999999: longer than a timer can wait (at most 2147483 seconds)",
    );
    expect(refusal(() => parseSeconds("2147483.648", "--timeout"))).toMatch(/longer than a timer/);
    expect(refusal(() => parseMilliseconds("2147483648", "--silence"))).toBe(
      "--silence 2147483648: longer than a timer can wait (at most 2147483647 ms)",
    );
  });

  it("refuses zero unless it is allowed, and less than a millisecond", () => {
    expect(refusal(() => parseSeconds("0", "--timeout"))).toBe(
      "--timeout 0: must be at least 1 ms",
    );
    expect(refusal(() => parseSeconds("0.0001", "--timeout"))).toMatch(/at least 1 ms/);
    expect(parseSeconds("0", "--user-timeout", { zero: true })).toBe(0);
    expect(parseMilliseconds("0", "--x", { zero: true })).toBe(0);
  });

  it("refuses text that is not a plain number", () => {
    for (const text of ["", "-1", "1e3", "Infinity", "NaN", "0x10", " 2", "2s"]) {
      expect(refusal(() => parseSeconds(text, "--timeout"))).toMatch(/is not a number of seconds/);
    }
    expect(refusal(() => parseMilliseconds("1.5", "--silence"))).toMatch(/not a whole number/);
  });
});
