/** Issue #5's targets, each PASS or FAIL on figures from one run. */
import type { Scenarios, Target } from "./report.js";
import { round } from "./scenarios/step-summary.js";

/** Issue #5's targets, each against figures from this one run. */
export function buildTargets(s: Scenarios): Target[] {
  const targets: Target[] = [];
  const add = (
    name: string,
    value: number | null,
    comparison: ">=" | "<=",
    limit: number,
    unit: string,
  ) =>
    targets.push({
      name,
      value,
      comparison,
      limit,
      unit,
      pass: value !== null && (comparison === ">=" ? value >= limit : value <= limit),
    });
  const ratio = (o: number | null | undefined, b: number | null | undefined) =>
    o != null && b != null && b !== 0 ? round(o / b, 3) : null;
  if (s.broadcast) {
    const { best } = s.broadcast;
    add(
      "broadcast deliveries/s vs baseline",
      ratio(best.ours?.deliveriesPerSecond, best.baseline?.deliveriesPerSecond),
      ">=",
      0.9,
      "x",
    );
  }
  if (s.private) {
    const { best, latencyAtRate: l } = s.private;
    add(
      "private msgs/s vs baseline",
      ratio(best.ours?.messagesPerSecond, best.baseline?.messagesPerSecond),
      ">=",
      0.9,
      "x",
    );
    add(
      `p99 latency at ${l.rate} private msgs/s vs baseline`,
      ratio(l.ours?.p99, l.baseline?.p99),
      "<=",
      1.5,
      "x",
    );
  }
  if (s.registration) {
    const r = s.registration;
    add(
      `time to register ${r.users} users vs baseline`,
      ratio(r.medianSeconds.ours, r.medianSeconds.baseline),
      "<=",
      1.5,
      "x",
    );
  }
  if (s.memory) {
    add(
      "live heap per registered user",
      s.memory.servers.ours?.heapPerUser ?? null,
      "<=",
      1024,
      "B",
    );
  }
  if (s.listPush) {
    // A push nobody received proves nothing: no packets, no figure.
    const blocked = s.listPush.packets > 0 ? s.listPush.loopBlockedMaxMs : null;
    add(
      `list push at ${s.listPush.users} users blocks the loop (own work)`,
      blocked,
      "<=",
      20,
      "ms",
    );
  }
  return targets;
}
