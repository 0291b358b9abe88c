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
  best: Record<ServerKind, Best | null>;
}

export interface LadderPlan {
  kind: TrafficKind;
  users: number;
  senders: number;
  rates: readonly number[];
  stepMs: number;
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
    const rungs: Rung[] = [];
    const failures = new Map<ServerKind, number>(KINDS.map((k) => [k, 0]));
    for (const rate of plan.rates) {
      const rung: Rung = { rate, ours: null, baseline: null };
      for (const kind of KINDS) {
        if ((failures.get(kind) ?? 0) >= 2) continue;
        const fleet = fleets.get(kind) as Fleet;
        const step = await fleet.run(plan.kind, plan.senders, rate, plan.stepMs);
        const summary = summarizeStep(step, config.maxLoss, config.maxP99Ms);
        rung[kind] = summary;
        failures.set(kind, summary.pass ? 0 : (failures.get(kind) ?? 0) + 1);
        log(describeStep(plan.kind, kind, summary));
      }
      rungs.push(rung);
      if (KINDS.every((kind) => (failures.get(kind) ?? 0) >= 2)) break;
    }
    return {
      users: plan.users,
      senders: plan.senders,
      stepSeconds: plan.stepMs / 1000,
      rungs,
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
  const verdict = s.pass ? "pass" : "FAIL";
  const why = s.notes.length ? `  [${s.notes.join("; ")}]` : "";
  return (
    `  ${traffic} ${kind.padEnd(8)} offered ${String(s.offeredRate).padStart(6)}/s  ` +
    `deliveries ${String(s.deliveriesPerSecond).padStart(7)}/s  loss ${(s.loss * 100).toFixed(2)} %  ` +
    `p50 ${s.latencyMs.p50} ms  p99 ${s.latencyMs.p99} ms  ` +
    `server ${s.serverCpuUsPerDelivery ?? "?"} µs/delivery  ${verdict}${why}`
  );
}
