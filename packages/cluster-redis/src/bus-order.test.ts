import { describe, expect, it } from "vitest";
import type { BusMessage } from "./bus.js";
import { BusOrder } from "./bus-order.js";

const b = (seq: number): BusMessage => ({ seq, kind: "B", forward: Uint8Array.of(seq) });
const n = (seq: number): BusMessage => ({ seq, kind: "N", node: "x" });

function order() {
  const applied: number[] = [];
  const delivered: number[] = [];
  let gaps = 0;
  const bus = new BusOrder({
    apply: (m) => void applied.push(m.seq),
    deliver: (forward) => void delivered.push(forward[0] as number),
    gap: () => void gaps++,
  });
  return { bus, applied, delivered, gaps: () => gaps };
}

describe("BusOrder", () => {
  it("applies each number once, in order, and notices a skipped one", () => {
    const { bus, applied, gaps } = order();
    bus.resume(0);
    for (const seq of [1, 2, 2, 1, 3, 5, 6]) bus.receive(b(seq));
    expect(applied).toEqual([1, 2, 3, 5, 6]);
    expect(bus.missed).toBe(1);
    expect(gaps()).toBe(1);
  });

  it("after a snapshot, delivers held broadcasts it had not delivered and applies the newer", () => {
    const { bus, applied, delivered } = order();
    bus.resume(0);
    bus.receive(b(1));
    bus.hold();
    for (const message of [b(3), n(4), b(5), b(6), n(7)]) bus.receive(message);
    bus.resume(5); // the snapshot covers up to 5; 2 was never received
    expect(delivered).toEqual([3, 5]);
    expect(applied).toEqual([1, 6, 7]);
    expect(bus.missed).toBe(1);
  });

  it("starts counting again when Redis restarted empty (a snapshot below its position)", () => {
    const { bus, applied, delivered } = order();
    bus.resume(100);
    bus.hold();
    bus.receive(b(1));
    bus.receive(b(3));
    bus.resume(2);
    expect(delivered).toEqual([1]);
    expect(applied).toEqual([3]);
    expect(bus.missed).toBe(0);
  });
});
