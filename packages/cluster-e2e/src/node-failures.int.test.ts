import type { ChatSocket } from "@chat/client";
import { ErrorText } from "@chat/protocol";
import type { DaemonHandle } from "@chat/testkit";
import { startRedis, type TestRedis } from "@chat/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ask, clientOf, eventually, listOf, startNode } from "./test-support/daemons.js";

/*
 * Real server processes (the daemon with --cluster) on one real redis-server, real UDP
 * clients on loopback, default lease settings: what an operator would see.
 */

let redis: TestRedis;
let a: DaemonHandle;
let b: DaemonHandle;
const sockets: ChatSocket[] = [];

beforeEach(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  a.process.kill("SIGCONT");
  await Promise.all([a.stop("SIGTERM", 2000), b.stop("SIGTERM", 2000)]);
  await redis.stop();
});

async function user(node: DaemonHandle, name: string): Promise<ChatSocket> {
  const socket = await clientOf(node);
  sockets.push(socket);
  expect(await ask(socket, { opcode: 11, name })).toEqual({ opcode: 0 });
  return socket;
}

describe("a node stopped with SIGTERM", () => {
  it("tells its users the server is shutting down and frees their names at once", async () => {
    const leaver = await user(a, "leaver");
    const watcher = await user(b, "watcher");
    await eventually(async () => (await listOf(watcher))?.length === 2, 5000, "both listed");
    const stopping = a.stop("SIGTERM", 5000);
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
    const again = await clientOf(b);
    sockets.push(again);
    expect(await ask(again, { opcode: 11, name: "leaver" })).toEqual({ opcode: 0 });
  });
});

describe("a node killed with SIGKILL", () => {
  it("leaves every list within 10 s, and its names are free again", async () => {
    await user(a, "ghost");
    const watcher = await user(b, "watcher");
    await eventually(
      async () => (await listOf(watcher))?.includes("ghost") === true,
      5000,
      "ghost listed",
    );
    const killedAt = Date.now();
    a.process.kill("SIGKILL");
    await eventually(
      async () => (await listOf(watcher))?.join() === "watcher",
      10_000,
      "ghost to leave the list",
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const again = await clientOf(b);
    sockets.push(again);
    expect(await ask(again, { opcode: 11, name: "ghost" })).toEqual({ opcode: 0 });
  });
});

describe("a node frozen past its lease (SIGSTOP, then SIGCONT)", () => {
  it("writes nothing stale when it wakes, logs out a user whose name was taken, and resyncs", async () => {
    const sleeper = await user(a, "sleeper");
    const bystander = await user(a, "bystander");
    const watcher = await user(b, "watcher");
    await eventually(async () => (await listOf(watcher))?.length === 3, 5000, "three listed");

    a.process.kill("SIGSTOP");
    await eventually(
      async () => (await listOf(watcher))?.join() === "watcher",
      10_000,
      "the frozen node's users to leave the list",
    );
    const usurper = await user(b, "sleeper");

    a.process.kill("SIGCONT");
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
