/**
 * Cluster mode against one lone node in the same run: the same users and senders, half the
 * users on each of two nodes sharing a Redis (started here, on a free port), every
 * BROADCAST going through Redis. Reports deliveries/s, p50/p99 latency (cross-node apart)
 * and Redis commands per message from INFO commandstats.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { ChatSocket } from "@chat/client";
import { type DaemonHandle, startDaemon, startRedis, type TestRedis } from "@chat/testkit";
import { Histogram } from "../histogram.js";
import { round } from "./step-summary.js";

export interface ClusterPlan {
  readonly users: number;
  readonly senders: number;
  /** Offered BROADCASTs per second, all senders together. */
  readonly rates: readonly number[];
  readonly stepMs: number;
}

export interface ClusterStep {
  readonly rate: number;
  readonly sent: number;
  readonly expected: number;
  readonly unique: number;
  readonly duplicates: number;
  readonly loss: number;
  readonly deliveriesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Cluster only: deliveries to a user on the other node than the sender's. */
  readonly crossNodeP99Ms?: number;
  /** Cluster only: Redis commands per BROADCAST (scripts, and every command they ran). */
  readonly redisScriptsPerMessage?: number;
  readonly redisCommandsPerMessage?: number;
  readonly redisCommands?: Record<string, number>;
}

export interface ClusterResult {
  readonly users: number;
  readonly senders: number;
  readonly stepSeconds: number;
  readonly single: ClusterStep[];
  readonly cluster: ClusterStep[];
}

const DAEMON_ARGS = ["--no-rate-limit", "--log-level", "warn", "--user-timeout", "0"];

/** Whether this machine has redis-server (Debian's package); the scenario needs it. */
export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

interface User {
  readonly socket: ChatSocket;
  readonly node: number;
}

/** One user per endpoint, registered at its node; users alternate between the nodes. */
async function openUsers(nodes: readonly DaemonHandle[], count: number): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const node = i % nodes.length;
    const target = nodes[node] as DaemonHandle;
    const socket = await ChatSocket.open({ host: target.host, port: target.port, queueLimit: 0 });
    users.push({ socket, node });
    socket.send({ opcode: 11, name: `c${i}` });
    const reply = await socket.next((p) => p.opcode === 0 || p.opcode === 1, 5000);
    if (reply?.opcode !== 0) throw new Error(`user c${i} not registered: ${JSON.stringify(reply)}`);
  }
  return users;
}

/** Offers `rate` BROADCASTs/s for `ms`, senders in turn; tallies what every user receives. */
async function step(users: readonly User[], senders: number, rate: number, ms: number) {
  const stamps = new Map<number, { at: number; node: number }>();
  const all = new Histogram();
  const cross = new Histogram();
  let unique = 0;
  let duplicates = 0;
  const seen = users.map(() => new Set<number>());
  const stops = users.map((user, u) =>
    user.socket.onPacket((packet) => {
      if (packet.opcode !== 21) return;
      const id = Number(packet.message);
      const stamp = stamps.get(id);
      if (stamp === undefined) return;
      if (seen[u]?.has(id)) {
        duplicates++;
        return;
      }
      seen[u]?.add(id);
      unique++;
      const micros = (performance.now() - stamp.at) * 1000;
      all.record(micros);
      if (stamp.node !== user.node) cross.record(micros);
    }),
  );
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < ms) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const sender = users[sent % senders] as User;
      stamps.set(sent, { at: performance.now(), node: sender.node });
      sender.socket.send({ opcode: 20, message: String(sent) });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const expected = sent * users.length;
  // Stragglers: wait until all arrived or nothing has arrived for 500 ms.
  let last = -1;
  while (unique < expected && unique !== last) {
    last = unique;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const stop of stops) stop();
  const a = all.summary();
  const c = cross.summary();
  return {
    rate,
    sent,
    expected,
    unique,
    duplicates,
    loss: round(1 - unique / Math.max(1, expected), 4),
    deliveriesPerSecond: Math.round(unique / (ms / 1000)),
    p50Ms: round(a.p50 / 1000, 2),
    p99Ms: round(a.p99 / 1000, 2),
    crossNodeP99Ms: c.count > 0 ? round(c.p99 / 1000, 2) : undefined,
  };
}

