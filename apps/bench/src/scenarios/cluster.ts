/**
 * Cluster mode against one lone node in the same run: the same users and senders, half the
 * users on each of two nodes sharing a Redis (started here, on a free port), every
 * BROADCAST going through Redis; then the same two nodes through Sentinel (a master, a
 * replica and three sentinels). Reports deliveries/s, p50/p99 latency (cross-node apart)
 * and Redis commands per message from INFO commandstats.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { ChatSocket } from "@chat/client";
import { type DaemonHandle, startDaemon, startRedis, startSentinels } from "@chat/testkit";
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
  /** The same two nodes through Sentinel (master, replica, three sentinels). */
  readonly sentinel: ClusterStep[];
  /** The Sentinel master SIGKILLed under them, once the rates are done. */
  readonly failover?: FailoverCost;
}

/** What a failover cost while one user broadcast every 20 ms to a user on the other node. */
export interface FailoverCost {
  /** Per node: from the kill until a new name was OK'd there (asked every 50 ms). */
  readonly newNamesRefusedMs: readonly number[];
  readonly broadcastsSent: number;
  /**
   * Of those, how many the user on the other node received (once each). A broadcast sent
   * while the sender's node is out of the cluster reaches that node's own users only.
   */
  readonly delivered: number;
  /** The latest delivery's latency: what arrived late, and how late. */
  readonly maxLatencyMs: number;
}

/** Where INFO commandstats comes from: the Redis (or the current master) of the run. */
interface CommandCounter {
  commandStats(): Promise<Record<string, number>>;
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
  redis: CommandCounter | undefined,
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
    sentinel: [],
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
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    await redis.stop();
  }
  const sentinels = await startSentinels();
  try {
    for (let i = 0; i < 2; i++) {
      nodes.push(await startDaemon({ args: [...DAEMON_ARGS, "--cluster", sentinels.url] }));
    }
    result.sentinel.push(...(await measure(nodes, plan, sentinels, log, "two nodes, Sentinel")));
    const failover = await measureFailover(nodes, sentinels);
    log(
      `  failover: new names refused for ${failover.newNamesRefusedMs.join(" and ")} ms; ` +
        `${failover.delivered} of ${failover.broadcastsSent} broadcasts (one each 20 ms) reached ` +
        `the other node, the latest ${failover.maxLatencyMs} ms after it was sent`,
    );
    return { ...result, failover };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await sentinels.stop();
  }
  return result;
}

/** The scenario as a markdown table: single node and cluster side by side, rate by rate. */
export function clusterTable(result: ClusterResult): string {
  const rows = [
    `Cluster: ${result.users} users (half on each node), ${result.senders} senders, ${result.stepSeconds} s per rate.`,
    "",
    "| offered/s | single: deliveries/s | cluster: deliveries/s | ratio | Sentinel: deliveries/s | single p99 ms | cluster p99 ms | cross-node p99 ms | Sentinel p99 ms | loss (cluster) | Redis scripts/msg | Redis commands/msg | Sentinel commands/msg |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of result.cluster) {
    const s = result.single.find((x) => x.rate === c.rate);
    const t = result.sentinel.find((x) => x.rate === c.rate);
    const ratio =
      s && s.deliveriesPerSecond > 0
        ? round(c.deliveriesPerSecond / s.deliveriesPerSecond, 2)
        : "–";
    rows.push(
      `| ${c.rate} | ${s?.deliveriesPerSecond ?? "–"} | ${c.deliveriesPerSecond} | ${ratio} | ${t?.deliveriesPerSecond ?? "–"} | ${s?.p99Ms ?? "–"} | ${c.p99Ms} | ${c.crossNodeP99Ms ?? "–"} | ${t?.p99Ms ?? "–"} | ${(c.loss * 100).toFixed(2)} % | ${c.redisScriptsPerMessage ?? "–"} | ${c.redisCommandsPerMessage ?? "–"} | ${t?.redisCommandsPerMessage ?? "–"} |`,
    );
  }
  return rows.join("\n");
}

/** Kills the Sentinel master while a user on node 0 broadcasts to one on node 1. */
async function measureFailover(
  nodes: readonly DaemonHandle[],
  sentinels: { killMaster(): Promise<number> },
): Promise<FailoverCost> {
  const open = async (node: DaemonHandle, name: string) => {
    const socket = await ChatSocket.open({ host: node.host, port: node.port, queueLimit: 0 });
    socket.send({ opcode: 11, name });
    const reply = await socket.next((p) => p.opcode === 0 || p.opcode === 1, 5000);
    if (reply?.opcode !== 0) throw new Error(`${name} not registered: ${JSON.stringify(reply)}`);
    return socket;
  };
  const sender = await open(nodes[0] as DaemonHandle, "fsender");
  const receiver = await open(nodes[1] as DaemonHandle, "freceiver");
  const sentAt = new Map<string, number>();
  const seen = new Set<string>();
  let maxLatencyMs = 0;
  const stopReceiver = receiver.onPacket((p) => {
    if (p.opcode !== 21) return;
    const at = sentAt.get(p.message);
    if (at === undefined || seen.has(p.message)) return;
    seen.add(p.message);
    maxLatencyMs = Math.max(maxLatencyMs, performance.now() - at);
  });
  let sending = true;
  const broadcasting = (async () => {
    for (let i = 0; sending; i++) {
      sentAt.set(`f${i}`, performance.now());
      sender.send({ opcode: 20, message: `f${i}` });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const killedAt = performance.now();
  await sentinels.killMaster();
  const newNamesRefusedMs = await Promise.all(
    nodes.map(async (node, n) => {
      const socket = await ChatSocket.open({ host: node.host, port: node.port, queueLimit: 0 });
      try {
        for (let i = 0; performance.now() - killedAt < 30_000; i++) {
          socket.send({ opcode: 11, name: `fnew${n}x${i}` });
          const reply = await socket.next((p) => p.opcode === 0 || p.opcode === 1, 1000);
          if (reply?.opcode === 0) return Math.round(performance.now() - killedAt);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return Number.NaN;
      } finally {
        await socket.close();
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  sending = false;
  await broadcasting;
  // Stragglers.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  stopReceiver();
  await Promise.all([sender.close(), receiver.close()]);
  return {
    newNamesRefusedMs,
    broadcastsSent: sentAt.size,
    delivered: seen.size,
    maxLatencyMs: Math.round(maxLatencyMs),
  };
}
