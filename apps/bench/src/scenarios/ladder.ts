/**
 * The rate ladder shared by the broadcast and private scenarios. Both servers stay up with
 * a registered fleet each; every rung runs ours then the baseline, so drift over the run
 * (thermal, other load on the machine) hits both alike. A server that fails two rungs in a
 * row stops climbing.
 */
import type { BenchConfig } from "../config.js";
import { Fleet } from "../load/fleet.js";
import type { TrafficKind } from "../load/messages.js";
import type { WorkerPool } from "../load/pool.js";
import { type ServerKind, startServer } from "../servers.js";
import { type StepSummary, summarizeStep } from "./step-summary.js";

export const KINDS: readonly ServerKind[] = ["ours", "baseline"];

export interface Rung {
  rate: number;
  ours: StepSummary | null;
  baseline: StepSummary | null;
}

export interface Best {
  rate: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  /** True when even the top rung passed: the figure is a floor, not the limit. */
  topRungPassed: boolean;
}

export interface LadderResult {
  users: number;
  senders: number;
  stepSeconds: number;
  rungs: Rung[];
  /** Extra steps at plan.latency.rate, alternating (one latency figure is one step's p99). */
  latencyRuns: Record<ServerKind, StepSummary[]>;
  best: Record<ServerKind, Best | null>;
}

export interface LadderPlan {
  kind: TrafficKind;
  users: number;
  senders: number;
  rates: readonly number[];
  stepMs: number;
  /** Repeat this rate `rounds` more times per server after the ladder. */
  latency?: { rate: number; rounds: number };
}

export async function runLadder(
  pool: WorkerPool,
  config: BenchConfig,
  plan: LadderPlan,
  log: (line: string) => void,
): Promise<LadderResult> {
  const fleets = new Map<ServerKind, Fleet>();
  try {
    for (const kind of KINDS) {
      const server = await startServer(kind);
      const fleet = await Fleet.open(pool, `${plan.kind}-${kind}`, server, plan.users);
      fleets.set(kind, fleet);
      const registered = await fleet.register();
      if (registered.ok !== plan.users) {
        throw new Error(`${kind}: only ${registered.ok} of ${plan.users} users registered`);
      }
    }
    const measure = async (kind: ServerKind, rate: number, attempt: number) => {
      const fleet = fleets.get(kind) as Fleet;
      const step = await fleet.run(plan.kind, plan.senders, rate, plan.stepMs);
      const summary = { ...summarizeStep(step, config.maxLoss, config.maxP99Ms), attempt };
      log(describeStep(plan.kind, kind, summary));
      return summary;
    };
    const rungs: Rung[] = [];
    const failures = new Map<ServerKind, number>(KINDS.map((k) => [k, 0]));
    for (const rate of plan.rates) {
      const rung: Rung = { rate, ours: null, baseline: null };
      const climbing = KINDS.filter((kind) => (failures.get(kind) ?? 0) < 2);
      for (const kind of climbing) rung[kind] = await measure(kind, rate, 1);
      // A failed rung is tried once more, after the other server's turn: one burst of
      // other work on a shared machine should not end a climb.
      for (const kind of climbing) {
        if (rung[kind]?.pass) continue;
        const again = await measure(kind, rate, 2);
        if (again.pass) rung[kind] = again;
      }
      for (const kind of climbing) {
        failures.set(kind, rung[kind]?.pass ? 0 : (failures.get(kind) ?? 0) + 1);
      }
      rungs.push(rung);
      if (KINDS.every((kind) => (failures.get(kind) ?? 0) >= 2)) break;
    }
    await refine(rungs, measure);
    const latencyRuns: Record<ServerKind, StepSummary[]> = { ours: [], baseline: [] };
    for (let round = 0; round < (plan.latency?.rounds ?? 0); round++) {
      for (const kind of KINDS) {
        latencyRuns[kind].push(await measure(kind, plan.latency?.rate as number, 1));
      }
    }
    return {
      users: plan.users,
      senders: plan.senders,
      stepSeconds: plan.stepMs / 1000,
      rungs,
      latencyRuns,
      best: {
        ours: bestOf(rungs, "ours", plan.rates),
        baseline: bestOf(rungs, "baseline", plan.rates),
      },
    };
  } finally {
    for (const fleet of fleets.values()) {
      await fleet.close();
      await fleet.server.stop();
    }
  }
}

/**
 * Halves the gap between each server's best passing rung and the failing rung above it,
 * twice, so the ratio of the two maxima is not just the ladder's step size.
 */
async function refine(
  rungs: Rung[],
  measure: (kind: ServerKind, rate: number, attempt: number) => Promise<StepSummary>,
): Promise<void> {
  const bounds = new Map<ServerKind, { pass: number; fail: number }>();
  for (const kind of KINDS) {
    const pass = rungs.filter((r) => r[kind]?.pass).at(-1)?.rate;
    const fail = rungs.find((r) => r[kind] && !r[kind]?.pass && r.rate > (pass ?? 0))?.rate;
    if (pass !== undefined && fail !== undefined) bounds.set(kind, { pass, fail });
  }
  for (let round = 0; round < 2; round++) {
    for (const [kind, bound] of bounds) {
      const rate = roundRate((bound.pass + bound.fail) / 2);
      if (rate <= bound.pass || rate >= bound.fail) continue;
      const summary = await measure(kind, rate, 1);
      let rung = rungs.find((r) => r.rate === rate);
      if (!rung) {
        rung = { rate, ours: null, baseline: null };
        rungs.push(rung);
        rungs.sort((a, b) => a.rate - b.rate);
      }
      rung[kind] = summary;
      if (summary.pass) bound.pass = rate;
      else bound.fail = rate;
    }
  }
}

/** Two significant digits: 62.5 -> 63, 17,500 -> 18,000. */
function roundRate(rate: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(rate)) - 1);
  return Math.round(rate / unit) * unit;
}

function bestOf(rungs: Rung[], kind: ServerKind, rates: readonly number[]): Best | null {
  let best: Best | null = null;
  for (const rung of rungs) {
    const step = rung[kind];
    if (!step?.pass) continue;
    if (best && step.deliveriesPerSecond <= best.deliveriesPerSecond) continue;
    best = {
      rate: rung.rate,
      deliveriesPerSecond: step.deliveriesPerSecond,
      messagesPerSecond: step.messagesPerSecond,
      topRungPassed: rung.rate === rates.at(-1),
    };
  }
  return best;
}

function describeStep(traffic: TrafficKind, kind: ServerKind, s: StepSummary): string {
  const verdict = `${s.pass ? "pass" : "FAIL"}${s.attempt && s.attempt > 1 ? " (retry)" : ""}`;
  const why = s.notes.length ? `  [${s.notes.join("; ")}]` : "";
  return (
    `  ${traffic} ${kind.padEnd(8)} offered ${String(s.offeredRate).padStart(6)}/s  ` +
    `deliveries ${String(s.deliveriesPerSecond).padStart(7)}/s  loss ${(s.loss * 100).toFixed(2)} %  ` +
    `p50 ${s.latencyMs.p50} ms  p99 ${s.latencyMs.p99} ms  ` +
    `server ${s.serverCpuUsPerDelivery ?? "?"} µs/delivery  ${verdict}${why}`
  );
}
