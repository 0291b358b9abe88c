/**
 * The report's shape: every figure of ours beside the baseline's and as a ratio
 * (figures.ts), issue #5's targets with PASS/FAIL (targets.ts), and the JSON written to
 * disk. Figures missing from a run (a scenario not selected, a ladder where nothing
 * passed) are null, never invented.
 */
import type { BenchConfig } from "./config.js";
import type { MachineInfo } from "./proc-stats.js";
import type { ClusterResult } from "./scenarios/cluster.js";
import type { LadderResult } from "./scenarios/ladder.js";
import type { ListPushResult } from "./scenarios/list-push.js";
import type { MemoryResult } from "./scenarios/memory.js";
import type { MetricsOverheadResult } from "./scenarios/metrics-overhead.js";
import type { RegistrationResult } from "./scenarios/registration.js";
import type { YardsticksResult } from "./scenarios/yardsticks.js";

export interface LatencyAtRate {
  rate: number;
  /** Medians over `steps` steps at that rate. */
  ours: { p50: number; p99: number; steps: number } | null;
  baseline: { p50: number; p99: number; steps: number } | null;
}

export interface Scenarios {
  broadcast?: LadderResult;
  private?: LadderResult & { latencyAtRate: LatencyAtRate };
  registration?: RegistrationResult;
  memory?: MemoryResult;
  listPush?: ListPushResult;
  metrics?: MetricsOverheadResult;
  cluster?: ClusterResult;
  yardsticks?: YardsticksResult;
}

export interface Figure {
  scenario: string;
  metric: string;
  unit: string;
  ours: number | null;
  baseline: number | null;
  /** ours / baseline. */
  ratio: number | null;
}

export interface Target {
  name: string;
  /** The value compared: a ratio to the baseline or an absolute figure. */
  value: number | null;
  comparison: ">=" | "<=";
  limit: number;
  unit: string;
  pass: boolean;
}

export interface BenchReport {
  mode: BenchConfig["mode"];
  startedAt: string;
  seconds: number;
  machine: MachineInfo;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd: number | null;
  generator: { workers: number; cpuShareOfMachine: number | null; limits: string[] };
  config: BenchConfig;
  /** What the daemon said it ran: "native: auto: native addon loaded (...)". */
  daemonTransport: string | null;
  figures: Figure[];
  targets: Target[];
  scenarios: Scenarios;
}

/**
 * Each server's latency at `rate`: the median p50 and median p99 over the ladder's step at
 * that rate and the extra steps run there, since one step's p99 is one burst of other work
 * on the machine away from a different figure.
 */
export function latencyAt(ladder: LadderResult, rate: number): LatencyAtRate {
  const rung = ladder.rungs.find((r) => r.rate === rate);
  const pick = (kind: "ours" | "baseline") => {
    const steps = [rung?.[kind], ...ladder.latencyRuns[kind]].filter((s) => s != null);
    if (steps.length === 0) return null;
    return {
      p50: median(steps.map((s) => s.latencyMs.p50)),
      p99: median(steps.map((s) => s.latencyMs.p99)),
      steps: steps.length,
    };
  };
  return { rate, ours: pick("ours"), baseline: pick("baseline") };
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
