import { describe, expect, it } from "vitest";
import { refillMs, TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  const spec = { perSecond: 50, burst: 100 };

  it("starts full and refuses once the burst is spent", () => {
    const bucket = new TokenBucket(spec, 0);
    for (let i = 0; i < 100; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });

  it("refills by elapsed time: 50/s is one token per 20 ms", () => {
    const bucket = new TokenBucket(spec, 0);
    while (bucket.take(0));
    expect(bucket.take(19)).toBe(false);
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(20)).toBe(false);
  });

  it("never holds more than the burst, however long it rests", () => {
    const bucket = new TokenBucket(spec, 0);
    expect(bucket.available(3_600_000)).toBe(100);
  });

  it("takes a cost of several tokens only when all are there", () => {
    const bucket = new TokenBucket({ perSecond: 2048, burst: 2048 }, 0);
    expect(bucket.take(0, 2000)).toBe(true);
    expect(bucket.take(0, 100)).toBe(false);
    expect(bucket.available(0)).toBe(48);
  });

  it("refills nothing when the clock steps back", () => {
    const bucket = new TokenBucket(spec, 1000);
    while (bucket.take(1000));
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(1020)).toBe(true);
  });

  it("says how long an idle bucket takes to be full again", () => {
    expect(refillMs(spec)).toBe(2000);
    expect(refillMs({ perSecond: 10 / 60, burst: 10 })).toBe(60_000);
  });
});
