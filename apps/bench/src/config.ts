import type { TransportChoice } from "@chat/testkit";

/** The sizes of each scenario, full (issue #5's figures) and quick (a few seconds). */

export interface BenchConfig {
  readonly mode: "full" | "quick";
  /** The daemon's --transport (pnpm bench -- --transport dgram). */
  readonly transport: TransportChoice;
  /** Load worker threads. */
  readonly workers: number;
  readonly broadcast: {
    readonly users: number;
    readonly senders: number;
    /** Offered BROADCASTs per second, all senders together. */
    readonly rates: readonly number[];
    readonly stepMs: number;
  };
  readonly private: {
    readonly users: number;
    /** Offered PRIVATEs per second, every user sending. */
    readonly rates: readonly number[];
    readonly stepMs: number;
    /** The rate at which p50 and p99 latency are compared, and extra steps run there. */
    readonly latencyRate: number;
    readonly latencyRounds: number;
  };
  readonly registration: { readonly users: number; readonly rounds: number };
  readonly memory: { readonly users: number };
  readonly listPush: {
    readonly users: number;
    readonly intervalSeconds: number;
    readonly listenMs: number;
  };
  /** Metrics on vs off (scenario "metrics", run only when asked for). */
  readonly metrics: {
    readonly users: number;
    readonly senders: number;
    /** Offered BROADCASTs per second: well under both daemons' limit, so both pass. */
    readonly rate: number;
    readonly stepMs: number;
    readonly rounds: number;
    readonly scrapeMs: number;
  };
  /** Cluster mode (two nodes on one Redis) beside one lone node: BROADCAST fan-out. */
  readonly cluster: {
    readonly users: number;
    readonly senders: number;
    readonly rates: readonly number[];
    readonly stepMs: number;
  };
  /** A step passes with loss under this and p99 under maxP99Ms. */
  readonly maxLoss: number;
  readonly maxP99Ms: number;
}

export const SCENARIOS = [
  "broadcast",
  "private",
  "registration",
  "memory",
  "list-push",
  "cluster",
  "yardsticks",
] as const;
/** Run only when named with --scenario. */
export const OPTIONAL_SCENARIOS = ["metrics"] as const;
export type ScenarioName = (typeof SCENARIOS)[number] | (typeof OPTIONAL_SCENARIOS)[number];

export function fullConfig(workers: number): BenchConfig {
  return {
    mode: "full",
    transport: "auto",
    workers,
    broadcast: {
      users: 1_000,
      senders: 10,
      rates: [20, 50, 75, 100, 125, 150, 200, 250, 300, 400],
      stepMs: 3_000,
    },
    private: {
      users: 200,
      rates: [1_000, 2_500, 5_000, 7_500, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000],
      stepMs: 3_000,
      latencyRate: 5_000,
      latencyRounds: 4,
    },
    registration: { users: 5_000, rounds: 3 },
    memory: { users: 10_000 },
    listPush: { users: 10_000, intervalSeconds: 5, listenMs: 11_000 },
    metrics: { users: 1_000, senders: 10, rate: 50, stepMs: 3_000, rounds: 6, scrapeMs: 1_000 },
    cluster: { users: 200, senders: 10, rates: [50, 100, 200, 400], stepMs: 3_000 },
    maxLoss: 0.01,
    maxP99Ms: 100,
  };
}

export function quickConfig(workers: number): BenchConfig {
  return {
    mode: "quick",
    transport: "auto",
    workers,
    broadcast: { users: 50, senders: 5, rates: [20, 100], stepMs: 500 },
    private: { users: 20, rates: [500, 1_000], stepMs: 500, latencyRate: 1_000, latencyRounds: 1 },
    registration: { users: 300, rounds: 1 },
    memory: { users: 500 },
    listPush: { users: 500, intervalSeconds: 0.5, listenMs: 1_600 },
    metrics: { users: 50, senders: 5, rate: 50, stepMs: 500, rounds: 2, scrapeMs: 100 },
    cluster: { users: 20, senders: 2, rates: [50], stepMs: 500 },
    // A smoke test on whatever machine runs the tests: lenient, so a busy CI box still
    // yields a figure for every scenario.
    maxLoss: 0.05,
    maxP99Ms: 1_000,
  };
}
