/**
 * Metrics on vs off: two daemons in the same run, one with `--metrics` and scraped over HTTP
 * every `scrapeMs` (as Prometheus would, but far more often than its default 15 s), one
 * without. The same broadcast load runs on each in turn, alternating which goes first each
 * round, and the figure is server CPU time per delivery (robust to drift where rates are
 * not), its ratio on/off, plus throughput, p99 latency and what one scrape costs.
 */
import type { BenchConfig } from "../config.js";
import { Fleet } from "../load/fleet.js";
import type { WorkerPool } from "../load/pool.js";
import { processCpuSeconds } from "../proc-stats.js";
import { type RunningServer, startServer } from "../servers.js";
import { round, type StepSummary, summarizeStep } from "./step-summary.js";

const VARIANTS = ["off", "on"] as const;
type Variant = (typeof VARIANTS)[number];

export interface VariantResult {
  steps: StepSummary[];
  /** Medians over the steps. */
  serverCpuUsPerDelivery: number | null;
  deliveriesPerSecond: number;
  p99Ms: number;
  loss: number;
}

export interface MetricsOverheadResult {
  users: number;
  senders: number;
  rate: number;
  stepSeconds: number;
  rounds: number;
  scrapeMs: number;
  off: VariantResult;
  on: VariantResult;
  /** on / off: 1.00 means scraping cost nothing measurable. */
  cpuPerDeliveryRatio: number | null;
  deliveriesRatio: number;
  scrapes: number;
  scrapeMsMedian: number;
  scrapeMsMax: number;
  exposureBytes: number;
  /** Server CPU per scrape, measured on the idle daemon (no traffic) over back-to-back scrapes. */
  idleScrapeCpuMs: number | null;
}

/** Back-to-back scrapes of the idle daemon that measure what one costs it. */
const IDLE_SCRAPES = 50;

export async function runMetricsOverhead(
  pool: WorkerPool,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<MetricsOverheadResult> {
  const plan = config.metrics;
  const fleets = new Map<Variant, Fleet>();
  const scrapeTimes: number[] = [];
  let exposureBytes = 0;
  try {
    for (const variant of VARIANTS) {
      const server = await startServer("ours", { metrics: variant === "on" });
      const fleet = await Fleet.open(pool, `metrics-${variant}`, server, plan.users);
      fleets.set(variant, fleet);
      const registered = await fleet.register();
      if (registered.ok !== plan.users) {
        throw new Error(`metrics ${variant}: only ${registered.ok} of ${plan.users} registered`);
      }
    }
    const steps: Record<Variant, StepSummary[]> = { off: [], on: [] };
    for (let round = 0; round < plan.rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const fleet = fleets.get(variant) as Fleet;
        const scraper = variant === "on" ? startScraper(fleet.server, plan.scrapeMs) : undefined;
        const step = await fleet.run("broadcast", plan.senders, plan.rate, plan.stepMs);
        const done = await scraper?.stop();
        if (done) {
          scrapeTimes.push(...done.times);
          exposureBytes = done.bytes;
        }
        const summary = summarizeStep(step, config.maxLoss, config.maxP99Ms);
        steps[variant].push(summary);
        log(
          `  metrics ${variant.padEnd(3)} round ${round + 1}: ${Math.round(summary.deliveriesPerSecond)} deliveries/s, ` +
            `${summary.serverCpuUsPerDelivery ?? "?"} µs server CPU per delivery, p99 ${summary.latencyMs.p99} ms` +
            (done ? `, ${done.times.length} scrapes` : ""),
        );
      }
    }
    const idleScrapeCpuMs = await idleScrapeCost((fleets.get("on") as Fleet).server);
    const off = summarize(steps.off);
    const on = summarize(steps.on);
    const cpuRatio =
      on.serverCpuUsPerDelivery !== null && off.serverCpuUsPerDelivery
        ? round(on.serverCpuUsPerDelivery / off.serverCpuUsPerDelivery, 3)
        : null;
    return {
      users: plan.users,
      senders: plan.senders,
      rate: plan.rate,
      stepSeconds: plan.stepMs / 1000,
      rounds: plan.rounds,
      scrapeMs: plan.scrapeMs,
      off,
      on,
      cpuPerDeliveryRatio: cpuRatio,
      deliveriesRatio: round(on.deliveriesPerSecond / off.deliveriesPerSecond, 3),
      scrapes: scrapeTimes.length,
      scrapeMsMedian: round(median(scrapeTimes), 2),
      scrapeMsMax: round(Math.max(0, ...scrapeTimes), 2),
      exposureBytes,
      idleScrapeCpuMs,
    };
  } finally {
    for (const fleet of fleets.values()) {
      await fleet.close();
      await fleet.server.stop();
    }
  }
}

/** The lines `pnpm bench` prints for this scenario. */
export function describeMetricsOverhead(result: MetricsOverheadResult): string[] {
  const cpu = (v: VariantResult) => v.serverCpuUsPerDelivery ?? "?";
  return [
    `metrics on vs off (${result.users} users, ${result.senders} senders, ${result.rate} broadcasts/s, ` +
      `${result.rounds} x ${result.stepSeconds} s each, scraped every ${result.scrapeMs} ms):`,
    `  server CPU per delivery: off ${cpu(result.off)} µs, on ${cpu(result.on)} µs, ratio on/off ${result.cpuPerDeliveryRatio ?? "?"}`,
    `  deliveries/s: off ${Math.round(result.off.deliveriesPerSecond)}, on ${Math.round(result.on.deliveriesPerSecond)}, ratio ${result.deliveriesRatio}`,
    `  p99 latency: off ${result.off.p99Ms} ms, on ${result.on.p99Ms} ms; loss off ${result.off.loss}, on ${result.on.loss}`,
    `  one scrape: median ${result.scrapeMsMedian} ms, max ${result.scrapeMsMax} ms wall under load (${result.scrapes} scrapes, ${result.exposureBytes} bytes each); ` +
      `${result.idleScrapeCpuMs ?? "?"} ms of server CPU on the idle daemon`,
  ];
}

async function idleScrapeCost(server: RunningServer): Promise<number | null> {
  const url = `http://${server.host}:${server.metricsPort}/metrics`;
  const before = processCpuSeconds(server.pid);
  for (let i = 0; i < IDLE_SCRAPES; i++) await (await fetch(url)).text();
  const after = processCpuSeconds(server.pid);
  if (before === undefined || after === undefined) return null;
  return round(((after - before) * 1000) / IDLE_SCRAPES, 3);
}

function summarize(steps: StepSummary[]): VariantResult {
  const cpu = steps.map((s) => s.serverCpuUsPerDelivery).filter((v): v is number => v !== null);
  return {
    steps,
    serverCpuUsPerDelivery: cpu.length ? round(median(cpu), 3) : null,
    deliveriesPerSecond: round(median(steps.map((s) => s.deliveriesPerSecond)), 1),
    p99Ms: round(median(steps.map((s) => s.latencyMs.p99)), 2),
    loss: round(median(steps.map((s) => s.loss)), 4),
  };
}

/** GETs /metrics every `everyMs` until stopped; each scrape's wall time in ms. */
function startScraper(server: RunningServer, everyMs: number) {
  const url = `http://${server.host}:${server.metricsPort}/metrics`;
  const times: number[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = true;
  let wake: () => void = () => {};
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(url);
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
      times.push(performance.now() - started);
      bytes = text.length;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, everyMs);
      });
    }
  })();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      wake();
      await loop;
      return { times, bytes };
    },
  };
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
