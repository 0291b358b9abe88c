import { describe, expect, it } from "vitest";
import type { BusMessage } from "./bus.js";
import { BusOrder } from "./bus-order.js";

const b = (seq: number): BusMessage => ({ seq, kind: "B", forward: Uint8Array.of(seq) });
const n = (seq: number): BusMessage => ({ seq, kind: "N", node: "x" });

function order() {
  const taken: string[] = [];
  let gaps = 0;
  const bus = new BusOrder({
    apply: (m) => void taken.push(`${m.kind}${m.seq}`),
    gap: () => void gaps++,
  });
  return { bus, taken, gaps: () => gaps };
}

describe("BusOrder", () => {
  it("takes each number once, in order, and resyncs on a skipped one", () => {
    const { bus, taken, gaps } = order();
    bus.resume(0, 0);
    for (const seq of [1, 2, 2, 1, 3, 5, 6]) bus.receive(b(seq));
    expect(taken).toEqual(["B1", "B2", "B3", "B5", "B6"]);
    expect(bus.missed).toBe(1);
    expect(gaps()).toBe(1);
  });

  it("resyncs on a gap that reaches past the snapshot", () => {
    const { bus, gaps } = order();
    bus.resume(10, 10);
    bus.receive(b(11));
    bus.receive(b(14));
    expect(bus.missed).toBe(2);
    expect(gaps()).toBe(1);
  });

  it("after a snapshot, delivers the broadcasts up to it and applies what is newer", () => {
    const { bus, taken, gaps } = order();
    bus.resume(0, 0);
    bus.receive(b(1));
    bus.hold();
    for (const message of [b(2), n(3), b(4)]) bus.receive(message);
    bus.resume(6); // the snapshot covers up to 6: the reader has not got 5 and 6 yet
    for (const message of [n(5), b(6), n(7), b(8)]) bus.receive(message);
    expect(taken).toEqual(["B1", "B2", "B4", "B6", "N7", "B8"]);
    expect(bus.missed).toBe(0);
    expect(gaps()).toBe(0);
  });

  it("keeps what it held through a snapshot that failed, for the next", () => {
    const { bus, taken } = order();
    bus.resume(0, 0);
    bus.hold();
    bus.receive(b(1));
    bus.hold(); // the snapshot failed; the next sync holds again
    bus.receive(n(2));
    bus.resume(1);
    expect(taken).toEqual(["B1", "N2"]);
  });

  it("counts entries trimmed before the snapshot without resyncing again", () => {
    const { bus, taken, gaps } = order();
    bus.resume(10, 10);
    bus.hold();
    bus.resume(30);
    // 11 to 19 were trimmed off the stream before this node read them.
    for (let seq = 20; seq <= 31; seq++) bus.receive(b(seq));
    expect(taken).toHaveLength(12);
    expect(bus.missed).toBe(9);
    expect(gaps()).toBe(0);
  });

  it("starts again where the reader restarts (numbering that went back) and drops what was held", () => {
    const { bus, taken } = order();
    bus.resume(100, 100);
    bus.hold();
    bus.receive(b(101));
    expect(bus.position).toBe(101); // what the reader has, held or not
    bus.resume(3, 0); // Redis restarted empty: read its new stream from the start
    for (const seq of [1, 2, 3, 4]) bus.receive(b(seq));
    expect(taken).toEqual(["B1", "B2", "B3", "B4"]);
    expect(bus.position).toBe(4);
  });
});
