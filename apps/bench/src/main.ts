/**
 * pnpm bench: runs the scenarios of issue #5 against the daemon and the baseline, prints a
 * table with ratios and PASS/FAIL per target, and writes the JSON report and SVG chart.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, USAGE } from "./args.js";
import { renderChart } from "./chart.js";
import { type BenchConfig, fullConfig, quickConfig } from "./config.js";
import { buildFigures } from "./figures.js";
import { WorkerPool } from "./load/pool.js";
import { loadAverage, machineInfo } from "./proc-stats.js";
import { runProfiles } from "./profile.js";
import { markdownTable, markdownTargets, targetLines, textTable } from "./render.js";
import { type BenchReport, latencyAt, type Scenarios } from "./report.js";
import { clusterTable, hasRedisServer, runCluster } from "./scenarios/cluster.js";
import { type LadderResult, runLadder } from "./scenarios/ladder.js";
import { runListPush } from "./scenarios/list-push.js";
import { runMemory } from "./scenarios/memory.js";
import { describeMetricsOverhead, runMetricsOverhead } from "./scenarios/metrics-overhead.js";
import { runRegistration } from "./scenarios/registration.js";
import { round } from "./scenarios/step-summary.js";
import { findYardsticks, runYardsticks, yardsticksTables } from "./scenarios/yardsticks.js";
import { daemonTransportRan, killAllServers, setDaemonTransport } from "./servers.js";
import { buildTargets } from "./targets.js";

const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));
const started = performance.now();
/** Progress lines carry the seconds since start, so a slow phase shows itself. */
const log = (line: string) => {
  const stamp = line.startsWith("  ")
    ? `[${((performance.now() - started) / 1000).toFixed(1)}s] `
    : "";
  process.stdout.write(`${stamp}${line}\n`);
};

async function runScenarios(
  pool: WorkerPool,
  config: BenchConfig,
  names: string[],
): Promise<Scenarios> {
  const scenarios: Scenarios = {};
  for (const name of names) {
    log(`\n== ${name}`);
    switch (name) {
      case "broadcast": {
        const { users, senders, rates, stepMs } = config.broadcast;
        scenarios.broadcast = await runLadder(
          pool,
          config,
          { kind: "broadcast", users, senders, rates, stepMs },
          log,
        );
        break;
      }
      case "private": {
        const { users, rates, stepMs, latencyRate } = config.private;
        const ladderRates = [...new Set([...rates, latencyRate])].sort((a, b) => a - b);
        const ladder = await runLadder(
          pool,
          config,
          {
            kind: "private",
            users,
            senders: users,
            rates: ladderRates,
            stepMs,
            latency: { rate: latencyRate, rounds: config.private.latencyRounds },
          },
          log,
        );
        scenarios.private = { ...ladder, latencyAtRate: latencyAt(ladder, latencyRate) };
        break;
      }
      case "registration":
        scenarios.registration = await runRegistration(
          pool,
          config.registration.users,
          config.registration.rounds,
          log,
        );
        break;
      case "memory":
        scenarios.memory = await runMemory(pool, config.memory.users, log);
        break;
      case "list-push": {
        const { users, intervalSeconds, listenMs } = config.listPush;
        scenarios.listPush = await runListPush(pool, users, intervalSeconds, listenMs, log);
        break;
      }
      case "metrics":
        scenarios.metrics = await runMetricsOverhead(pool, config, log);
        for (const line of describeMetricsOverhead(scenarios.metrics)) log(line);
        break;
      case "cluster":
        if (hasRedisServer()) scenarios.cluster = await runCluster(config.cluster, log);
        else log("  skipped: no redis-server on PATH (apt-get install redis-server)");
        break;
      case "yardsticks": {
        const dir = findYardsticks();
        if (config.mode === "quick") log("  skipped: --quick (the pairs take about 6 minutes)");
        else if (dir === undefined)
          log("  skipped: no ../shared/yardsticks (set YARDSTICKS=<dir>)");
        else scenarios.yardsticks = await runYardsticks(dir, config.transport, log);
        break;
      }
    }
  }
  return scenarios;
}

