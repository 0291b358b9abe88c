import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, freePort, launch, spawnRedis } from "./redis-server.js";

/** The master group name the sentinels of `startSentinels` watch. */
export const SENTINEL_MASTER_NAME = "chat";

/**
 * A master, a replica and three sentinels of the caller's own (Debian's redis-server,
 * `--sentinel`, free loopback ports, no persistence), with down-after 1 s: a failover a
 * test can cause by killing the master.
 */
export interface TestSentinels {
  /** `redis+sentinel://127.0.0.1:a,127.0.0.1:b,127.0.0.1:c/chat` */
  readonly url: string;
  /** The port of the server that is master now, as the sentinels say. */
  masterPort(): Promise<number>;
  /** SIGKILLs the current master; resolves with its port. */
  killMaster(): Promise<number>;
  /** What the sentinels have logged since they started (for a test's failure message). */
  sentinelLog(): string;
  /** Calls per command on the current master since it started (`INFO commandstats`). */
  commandStats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const DOWN_AFTER_MS = 1000;

/** Starts the group and resolves once the sentinels know the replica and each other. */
export async function startSentinels(): Promise<TestSentinels> {
  const dir = mkdtempSync(join(tmpdir(), "chat-sentinel-"));
  const processes = new Map<number, ChildProcess>();
  let log = "";
  const stopAll = async () => {
    await Promise.all([...processes.keys()].map((port) => kill(processes, port)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await freePort();
    processes.set(master, await launch(master, dir, ["--dbfilename", `${master}.rdb`]));
    const replica = await freePort();
    processes.set(
      replica,
      await launch(replica, dir, ["--replicaof", "127.0.0.1", String(master)]),
    );
    await until(
      async () => (await call(replica, ["INFO", "replication"])).includes("master_link_status:up"),
      "the replica to sync",
    );
    const sentinels: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 2000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          "",
        ].join("\n"),
      );
      const sentinel = await spawnRedis([conf, "--sentinel"], "+monitor master");
      sentinel.stdout?.on("data", (chunk: Buffer) => {
        log += `${port}: ${chunk.toString()}`;
      });
      processes.set(port, sentinel);
      sentinels.push(port);
    }
    // A failover needs the sentinels to know the replica and to have met each other.
    for (const port of sentinels) {
      await until(async () => {
        const others = await call(port, ["SENTINEL", "SENTINELS", SENTINEL_MASTER_NAME]);
        const replicas = await call(port, ["SENTINEL", "REPLICAS", SENTINEL_MASTER_NAME]);
        return count(others, "runid") === 2 && count(replicas, "name") === 1;
      }, "the sentinels to meet");
    }
    const masterPort = async () => {
      const reply = await call(sentinels[0] as number, [
        "SENTINEL",
        "GET-MASTER-ADDR-BY-NAME",
        SENTINEL_MASTER_NAME,
      ]);
      return Number(/\r\n(\d+)\r\n$/.exec(reply)?.[1]);
    };
    return {
      url: `redis+sentinel://${sentinels.map((port) => `127.0.0.1:${port}`).join(",")}/${SENTINEL_MASTER_NAME}`,
      masterPort,
      sentinelLog: () => log,
      killMaster: async () => {
        const port = await masterPort();
        await kill(processes, port);
        return port;
      },
      commandStats: async () => {
        const text = await call(await masterPort(), ["INFO", "commandstats"]);
        const calls: Record<string, number> = {};
        for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
          calls[match[1] as string] = Number(match[2]);
        }
        return calls;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Occurrences of a field name in a RESP reply of maps. */
function count(reply: string, field: string): number {
  return reply.split(`\r\n${field}\r\n`).length - 1;
}

async function kill(processes: Map<number, ChildProcess>, port: number): Promise<void> {
  const child = processes.get(port);
  processes.delete(port);
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
