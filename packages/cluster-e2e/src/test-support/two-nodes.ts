import { setTimeout as sleep } from "node:timers/promises";
import type { ChatSocket } from "@chat/client";
import { ErrorText } from "@chat/protocol";
import { type DaemonHandle, startRedis, type TestRedis } from "@chat/testkit";
import { afterEach, beforeEach, expect } from "vitest";
import { ask, clientOf, startNode } from "./daemons.js";

/** Two cluster nodes, A and B, on a private redis-server; fresh for every test. */
export interface TwoNodes {
  redis: TestRedis;
  a: DaemonHandle;
  b: DaemonHandle;
  /**
   * A UDP endpoint registered as `name` on `node`, closed after the test. With `withinMs`,
   * a `cluster unavailable` answer is asked again until then (a loaded node may count the
   * cluster lost for a moment).
   */
  user(node: DaemonHandle, name: string, withinMs?: number): Promise<ChatSocket>;
}

/**
 * Installs beforeEach/afterEach for a two-node cluster. `configure` runs on the new Redis
 * before the nodes start; `nodeArgs` go to both daemons. A node left SIGSTOPped by a test
 * is woken before it is stopped.
 */
export function twoNodesPerTest(
  options: { nodeArgs?: readonly string[]; configure?: (redis: TestRedis) => Promise<void> } = {},
): TwoNodes {
  const sockets: ChatSocket[] = [];
  const nodes = {
    async user(node: DaemonHandle, name: string, withinMs = 0): Promise<ChatSocket> {
      const socket = await clientOf(node);
      sockets.push(socket);
      const deadline = Date.now() + withinMs;
      for (;;) {
        const answer = await ask(socket, { opcode: 11, name });
        const unavailable = answer?.opcode === 1 && answer.text === ErrorText.CLUSTER_UNAVAILABLE;
        if (!unavailable || Date.now() >= deadline) {
          expect(answer).toEqual({ opcode: 0 });
          return socket;
        }
        await sleep(100);
      }
    },
  } as TwoNodes;
  beforeEach(async () => {
    nodes.redis = await startRedis();
    await options.configure?.(nodes.redis);
    const args = options.nodeArgs ?? [];
    [nodes.a, nodes.b] = await Promise.all([
      startNode(nodes.redis.url, args),
      startNode(nodes.redis.url, args),
    ]);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    nodes.a.process.kill("SIGCONT");
    await Promise.all([nodes.a.stop("SIGTERM", 2000), nodes.b.stop("SIGTERM", 2000)]);
    await nodes.redis.stop();
  });
  return nodes;
}