/** Says, per ladder and server, what stopped the climb: the server or the generator. */
function generatorLimits(scenarios: Scenarios): string[] {
  const lines: string[] = [];
  const ladders: Array<[string, LadderResult | undefined]> = [
    ["broadcast", scenarios.broadcast],
    ["private", scenarios.private],
  ];
  for (const [name, ladder] of ladders) {
    if (!ladder) continue;
    for (const kind of ["ours", "baseline"] as const) {
      const failed = ladder.rungs.find((r) => r[kind] && !r[kind]?.pass);
      const step = failed?.[kind];
      if (!failed || !step) {
        lines.push(
          `${name}/${kind}: every rung passed; the top rung (${ladder.rungs.at(-1)?.rate}/s) is a floor, not a limit`,
        );
        continue;
      }
      const who: Record<string, string> = {
        none: "neither side showed saturation (latency or loss without drops or a full core)",
        server: "the server was the limit",
        generator: "the GENERATOR, not the server, was the limit",
        others: "other processes took the CPUs: a figure of the machine's load, not ours",
      };
      const verdict =
        who[step.saturated] ?? `several were short (${step.saturated}); they share the CPUs`;
      lines.push(
        `${name}/${kind}: first failed at ${failed.rate}/s: ${verdict}${step.notes.length ? ` (${step.notes.join("; ")})` : ""}`,
      );
    }
  }
  return lines;
}

/** The tables as BENCHMARKS.md shows them, ready to paste. */
function markdownReport(report: BenchReport): string {
  const m = report.machine;
  return [
    `Run ${report.startedAt} (${report.mode}, ${report.seconds} s): ${m.nproc} CPUs, ${m.cpu}, node ${m.node}, ${m.os}; ` +
      `${report.generator.workers} load workers; load average ${m.loadAverage} at start, ${report.loadAverageAtEnd} at end; ` +
      `daemon transport ${report.daemonTransport ?? "(no daemon started)"}.`,
    "",
    markdownTable(report),
    "",
    markdownTargets(report),
    "",
    ...(report.scenarios.metrics ? [...describeMetricsOverhead(report.scenarios.metrics), ""] : []),
    ...report.generator.limits.map((line) => `- ${line}`),
    "",
    ...(report.scenarios.cluster ? [clusterTable(report.scenarios.cluster), ""] : []),
    ...(report.scenarios.yardsticks ? [yardsticksTables(report.scenarios.yardsticks), ""] : []),
  ].join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    log(USAGE);
    return;
  }
  const workers = args.workers ?? availableParallelism();
  const config = { ...(args.quick ? quickConfig : fullConfig)(workers), transport: args.transport };
  setDaemonTransport(config.transport);
  const out = resolve(args.out ?? `${RESULTS}${args.quick ? "quick" : "latest"}.json`);
  const machine = machineInfo();
  log(
    `chat-udp bench (${config.mode}): ${machine.nproc} CPUs, ${machine.cpu}, node ${machine.node}; ${workers} load workers; daemon --transport ${config.transport}`,
  );
  log("server and load generator share the CPUs; nothing is pinned");
  if ((machine.loadAverage ?? 0) > machine.nproc / 2) {
    log(
      `warning: load average ${machine.loadAverage} before starting; other work will skew the figures`,
    );
  }
  const startedAt = new Date();
  const cpuBefore = process.cpuUsage();
  const pool = new WorkerPool(workers);
  try {
    if (args.profileOnly) {
      await runProfiles(pool, config, log);
      return;
    }
    const scenarios = await runScenarios(pool, config, args.scenarios);
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const report: BenchReport = {
      mode: config.mode,
      startedAt: startedAt.toISOString(),
      seconds: round(seconds, 1),
      machine,
      loadAverageAtEnd: loadAverage() ?? null,
      generator: {
        workers,
        cpuShareOfMachine: round((cpu.user + cpu.system) / 1e6 / seconds / machine.nproc, 3),
        limits: generatorLimits(scenarios),
      },
      config,
      daemonTransport: daemonTransportRan() ?? null,
      figures: buildFigures(scenarios),
      targets: buildTargets(scenarios),
      scenarios,
    };
    log(`\n${textTable(report)}\n`);
    for (const line of targetLines(report)) log(line);
    if (report.scenarios.cluster) log(`\n${clusterTable(report.scenarios.cluster)}`);
    const generatorShare = ((report.generator.cpuShareOfMachine ?? 0) * 100).toFixed(1);
    log(
      `\nload generator: ${workers} workers, ${generatorShare} % of the machine's CPU over the run; ` +
        `load average ${machine.loadAverage} at start, ${report.loadAverageAtEnd} at end`,
    );
    for (const line of report.generator.limits) log(`- ${line}`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    const chart = `${out.replace(/\.json$/, "")}.svg`;
    writeFileSync(chart, renderChart(report));
    const markdown = `${out.replace(/\.json$/, "")}.md`;
    writeFileSync(markdown, markdownReport(report));
    log(`\nwrote ${out}\nwrote ${chart}\nwrote ${markdown}`);
    if (args.profile) await runProfiles(pool, config, log);
  } finally {
    await pool.close();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllServers();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  killAllServers();
  process.exit(1);
});
