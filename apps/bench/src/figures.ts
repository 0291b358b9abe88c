/** The table rows: each figure of ours, the baseline's, and their ratio. */
import type { Figure, Scenarios } from "./report.js";
import type { LadderResult, Rung } from "./scenarios/ladder.js";
import { round } from "./scenarios/step-summary.js";

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
