/**
 * The report: every figure of ours beside the baseline's and as a ratio, issue #5's targets
 * with PASS/FAIL, and the JSON written to disk. Figures missing from a run (a scenario not
 * selected, a ladder where nothing passed) are null, never invented.
 */
import type { BenchConfig } from "./config.js";
import type { MachineInfo } from "./proc-stats.js";
import type { LadderResult, Rung } from "./scenarios/ladder.js";
import type { ListPushResult } from "./scenarios/list-push.js";
import type { MemoryResult } from "./scenarios/memory.js";
import type { RegistrationResult } from "./scenarios/registration.js";
import { round } from "./scenarios/step-summary.js";

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
  figures: Figure[];
  targets: Target[];
  scenarios: Scenarios;
}

function figure(
  scenario: string,
  metric: string,
  unit: string,
  ours: number | null | undefined,
  baseline: number | null | undefined,
): Figure {
  const o = ours ?? null;
  const b = baseline ?? null;
  const ratio = o !== null && b !== null && b !== 0 ? round(o / b, 3) : null;
  return { scenario, metric, unit, ours: o, baseline: b, ratio };
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

/**
 * The rung to compare CPU cost at: the highest both servers passed, else the first. CPU time
 * per delivery holds up when other load on the machine moves rates and latencies.
 */
function referenceRung(ladder: LadderResult): Rung | undefined {
  const both = ladder.rungs.filter((r) => r.ours?.pass && r.baseline?.pass);
  return both.at(-1) ?? ladder.rungs[0];
}

function cpuFigures(name: string, ladder: LadderResult, unit: string): Figure[] {
  const rung = referenceRung(ladder);
  if (!rung) return [];
  return [
    figure(
      name,
      `server CPU per delivery at ${rung.rate} ${unit}`,
      "µs",
      rung.ours?.serverCpuUsPerDelivery,
      rung.baseline?.serverCpuUsPerDelivery,
    ),
    figure(
      name,
      `generator CPU per delivery at ${rung.rate} ${unit}`,
      "µs",
      rung.ours?.generatorCpuUsPerDelivery,
      rung.baseline?.generatorCpuUsPerDelivery,
    ),
  ];
}

export function buildFigures(s: Scenarios): Figure[] {
  const figures: Figure[] = [];
  if (s.broadcast) {
    const { best, users, senders } = s.broadcast;
    figures.push(
      figure(
        `broadcast (${users} users, ${senders} senders)`,
        "max deliveries/s, loss < 1 %, p99 < 100 ms",
        "/s",
        best.ours?.deliveriesPerSecond,
        best.baseline?.deliveriesPerSecond,
      ),
      ...cpuFigures(`broadcast (${users} users, ${senders} senders)`, s.broadcast, "msgs/s"),
    );
  }
  if (s.private) {
    const { best, users, latencyAtRate: l } = s.private;
    const name = `private (${users} users all sending)`;
    figures.push(
      figure(
        name,
        "max msgs/s, loss < 1 %, p99 < 100 ms",
        "/s",
        best.ours?.messagesPerSecond,
        best.baseline?.messagesPerSecond,
      ),
      figure(
        name,
        `p50 latency at ${l.rate} msgs/s (median of ${l.ours?.steps ?? 0} steps)`,
        "ms",
        l.ours?.p50,
        l.baseline?.p50,
      ),
      figure(
        name,
        `p99 latency at ${l.rate} msgs/s (median of ${l.ours?.steps ?? 0} steps)`,
        "ms",
        l.ours?.p99,
        l.baseline?.p99,
      ),
      ...cpuFigures(name, s.private, "msgs/s"),
    );
  }
  if (s.registration) {
    const r = s.registration;
    figures.push(
      figure(
        `registration`,
        `time to register ${r.users} users (median)`,
        "s",
        r.medianSeconds.ours,
        r.medianSeconds.baseline,
      ),
    );
  }
  if (s.memory) {
    const { users, servers } = s.memory;
    const name = `memory (${users} users)`;
    figures.push(
      figure(
        name,
        "live heap per registered user",
        "B",
        servers.ours?.heapPerUser,
        servers.baseline?.heapPerUser,
      ),
      figure(
        name,
        "RSS per registered user",
        "B",
        servers.ours?.rssPerUser,
        servers.baseline?.rssPerUser,
      ),
      figure(
        name,
        "live heap, no users",
        "MiB",
        mib(servers.ours?.idle.heapUsed),
        mib(servers.baseline?.idle.heapUsed),
      ),
      figure(
        name,
        `live heap, ${users} users`,
        "MiB",
        mib(servers.ours?.loaded.heapUsed),
        mib(servers.baseline?.loaded.heapUsed),
      ),
      figure(
        name,
        "RSS, no users",
        "MiB",
        mib(servers.ours?.idle.rss),
        mib(servers.baseline?.idle.rss),
      ),
      figure(
        name,
        `RSS, ${users} users`,
        "MiB",
        mib(servers.ours?.loaded.rss),
        mib(servers.baseline?.loaded.rss),
      ),
    );
  }
  if (s.listPush) {
    const l = s.listPush;
    figures.push(
      figure(
        `list push (${l.users} users)`,
        "event loop blocked by its own work, max",
        "ms",
        l.loopBlockedMaxMs,
        null,
      ),
      figure(
        `list push (${l.users} users)`,
        "event loop stall incl. waits for a core, max",
        "ms",
        l.loopStallMaxMs,
        null,
      ),
      figure(
        `list push (${l.users} users)`,
        "LIST_RESPONSE packets per listener per push",
        "",
        l.packetsPerUserPerPush,
        null,
      ),
    );
  }
  return figures;
}

function mib(bytes: number | undefined): number | null {
  return bytes === undefined ? null : round(bytes / 2 ** 20, 2);
}

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
