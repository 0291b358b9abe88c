import { ErrorText, type ServerPacket } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { ask, clientOf, eventually } from "./test-support/daemons.js";
import { InvariantChecker } from "./test-support/invariants.js";
import { twoNodesPerTest } from "./test-support/two-nodes.js";

/*
 * Redis stops answering every client for 3 s (CLIENT PAUSE ALL): the nodes' commands time
 * out (2 s) as if Redis were gone, and then it is back with whatever it had queued.
 */

const cluster = twoNodesPerTest({ nodeArgs: ["--no-rate-limit"] });
const { user } = cluster;
const isAnswer = (p: ServerPacket) => p.opcode === 0 || p.opcode === 1;

describe("Redis paused for 3 s (CLIENT PAUSE ALL)", () => {
  it("refuses new names meanwhile or answers late, then goes on: no broadcast twice, one order, no name twice", async () => {
    const check = new InvariantChecker();
    const ann = await user(cluster.a, "ann");
    const ben = await user(cluster.b, "ben");
    check.registered("ann", "ann");
    check.registered("ben", "ben");
    for (const [socket, label] of [
      [ann, "ann"],
      [ben, "ben"],
    ] as const) {
      socket.onPacket((p: ServerPacket) => {
        if (p.opcode === 21) check.received(label, p.message);
      });
    }
    await cluster.redis.pause(3000);
    for (let i = 0; i < 10; i++) ben.send({ opcode: 20, message: `p${i}` });
    // The same new name at each node meanwhile: refused, or OK at one node at most.
    const racers = await Promise.all([clientOf(cluster.a), clientOf(cluster.b)]);
    const answers = await Promise.all(
      racers.map((socket) => ask(socket, { opcode: 11, name: "racer" }, isAnswer, 8000)),
    );
    for (const [i, answer] of answers.entries()) {
      if (answer?.opcode === 0) check.registered("racer", `racer${i}`);
      else
        expect([ErrorText.CLUSTER_UNAVAILABLE, ErrorText.USERNAME_TAKEN]).toContain(
          answer?.opcode === 1 ? answer.text : answer,
        );
    }
    await Promise.all(racers.map((socket) => socket.close()));
    await eventually(
      async () => {
        const probe = await ask(ann, { opcode: 11, name: "ann" }, isAnswer);
        return probe?.opcode === 0;
      },
      10_000,
      "ann's keep-alive",
    );
    const late = await user(cluster.b, "late", 10_000);
    late.send({ opcode: 20, message: "after" });
    await eventually(
      async () =>
        check.receivedBy("ann").includes("after") && check.receivedBy("ben").includes("after"),
      10_000,
      "the broadcast after the pause at both nodes",
    );
    expect(check.violations()).toEqual([]);
    expect([...check.receivedBy("ann")].sort()).toEqual([...check.receivedBy("ben")].sort());
  });
});
