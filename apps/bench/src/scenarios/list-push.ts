/**
 * List push: with N registered users and a short list interval, how long the daemon's
 * event loop is blocked (the longest stall of the probe's 5 ms ticker) while it pushes
 * LIST_RESPONSE to everyone. After registering, all but LISTENERS sockets close: the server
 * still sends to every user (the kernel drops what nobody reads), while the generator is
 * spared decoding 10,000 lists of 10,000 names per push. The listeners count the packets
 * that arrive, so a push that silently sends nothing cannot pass. Daemon only: the baseline
 * has no list push.
 */
import { Fleet } from "../load/fleet.js";
import type { WorkerPool } from "../load/pool.js";
import { startServer } from "../servers.js";
import { round } from "./step-summary.js";

const LISTENERS = 50;

export interface ListPushResult {
  users: number;
  intervalSeconds: number;
  listenSeconds: number;
  /** Bursts of LIST_RESPONSE arrivals (a gap over half the interval separates two). */
  pushes: number;
  packets: number;
  /** Users whose socket stayed open to count arrivals. */
  listeners: number;
  packetsPerUserPerPush: number;
  /** Longest a push took from first to last arrival at the receivers. */
  longestPushMs: number;
  /** Longest loop stall spent running the server's own code (CPU time during the stall). */
  loopBlockedMaxMs: number;
  /** Longest loop stall in wall time, waiting for a core included. */
  loopStallMaxMs: number;
  /** Both with the server idle (before any user registered). */
  idleLoopBlockedMaxMs: number;
  idleLoopStallMaxMs: number;
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
    // Start-up (module loading, first compilations) is not idleness: let it pass first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idleSince = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = server.probe.reportsSince(idleSince);
    const fleet = await Fleet.open(pool, "list-push", server, users);
    const registered = await fleet.register();
    if (registered.ok !== users) {
      throw new Error(`only ${registered.ok} of ${users} users registered`);
    }
    await fleet.close(Math.min(LISTENERS, users));
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
      listeners: Math.min(LISTENERS, users),
      packetsPerUserPerPush: waves.length
        ? round(heard.packets / waves.length / Math.min(LISTENERS, users), 2)
        : 0,
      longestPushMs: round(Math.max(0, ...waves.map(([a, b]) => (b - a) / 1e6)), 1),
      loopBlockedMaxMs: round(Math.max(0, ...reports.map((r) => r.loopBusyStallMaxMs)), 1),
      loopStallMaxMs: round(Math.max(0, ...reports.map((r) => r.loopDelayMaxMs)), 1),
      idleLoopBlockedMaxMs: round(Math.max(0, ...idle.map((r) => r.loopBusyStallMaxMs)), 1),
      idleLoopStallMaxMs: round(Math.max(0, ...idle.map((r) => r.loopDelayMaxMs)), 1),
    };
    log(
      `  list push ${users} users: ${result.pushes} pushes, ${result.packets} packets, ` +
        `loop blocked by its own work at most ${result.loopBlockedMaxMs} ms ` +
        `(stalled ${result.loopStallMaxMs} ms counting waits for a core; idle: ` +
        `${result.idleLoopBlockedMaxMs} / ${result.idleLoopStallMaxMs} ms)`,
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
