import { ChatSocket } from "@chat/client";
import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { ErrorText } from "@chat/protocol";
import type { DaemonHandle } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode } from "./test-support/daemons.js";

// docs/protocol.md#revision-3-the-address-check: in a cluster the per-IP limits count names
// whose claim is still in flight. Measured before: 10 REGISTERs at once from one IP against
// a node with --max-users-per-ip 2 all got OK.
const CAP = 2;
let redis: TestRedis;
let node: DaemonHandle;
const sockets: ChatSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  node = await startNode(redis.url, ["--exempt-networks", "", "--max-users-per-ip", String(CAP)]);
});
afterAll(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await node?.stop();
  await redis?.stop();
});

describe("a cluster node's per-IP cap", () => {
  it("gives 2 OKs to 10 simultaneous REGISTERs from one IP with a cap of 2", async () => {
    for (let i = 0; i < 10; i++) {
      sockets.push(
        await ChatSocket.open({ host: node.host, port: node.port, bindAddress: "127.0.7.1" }),
      );
    }
    // All ten leave back to back, before the first claim can come back from Redis.
    for (const [i, socket] of sockets.entries()) socket.send({ opcode: 11, name: `same-ip-${i}` });
    const answers = await Promise.all(
      sockets.map((s) => s.next((p) => p.opcode === 0 || p.opcode === 1, 5_000)),
    );
    const oks = answers.filter((a) => a?.opcode === 0);
    const refused = answers.filter(
      (a) => a?.opcode === 1 && a.text === ErrorText.TOO_MANY_FROM_ADDRESS,
    );
    expect(oks).toHaveLength(CAP);
    expect(refused).toHaveLength(10 - CAP);
  });
});
