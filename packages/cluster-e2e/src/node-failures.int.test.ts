import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { ask, eventually, listOf } from "./test-support/daemons.js";
import { twoNodesPerTest } from "./test-support/two-nodes.js";

/*
 * Real server processes (the daemon with --cluster) on one real redis-server, real UDP
 * clients on loopback, default lease settings: what an operator would see.
 */

const cluster = twoNodesPerTest();
const { user } = cluster;

describe("a node stopped with SIGTERM", () => {
  it("tells its users the server is shutting down and frees their names at once", async () => {
    const leaver = await user(cluster.a, "leaver");
    const watcher = await user(cluster.b, "watcher");
    await eventually(async () => (await listOf(watcher))?.length === 2, 5000, "both listed");
    const stopping = cluster.a.stop("SIGTERM", 5000);
    expect(await leaver.next((p) => p.opcode === 1, 5000)).toEqual({
      opcode: 1,
      text: ErrorText.SHUTTING_DOWN,
    });
    expect(await stopping).toBe(0);
    // No lease (3 s) to wait out: the node said it was leaving.
    const stoppedAt = Date.now();
    await eventually(
      async () => (await listOf(watcher))?.join() === "watcher",
      1500,
      "leaver gone",
    );
    expect(Date.now() - stoppedAt).toBeLessThan(1500);
    await user(cluster.b, "leaver");
  });
});

describe("a node killed with SIGKILL", () => {
  it("leaves every list within 10 s, and its names are free again", async () => {
    await user(cluster.a, "ghost");
    const watcher = await user(cluster.b, "watcher");
    await eventually(
      async () => (await listOf(watcher))?.includes("ghost") === true,
      5000,
      "ghost listed",
    );
    const killedAt = Date.now();
    cluster.a.process.kill("SIGKILL");
    await eventually(
      async () => (await listOf(watcher))?.join() === "watcher",
      10_000,
      "ghost to leave the list",
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    // The survivor says so, naming the dead node by its name (the host name by default).
    const reaped = await cluster.b.waitForLog((line) => line.msg === "cluster peer reaped", 5000);
    expect(String(reaped.peer)).toMatch(/^\S+-[0-9a-f]{6}$/);
    await user(cluster.b, "ghost");
  });
});

describe("a node frozen past its lease (SIGSTOP, then SIGCONT)", () => {
  it("writes nothing stale when it wakes, logs out a user whose name was taken, and resyncs", async () => {
    const sleeper = await user(cluster.a, "sleeper");
    const bystander = await user(cluster.a, "bystander");
    const watcher = await user(cluster.b, "watcher");
    await eventually(async () => (await listOf(watcher))?.length === 3, 5000, "three listed");

    cluster.a.process.kill("SIGSTOP");
    await eventually(
      async () => (await listOf(watcher))?.join() === "watcher",
      10_000,
      "the frozen node's users to leave the list",
    );
    const usurper = await user(cluster.b, "sleeper");

    cluster.a.process.kill("SIGCONT");
    // Sent before the node can know it was reaped: fencing must keep it off the other node.
    sleeper.send({ opcode: 20, message: "stale" });
    const evicted = await sleeper.next(
      (p) => p.opcode === 1 && p.text === ErrorText.USERNAME_TAKEN,
      10_000,
    );
    expect(evicted).toEqual({ opcode: 1, text: ErrorText.USERNAME_TAKEN });

    // Everything A published before its rejoin precedes this marker on the bus.
    usurper.send({ opcode: 20, message: "marker" });
    const seen: string[] = [];
    while (!seen.includes("marker")) {
      const p = await watcher.next((q) => q.opcode === 21, 5000);
      if (p?.opcode !== 21) throw new Error("marker never arrived");
      seen.push(p.message);
    }
    expect(seen).not.toContain("stale");

    // A resynced: its surviving user is listed everywhere, the name is the usurper's.
    await eventually(
      async () => (await listOf(watcher))?.sort().join() === "bystander,sleeper,watcher",
      10_000,
      "the woken node's bystander to be listed again",
    );
    expect((await listOf(bystander))?.sort()).toEqual(["bystander", "sleeper", "watcher"]);
    expect(
      await ask(
        bystander,
        { opcode: 22, receiver: "sleeper", message: "hi" },
        (p) => p.opcode !== 21,
      ),
    ).toEqual({
      opcode: 0,
    });
    expect(await usurper.next((p) => p.opcode === 23, 3000)).toEqual({
      opcode: 23,
      sender: "bystander",
      message: "hi",
    });
  });
});
