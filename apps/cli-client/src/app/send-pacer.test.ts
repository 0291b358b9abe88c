import { DEFAULTS, ErrorText } from "@chat/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BROADCAST_RATE, type SendOutcome, SendPacer } from "./send-pacer.js";

/** A server's broadcast bucket with the default limits, fed the pacer's send times. */
function serverBucket() {
  let tokens: number = DEFAULTS.broadcastBurst;
  let at = 0;
  return (now: number): boolean => {
    tokens = Math.min(
      DEFAULTS.broadcastBurst,
      tokens + ((now - at) / 1000) * DEFAULTS.broadcastsPerSecond,
    );
    at = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

describe("SendPacer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends a 25-line burst in order, none faster than the server's default broadcast limit", async () => {
    const start = Date.now();
    const pacer = new SendPacer({ now: () => Date.now() - start });
    const admit = serverBucket();
    const sent: number[] = [];
    const settled: SendOutcome[] = [];
    let leftAtOnce = 0;
    for (let line = 1; line <= 25; line++) {
      const now = () => Date.now() - start;
      const atOnce = pacer.submit({
        kind: "broadcast",
        send: async () => {
          sent.push(line);
          return admit(now())
            ? { status: "delivered" }
            : { status: "failed", error: "rate limited" };
        },
        started: () => {},
        settled: (outcome) => settled.push(outcome),
      });
      if (atOnce) leftAtOnce++;
    }
    expect(leftAtOnce).toBe(BROADCAST_RATE.burst);
    expect(pacer.queued).toBe(25 - BROADCAST_RATE.burst);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(settled.every((outcome) => outcome.status === "delivered")).toBe(true);
    expect(pacer.queued).toBe(0);
  });

  it("learns from a rate-limited answer: sends that line again, later, and slows down", async () => {
    const pacer = new SendPacer();
    const tries: number[] = [];
    const settled: SendOutcome[] = [];
    pacer.submit({
      kind: "broadcast",
      send: async () => {
        tries.push(Date.now());
        return tries.length === 1
          ? { status: "failed", error: ErrorText.RATE_LIMITED }
          : { status: "delivered" };
      },
      started: () => {},
      settled: (outcome) => settled.push(outcome),
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(settled).toEqual([{ status: "delivered" }]);
    expect((tries[1] as number) - (tries[0] as number)).toBeGreaterThanOrEqual(1_000);
    expect(pacer.rates.broadcast.perSecond).toBeLessThan(BROADCAST_RATE.perSecond);
    expect(pacer.rates.broadcast.burst).toBeLessThan(BROADCAST_RATE.burst);
  });

  it("sends again a line left unconfirmed while the server was refusing (it drops in silence)", async () => {
    const pacer = new SendPacer();
    const settled: string[] = [];
    const item = (name: string, first: () => Promise<SendOutcome>) => {
      let tries = 0;
      return {
        kind: "broadcast" as const,
        send: () => (tries++ === 0 ? first() : Promise.resolve({ status: "delivered" as const })),
        started: () => {},
        settled: (outcome: SendOutcome) => settled.push(`${name} ${outcome.status}`),
      };
    };
    // b is out when a's refusal comes back, and its own copy never does.
    pacer.submit(
      item("a", async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { status: "failed", error: ErrorText.RATE_LIMITED };
      }),
    );
    pacer.submit(
      item("b", async () => {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return { status: "unconfirmed" };
      }),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(settled.sort()).toEqual(["a delivered", "b delivered"]);
  });

  it("leaves an unconfirmed line alone when the server never refused", async () => {
    const pacer = new SendPacer();
    const settled: SendOutcome[] = [];
    pacer.submit({
      kind: "broadcast",
      send: async () => ({ status: "unconfirmed" }),
      started: () => {},
      settled: (outcome) => settled.push(outcome),
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toEqual([{ status: "unconfirmed" }]);
  });

  it("gives a line up after five rate-limited answers", async () => {
    const pacer = new SendPacer();
    const settled: SendOutcome[] = [];
    let tries = 0;
    pacer.submit({
      kind: "private",
      send: async () => {
        tries++;
        return { status: "failed", error: ErrorText.RATE_LIMITED };
      },
      started: () => {},
      settled: (outcome) => settled.push(outcome),
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tries).toBe(5);
    expect(settled).toEqual([{ status: "failed", error: "rate limited" }]);
  });

  it("clear() settles what is still queued as failed", () => {
    const pacer = new SendPacer({ broadcast: { perSecond: 1, burst: 1 } });
    const settled: SendOutcome[] = [];
    for (let i = 0; i < 3; i++) {
      pacer.submit({
        kind: "broadcast",
        send: () => new Promise(() => {}),
        started: () => {},
        settled: (outcome) => settled.push(outcome),
      });
    }
    pacer.clear("left");
    expect(settled).toEqual([
      { status: "failed", error: "left" },
      { status: "failed", error: "left" },
    ]);
  });
});
