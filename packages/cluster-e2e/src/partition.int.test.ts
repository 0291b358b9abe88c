import type { ChatSocket } from "@chat/client";
import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { ErrorText, type ServerPacket } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, clientOf, eventually, listOf } from "./test-support/daemons.js";
import { InvariantChecker } from "./test-support/invariants.js";
import { NetworkNamespace } from "./test-support/netns.js";

/*
 * Node C runs in a network namespace of this test's own; nodes A and B on the host. C is
 * cut from Redis (a blackhole route to Redis's address: packets vanish, as in a real
 * partition) while its clients still reach it, then healed.
 */

const canRun = NetworkNamespace.available();
const isAnswer = (p: ServerPacket) => p.opcode === 0 || p.opcode === 1;
let ns: NetworkNamespace;
let redis: TestRedis;
let nodes: { a: DaemonHandle; b: DaemonHandle; c: DaemonHandle };
const sockets: ChatSocket[] = [];

// Network namespaces need root and iproute2 (CI runs as root); elsewhere this cannot run.
describe.skipIf(!canRun)("a node cut off from Redis while its clients still reach it", () => {
  beforeAll(async () => {
    ns = NetworkNamespace.create();
    redis = await startRedis({ bind: ["127.0.0.1", ns.redisAddress] });
    const args = ["--no-rate-limit", "--log-level", "info"];
    const [a, b, c] = await Promise.all([
      startDaemon({ args: ["--cluster", redis.url, ...args] }),
      startDaemon({ args: ["--cluster", redis.url, ...args] }),
      startDaemon({
        args: [
          "--host",
          ns.address,
          "--cluster",
          `redis://${ns.redisAddress}:${redis.port}`,
          ...args,
        ],
        runUnder: ns.runUnder,
      }),
    ]);
    nodes = { a, b, c } as typeof nodes;
  });
  afterAll(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    await Promise.all(Object.values(nodes ?? {}).map((node) => node.stop("SIGTERM", 2000)));
    await redis?.stop();
    ns?.remove();
  });

  it("refuses what needs the cluster, is reaped by the others, and after the heal has every user back or told why, within 10 s", async () => {
    const check = new InvariantChecker();
    const user = async (node: DaemonHandle, name: string) => {
      const socket = await clientOf(node);
      sockets.push(socket);
      expect(await ask(socket, { opcode: 11, name }, isAnswer), `REGISTER ${name}`).toEqual({
        opcode: 0,
      });
      check.registered(name, `${name}@${node.port}`);
      socket.onPacket((p: ServerPacket) => {
        if (p.opcode === 21) check.received(`${name}@${node.port}`, p.message);
      });
      return socket;
    };
    const ann = await user(nodes.a, "ann");
    const ben = await user(nodes.b, "ben");
    const cid = await user(nodes.c, "cid");
    const cora = await user(nodes.c, "cora");
    await eventually(async () => (await listOf(ann))?.length === 4, 5000, "four listed on A");
    ann.send({ opcode: 20, message: "before" });
    await eventually(
      async () =>
        [cid, cora, ann, ben].every((s) => s !== undefined) &&
        check.receivedBy(`cora@${nodes.c.port}`).includes("before"),
      5000,
      "the first broadcast at C",
    );

    const cutAt = Date.now();
    ns.cut();
    // C refuses a new name once it has noticed (a command or a read timing out).
    const probe = await clientOf(nodes.c);
    sockets.push(probe);
    await eventually(
      async () => {
        const answer = await ask(probe, { opcode: 11, name: "newcomer" });
        return answer?.opcode === 1 && answer.text === ErrorText.CLUSTER_UNAVAILABLE;
      },
      10_000,
      "C to answer cluster unavailable",
    );
    expect(await ask(cid, { opcode: 22, receiver: "ben", message: "hi" }, isAnswer)).toEqual({
      opcode: 1,
      text: ErrorText.CLUSTER_UNAVAILABLE,
    });
    // Its own users still reach it and each other.
    expect(
      await ask(
        cid,
        { opcode: 22, receiver: "cora", message: "local" },
        (p) => p.opcode === 0 || p.opcode === 1,
      ),
    ).toEqual({ opcode: 0 });
    // The others reap C's users after its lease.
    await eventually(
      async () => (await listOf(ann))?.sort().join() === "ann,ben",
      10_000,
      "A to drop C's users",
    );
    // The cut-off node's users held their names no longer than until the cut, as far as the
    // cluster goes: a name freed by reaping may be taken.
    check.released("cid", `cid@${nodes.c.port}`, cutAt);
    check.released("cora", `cora@${nodes.c.port}`, cutAt);
    const usurper = await user(nodes.b, "CID");
    ann.send({ opcode: 20, message: "during" });

    const healedAt = Date.now();
    ns.heal();
    // cid is told why it is out; cora is back in every list.
    expect(
      await cid.next((p) => p.opcode === 1 && p.text === ErrorText.USERNAME_TAKEN, 10_000),
    ).toEqual({ opcode: 1, text: ErrorText.USERNAME_TAKEN });
    await eventually(
      async () => (await listOf(ben))?.sort().join() === "CID,ann,ben,cora",
      10_000,
      "cora back in B's list",
    );
    check.registered("cora", `cora@${nodes.c.port}`); // held again, cluster-wide
    await eventually(
      async () => (await listOf(cora))?.sort().join() === "CID,ann,ben,cora",
      10_000 - (Date.now() - healedAt),
      "C's own list right again",
    );
    expect(await ask(cora, { opcode: 22, receiver: "cid", message: "hello" }, isAnswer)).toEqual({
      opcode: 0,
    });
    expect(await usurper.next((p) => p.opcode === 23, 3000)).toEqual({
      opcode: 23,
      sender: "cora",
      message: "hello",
    });
    // Every broadcast once, in one order; the one sent during the cut reaches cora too.
    ben.send({ opcode: 20, message: "after" });
    const label = (name: string, node: DaemonHandle) => `${name}@${node.port}`;
    await eventually(
      async () =>
        [label("ann", nodes.a), label("ben", nodes.b), label("cora", nodes.c)].every((who) =>
          check.receivedBy(who).includes("after"),
        ),
      5000,
      "the last broadcast everywhere",
    );
    expect(check.receivedBy(label("cora", nodes.c))).toEqual(["before", "during", "after"]);
    expect(check.violations()).toEqual([]);
  });
});
