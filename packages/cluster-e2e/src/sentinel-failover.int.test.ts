import { setTimeout as sleep } from "node:timers/promises";
import type { ChatSocket } from "@chat/client";
import { startSentinels, type TestSentinels } from "@chat/cluster-redis/testing";
import { ErrorText } from "@chat/protocol";
import type { DaemonHandle } from "@chat/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ask, clientOf, eventually, listOf, startNode } from "./test-support/daemons.js";
import { InvariantChecker } from "./test-support/invariants.js";

/*
 * Two real server processes on `redis+sentinel://`: a master, a replica and three
 * sentinels (down-after 1 s). The master is SIGKILLed; the sentinels promote the replica
 * and the nodes follow it.
 */

let group: TestSentinels;
let nodes: DaemonHandle[] = [];
const sockets: ChatSocket[] = [];

beforeEach(async () => {
  group = await startSentinels();
  const args = ["--no-rate-limit"];
  nodes = await Promise.all([startNode(group.url, args), startNode(group.url, args)]);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await Promise.all(nodes.map((node) => node.stop("SIGTERM", 2000)));
  await group.stop();
});

/** REGISTERs `name` at `node`, asking again while the cluster is unavailable, until `by`. */
async function register(node: DaemonHandle, name: string, by = Date.now()): Promise<ChatSocket> {
  const socket = await clientOf(node);
  sockets.push(socket);
  for (;;) {
    const answer = await ask(socket, { opcode: 11, name }, undefined, 1000);
    const unavailable = answer?.opcode === 1 && answer.text === ErrorText.CLUSTER_UNAVAILABLE;
    if (!unavailable || Date.now() >= by) {
      expect(answer, `REGISTER ${name}`).toEqual({ opcode: 0 });
      return socket;
    }
    await sleep(100);
  }
}

/** The nodes' cluster log lines and the sentinels' own since the kill, for a failure. */
function failoverReport(killedAt: number): string {
  const lines = nodes.flatMap((node, n) =>
    node
      .logs()
      .filter((line) => line.msg?.startsWith("cluster"))
      .map((line) => `node ${n} +${Number(line.time) - killedAt} ms: ${line.msg}`),
  );
  const sentinels = group
    .sentinelLog()
    .split("\n")
    .filter((line) => line.includes(" # "));
  return [...lines, ...sentinels].join("\n");
}

describe("the Redis master SIGKILLed under two nodes on Sentinel", () => {
  it("has both nodes register new names within 10 s, keeps names unique, and delivers a broadcast once everywhere", async () => {
    const [a, b] = nodes as [DaemonHandle, DaemonHandle];
    const alice = await register(a, "alice");
    const bob = await register(b, "bob");
    await eventually(async () => (await listOf(alice))?.length === 2, 5000, "both listed");

    const killedAt = Date.now();
    const oldMaster = await group.killMaster();
    const [carol, dave] = await Promise.all([
      register(a, "carol", killedAt + 10_000),
      register(b, "dave", killedAt + 10_000),
    ]).catch((error: Error) => {
      throw new Error(`${error.message}\n${failoverReport(killedAt)}`);
    });
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeLessThan(10_000);
    expect(await group.masterPort()).not.toBe(oldMaster);
    console.info(`new names registered on both nodes ${failoverMs} ms after the master died`);

    // Names held before the failover are still unique across the nodes.
    const probeA = await clientOf(a);
    const probeB = await clientOf(b);
    sockets.push(probeA, probeB);
    expect(await ask(probeA, { opcode: 11, name: "BOB" })).toEqual({
      opcode: 1,
      text: ErrorText.USERNAME_TAKEN,
    });
    expect(await ask(probeB, { opcode: 11, name: "Alice" })).toEqual({
      opcode: 1,
      text: ErrorText.USERNAME_TAKEN,
    });
    let listed: string[] | undefined;
    await eventually(
      async () => {
        listed = await listOf(bob);
        return listed?.sort().join() === "alice,bob,carol,dave";
      },
      10_000,
      "every user listed on B",
    ).catch((error: Error) => {
      throw new Error(`${error.message}; B lists ${listed?.join()}`);
    });

    // A broadcast after the failover reaches every node's users once.
    const users = [alice, bob, carol, dave];
    const got = users.map(() => [] as string[]);
    const stops = users.map((socket, i) =>
      socket.onPacket((p) => {
        if (p.opcode === 21) got[i]?.push(p.message);
      }),
    );
    try {
      carol.send({ opcode: 20, message: "after the failover" });
      dave.send({ opcode: 20, message: "marker" });
      await eventually(
        async () => got.every((messages) => messages.length >= 2),
        5000,
        "both broadcasts everywhere",
      );
      // A duplicate would come before this, in the bus's order.
      carol.send({ opcode: 20, message: "last" });
      await eventually(
        async () => got.every((messages) => messages.at(-1) === "last"),
        5000,
        "the last broadcast everywhere",
      );
      // Once each, and in the one order of the bus (the two senders are on two nodes).
      for (const messages of got) {
        expect([...messages].sort()).toEqual(["after the failover", "last", "marker"]);
        expect(messages).toEqual(got[0]);
      }
    } finally {
      for (const stop of stops) stop();
    }
  });
});

describe("the master SIGKILLed in the middle of a burst of REGISTER races for one name", () => {
  it("never lets two users hold the name at once, and the name is won again after the failover", async () => {
    const check = new InvariantChecker();
    const clients = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const socket = await clientOf(nodes[i % 2] as DaemonHandle);
        sockets.push(socket);
        return { socket, label: `c${i}` };
      }),
    );
    const started = Date.now();
    let killedAt = Number.POSITIVE_INFINITY;
    let wins = 0;
    let winsAfterKill = 0;
    const race = async ({ socket, label }: { socket: ChatSocket; label: string }) => {
      const name = Number(label.slice(1)) % 3 === 0 ? "PRIZE" : "prize";
      // Until names have been won after the failover for a while (or 40 s in all).
      const done = () => winsAfterKill >= 5 && Date.now() > killedAt + 3000;
      while (!done() && Date.now() < Math.min(started + 40_000, killedAt + 20_000)) {
        socket.send({ opcode: 11, name });
        const answer = await socket.next((p) => p.opcode === 0 || p.opcode === 1, 3000);
        if (answer?.opcode !== 0) {
          await sleep(5 + Math.random() * 20);
          continue;
        }
        check.registered(name, label);
        wins++;
        if (Date.now() > killedAt) winsAfterKill++;
        await sleep(10);
        // The holding ends no earlier than the LOGOUT leaves.
        check.released(name, label);
        await ask(socket, { opcode: 12 }, (p) => p.opcode === 0, 3000);
      }
    };
    const racing = Promise.all(clients.map(race));
    await eventually(async () => wins >= 20, 15_000, "races won before the kill");
    killedAt = Date.now();
    await group.killMaster();
    await racing;
    expect(check.violations()).toEqual([]);
    expect(
      winsAfterKill,
      `the name was won after the failover\n${failoverReport(killedAt)}`,
    ).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
