import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, clientOf, eventually, startNode } from "./test-support/daemons.js";

let redis: TestRedis;
let node: DaemonHandle | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await node?.stop();
  await redis.stop();
});

/** One sample's value from /metrics, or undefined when the series is absent. */
async function sample(port: number, name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("a cluster node's Prometheus metrics", () => {
  it("say whether it reaches the cluster, and how many users the cluster has", async () => {
    node = await startNode(redis.url, ["--metrics", "127.0.0.1:0"]);
    const line = await node.waitForLog((entry) => entry.msg === "metrics listening");
    const port = Number(line.port);
    const client = await clientOf(node);
    expect(await ask(client, { opcode: 11, name: "counted" })).toEqual({ opcode: 0 });
    expect(await sample(port, "chat_cluster_available")).toBe(1);
    expect(await sample(port, "chat_cluster_users")).toBe(1);
    expect(await sample(port, "chat_cluster_syncs_total")).toBeGreaterThanOrEqual(1);
    expect(await sample(port, "chat_cluster_bus_dropped_total")).toBe(0);

    await redis.kill();
    await eventually(
      async () => (await sample(port, "chat_cluster_available")) === 0,
      10_000,
      "the node to report the cluster unavailable",
    );
    await client.close();
  });

  it("are absent from a lone server", async () => {
    const lone = await startDaemon({ args: ["--metrics", "127.0.0.1:0"] });
    try {
      const line = await lone.waitForLog((entry) => entry.msg === "metrics listening");
      const port = Number(line.port);
      expect(await sample(port, "chat_users")).toBe(0);
      expect(await sample(port, "chat_cluster_available")).toBeUndefined();
      expect(await sample(port, "chat_cluster_users")).toBeUndefined();
    } finally {
      await lone.stop();
    }
  });
});
