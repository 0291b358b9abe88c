import { describe, expect, it } from "vitest";
import { Histogram } from "./histogram.js";

function recordAll(values: number[]): Histogram {
  const histogram = new Histogram();
  for (const v of values) histogram.record(v);
  return histogram;
}

/** The exact percentile of a sorted list, by the same nearest-rank rule. */
function exactPercentile(sorted: number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

describe("Histogram", () => {
  it("reports small values exactly", () => {
    const histogram = recordAll([5, 1, 3, 2, 4]);
    expect(histogram.percentile(50)).toBe(3);
    expect(histogram.percentile(90)).toBe(5);
    expect(histogram.min).toBe(1);
    expect(histogram.max).toBe(5);
    expect(histogram.count).toBe(5);
    expect(histogram.mean).toBe(3);
  });

  it("keeps percentiles within 1 % of the truth across nine orders of magnitude", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Log-uniform latencies from 1 microsecond to 10 seconds, in nanoseconds.
    const values = Array.from({ length: 20_000 }, () => Math.floor(10 ** (3 + random() * 7)));
    const histogram = recordAll(values);
    const sorted = values.slice().sort((a, b) => a - b);
    for (const p of [1, 10, 50, 90, 99, 99.9]) {
      const truth = exactPercentile(sorted, p);
      const reported = histogram.percentile(p);
      expect(reported).toBeGreaterThanOrEqual(truth);
      expect((reported - truth) / truth).toBeLessThan(0.01);
    }
    expect(histogram.percentile(100)).toBe(sorted.at(-1));
    expect(histogram.max).toBe(sorted.at(-1));
  });

  it("finds p99 of a uniform 1..10,000 ms distribution near 9,900 ms", () => {
    const histogram = recordAll(Array.from({ length: 10_000 }, (_, i) => (i + 1) * 1e6));
    expect(histogram.percentile(99) / 1e6).toBeGreaterThanOrEqual(9_900);
    expect(histogram.percentile(99) / 1e6).toBeLessThan(9_900 * 1.01);
    expect(histogram.percentile(50) / 1e6).toBeGreaterThanOrEqual(5_000);
    expect(histogram.percentile(50) / 1e6).toBeLessThan(5_000 * 1.01);
  });

  it("handles values past 2^32 and next to powers of two", () => {
    const values = [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 45 - 1, 2 ** 52 + 2];
    const histogram = recordAll(values);
    expect(histogram.max).toBe(2 ** 52 + 2);
    expect(histogram.percentile(1)).toBe(2 ** 32 - 1);
    for (let i = 1; i <= values.length; i++) {
      const truth = values[i - 1] as number;
      // Aim between ranks so float rounding cannot tip the rank over.
      const reported = histogram.percentile(((i - 0.5) / values.length) * 100);
      expect(reported).toBeGreaterThanOrEqual(truth);
      expect((reported - truth) / truth).toBeLessThan(0.01);
    }
  });

  it("merges into the same histogram as recording everything in one", () => {
    const left = recordAll([10, 200, 3_000, 40_000]);
    const right = recordAll([5, 500_000, 6_000_000]);
    const merged = new Histogram().merge(left).merge(right.toData());
    const whole = recordAll([10, 200, 3_000, 40_000, 5, 500_000, 6_000_000]);
    expect(merged.summary()).toEqual(whole.summary());
  });

  it("survives a round trip through JSON", () => {
    const histogram = recordAll([1, 2, 3, 1_000_000, 7_777_777]);
    const copy = Histogram.fromData(JSON.parse(JSON.stringify(histogram.toData())));
    expect(copy.summary()).toEqual(histogram.summary());
  });

  it("reports NaN rather than a made-up number when empty", () => {
    const histogram = new Histogram();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(99)).toBeNaN();
    expect(histogram.max).toBeNaN();
    expect(new Histogram().merge(histogram).count).toBe(0);
  });

  it("counts negative values as zero", () => {
    const histogram = recordAll([-5, 10]);
    expect(histogram.min).toBe(0);
    expect(histogram.count).toBe(2);
  });
});
