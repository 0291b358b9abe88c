import type { ChatSocket } from "@chat/client";
import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { ErrorText } from "@chat/protocol";
import type { DaemonHandle } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startNode } from "./test-support/daemons.js";

let redis: TestRedis;
let nodes: DaemonHandle[] = [];
const sockets: ChatSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  nodes = await Promise.all([startNode(redis.url), startNode(redis.url)]);
});
afterAll(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

describe("two server processes asked for one name at the same instant", () => {
  it("give exactly one OK in each of 200 races, over UDP", async () => {
    const [a, b] = nodes as [DaemonHandle, DaemonHandle];
    const pairs: Array<[ChatSocket, ChatSocket]> = [];
    for (let i = 0; i < 200; i++) {
      const pair: [ChatSocket, ChatSocket] = [await clientOf(a), await clientOf(b)];
      sockets.push(...pair);
      pairs.push(pair);
    }
    // Both REGISTERs of a race leave back to back; then every answer is awaited.
    for (const [i, [left, right]] of pairs.entries()) {
      left.send({ opcode: 11, name: `race${i}` });
      right.send({ opcode: 11, name: `RACE${i}` });
    }
    const answer = (s: ChatSocket) => s.next((p) => p.opcode === 0 || p.opcode === 1, 10_000);
    const outcomes = await Promise.all(
      pairs.map(async ([left, right]) => [await answer(left), await answer(right)]),
    );
    for (const [i, pair] of outcomes.entries()) {
      expect(pair, `race ${i}`).toContainEqual({ opcode: 0 });
      expect(pair, `race ${i}`).toContainEqual({ opcode: 1, text: ErrorText.USERNAME_TAKEN });
    }
  });
});
