/**
 * List push: with N registered users and a short list interval, how long the daemon's
 * event loop is blocked (the longest delay of a perf_hooks monitorEventLoopDelay timer,
 * reported by the probe) while it pushes LIST_RESPONSE to everyone. Receivers count the
 * packets that arrive, so a push that silently sends nothing cannot pass. Daemon only: the
 * baseline has no list push.
 */
import { Fleet } from "../load/fleet.js";
import type { WorkerPool } from "../load/pool.js";
import { startServer } from "../servers.js";
import { round } from "./step-summary.js";

export interface ListPushResult {
  users: number;
  intervalSeconds: number;
  listenSeconds: number;
  /** Bursts of LIST_RESPONSE arrivals (a gap over half the interval separates two). */
  pushes: number;
  packets: number;
  packetsPerUserPerPush: number;
  /** Longest a push took from first to last arrival at the receivers. */
  longestPushMs: number;
  loopBlockedMaxMs: number;
  /** The same measure with the server idle (before any user registered). */
  idleLoopDelayMaxMs: number;
}

export async function runListPush(
  pool: WorkerPool,
  users: number,
  intervalSeconds: number,
  listenMs: number,
  log: (line: string) => void,
): Promise<ListPushResult> {
  const server = await startServer("ours", { listIntervalSeconds: intervalSeconds });
  try {
    const idleSince = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = server.probe.reportsSince(idleSince);
    const fleet = await Fleet.open(pool, "list-push", server, users);
    const registered = await fleet.register();
    if (registered.ok !== users) {
      throw new Error(`only ${registered.ok} of ${users} users registered`);
    }
    const since = performance.now();
    const heard = await fleet.listen(listenMs);
    const reports = server.probe.reportsSince(since);
    await fleet.close();
    const waves = splitWaves(heard.arrivals, (intervalSeconds * 1e9) / 2);
    const result: ListPushResult = {
      users,
      intervalSeconds,
      listenSeconds: listenMs / 1000,
      pushes: waves.length,
      packets: heard.packets,
      packetsPerUserPerPush: waves.length ? round(heard.packets / waves.length / users, 2) : 0,
      longestPushMs: round(Math.max(0, ...waves.map(([a, b]) => (b - a) / 1e6)), 1),
      loopBlockedMaxMs: round(Math.max(0, ...reports.map((r) => r.loopDelayMaxMs)), 1),
      idleLoopDelayMaxMs: round(Math.max(0, ...idle.map((r) => r.loopDelayMaxMs)), 1),
    };
    log(
      `  list push ${users} users: ${result.pushes} pushes, ${result.packets} packets, ` +
        `loop blocked at most ${result.loopBlockedMaxMs} ms (idle ${result.idleLoopDelayMaxMs} ms)`,
    );
    return result;
  } finally {
    await server.stop();
  }
}

/** Groups sorted arrival times into bursts separated by more than `gapNs`. */
export function splitWaves(arrivals: number[], gapNs: number): Array<[number, number]> {
  const waves: Array<[number, number]> = [];
  for (const t of arrivals) {
    const last = waves.at(-1);
    if (last && t - last[1] <= gapNs) last[1] = t;
    else waves.push([t, t]);
  }
  return waves;
}
