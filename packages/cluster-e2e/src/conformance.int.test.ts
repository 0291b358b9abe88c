import { ALL_CHECKS, DEFAULT_SETTINGS, runCheck, type Settings } from "@chat/conformance";
import { type DaemonHandle, startDaemon, startRedis, type TestRedis } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode } from "./test-support/daemons.js";

/*
 * The conformance kit, unchanged, against one node of a running two-node cluster: a client
 * must not be able to tell a cluster node from a lone server, and the kit's cross-node
 * checks hold between the two nodes. Same short timers as the kit's own test of the lone
 * server.
 */

const TIMERS = ["--user-timeout", "2", "--list-interval", "1", "--max-users", "40"];
const settings: Settings = {
  ...DEFAULT_SETTINGS,
  userTimeoutS: 2,
  listIntervalS: 1,
  maxUsers: 40,
  timeoutMs: 2_000,
};

let redis: TestRedis;
let nodes: DaemonHandle[] = [];

beforeAll(async () => {
  redis = await startRedis();
  nodes = await Promise.all([startNode(redis.url, TIMERS), startNode(redis.url, TIMERS)]);
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

describe("the conformance kit against a node of a two-node cluster", () => {
  // The per-IP checks and `always` (revision 3) need a node run with other settings.
  for (const check of ALL_CHECKS.filter(
    (c) => !c.needs?.perIpLimits && !c.needs?.addressCheckAlways,
  )) {
    it(`${check.id} ${check.title}`, async () => {
      // The second node makes the cross-node checks (C.*) run; the rest use the first only.
      const result = await runCheck(check, nodes[0] as DaemonHandle, settings, [
        nodes[1] as DaemonHandle,
      ]);
      expect(result.status, result.detail).toBe("passed");
    }, 60_000);
  }
});

describe("the cross-node checks against two lone servers (not a cluster)", () => {
  it("fail every one: they can tell two servers from one", async () => {
    const lone = await Promise.all([startDaemon({ args: TIMERS }), startDaemon({ args: TIMERS })]);
    try {
      for (const check of ALL_CHECKS.filter((c) => c.needs?.twoTargets)) {
        const result = await runCheck(check, lone[0], settings, [lone[1]]);
        expect(result.status, `${check.id}: ${result.detail}`).toBe("failed");
      }
    } finally {
      await Promise.all(lone.map((d) => d.stop()));
    }
  }, 60_000);
});
