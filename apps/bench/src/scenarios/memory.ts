/**
 * Memory: the server's live heap (after two forced collections, through the probe) and RSS
 * (/proc/<pid>/status) with no users and with N registered users; the difference divided
 * by N is what one registered user costs.
 */
import { Fleet } from "../load/fleet.js";
import type { WorkerPool } from "../load/pool.js";
import { processRssBytes } from "../proc-stats.js";
import { type RunningServer, type ServerKind, startServer } from "../servers.js";
import { KINDS } from "./ladder.js";
import { round } from "./step-summary.js";

export interface MemoryFigures {
  idle: { heapUsed: number; rss: number };
  loaded: { heapUsed: number; rss: number };
  heapPerUser: number;
  rssPerUser: number;
}

export interface MemoryResult {
  users: number;
  servers: Record<ServerKind, MemoryFigures>;
}

const SETTLE_MS = 500;

async function snapshot(server: RunningServer): Promise<{ heapUsed: number; rss: number }> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const live = await server.probe.liveMemory();
  return { heapUsed: live.heapUsed, rss: processRssBytes(server.pid) ?? live.rss };
}

export async function runMemory(
  pool: WorkerPool,
  users: number,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const servers = {} as Record<ServerKind, MemoryFigures>;
  for (const kind of KINDS) {
    const server = await startServer(kind);
    try {
      const idle = await snapshot(server);
      const fleet = await Fleet.open(pool, `memory-${kind}`, server, users);
      const registered = await fleet.register();
      if (registered.ok !== users) {
        throw new Error(`${kind}: only ${registered.ok} of ${users} users registered`);
      }
      const loaded = await snapshot(server);
      await fleet.close();
      const figures: MemoryFigures = {
        idle,
        loaded,
        heapPerUser: round((loaded.heapUsed - idle.heapUsed) / users, 1),
        rssPerUser: round((loaded.rss - idle.rss) / users, 1),
      };
      servers[kind] = figures;
      log(
        `  memory ${kind.padEnd(8)} heap ${mib(idle.heapUsed)} -> ${mib(loaded.heapUsed)} MiB ` +
          `(${figures.heapPerUser} B/user), rss ${mib(idle.rss)} -> ${mib(loaded.rss)} MiB ` +
          `(${figures.rssPerUser} B/user)`,
      );
    } finally {
      await server.stop();
    }
  }
  return { users, servers };
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