async function measure(
  nodes: readonly DaemonHandle[],
  plan: ClusterPlan,
  redis: TestRedis | undefined,
  log: (line: string) => void,
  label: string,
): Promise<ClusterStep[]> {
  const users = await openUsers(nodes, plan.users);
  const steps: ClusterStep[] = [];
  try {
    // Not recorded: the first messages pay for connections, script loading and the JIT.
    await step(users, plan.senders, plan.rates[0] ?? 50, Math.min(1000, plan.stepMs));
    for (const rate of plan.rates) {
      const before = await redis?.commandStats();
      const result = await step(users, plan.senders, rate, plan.stepMs);
      const after = await redis?.commandStats();
      let entry: ClusterStep = { ...result };
      if (before !== undefined && after !== undefined) {
        const delta: Record<string, number> = {};
        for (const [command, calls] of Object.entries(after)) {
          const d = calls - (before[command] ?? 0);
          if (d > 0 && command !== "info") delta[command] = d;
        }
        // Background work (lease renewals every second) is counted in: it is what Redis pays.
        const total = Object.values(delta).reduce((s, n) => s + n, 0);
        entry = {
          ...entry,
          redisScriptsPerMessage: round((delta.evalsha ?? 0) / result.sent, 2),
          redisCommandsPerMessage: round(total / result.sent, 2),
          redisCommands: delta,
        };
      }
      steps.push(entry);
      log(
        `  ${label} ${rate}/s: ${entry.deliveriesPerSecond} deliveries/s, loss ${(entry.loss * 100).toFixed(2)} %, ` +
          `p50 ${entry.p50Ms} ms, p99 ${entry.p99Ms} ms` +
          (entry.crossNodeP99Ms !== undefined
            ? `, cross-node p99 ${entry.crossNodeP99Ms} ms`
            : "") +
          (entry.redisCommandsPerMessage !== undefined
            ? `, Redis ${entry.redisScriptsPerMessage} scripts and ${entry.redisCommandsPerMessage} commands per message`
            : ""),
      );
    }
  } finally {
    await Promise.all(users.map((u) => u.socket.close()));
  }
  return steps;
}

export async function runCluster(
  plan: ClusterPlan,
  log: (line: string) => void,
): Promise<ClusterResult> {
  const result: ClusterResult = {
    users: plan.users,
    senders: plan.senders,
    stepSeconds: plan.stepMs / 1000,
    single: [],
    cluster: [],
  };
  const lone = await startDaemon({ args: DAEMON_ARGS });
  try {
    result.single.push(...(await measure([lone], plan, undefined, log, "single node")));
  } finally {
    await lone.stop();
  }
  const redis = await startRedis();
  const nodes: DaemonHandle[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      nodes.push(await startDaemon({ args: [...DAEMON_ARGS, "--cluster", redis.url] }));
    }
    result.cluster.push(...(await measure(nodes, plan, redis, log, "two-node cluster")));
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.stop();
  }
  return result;
}

/** The scenario as a markdown table: single node and cluster side by side, rate by rate. */
export function clusterTable(result: ClusterResult): string {
  const rows = [
    `Cluster: ${result.users} users (half on each node), ${result.senders} senders, ${result.stepSeconds} s per rate.`,
    "",
    "| offered/s | single: deliveries/s | cluster: deliveries/s | ratio | single p99 ms | cluster p99 ms | cross-node p99 ms | loss (cluster) | Redis scripts/msg | Redis commands/msg |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of result.cluster) {
    const s = result.single.find((x) => x.rate === c.rate);
    const ratio =
      s && s.deliveriesPerSecond > 0
        ? round(c.deliveriesPerSecond / s.deliveriesPerSecond, 2)
        : "–";
    rows.push(
      `| ${c.rate} | ${s?.deliveriesPerSecond ?? "–"} | ${c.deliveriesPerSecond} | ${ratio} | ${s?.p99Ms ?? "–"} | ${c.p99Ms} | ${c.crossNodeP99Ms ?? "–"} | ${(c.loss * 100).toFixed(2)} % | ${c.redisScriptsPerMessage ?? "–"} | ${c.redisCommandsPerMessage ?? "–"} |`,
    );
  }
  return rows.join("\n");
}
