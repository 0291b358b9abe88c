import { ErrorText, type Packet } from "@chat/protocol";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { endpoint, TestNode, until } from "./test-support/nodes.js";
import { TcpGate } from "./test-support/tcp-gate.js";
import { startRedis, type TestRedis } from "./testing/index.js";

let redis: TestRedis;
let a: TestNode;
let b: TestNode;

beforeEach(async () => {
  redis = await startRedis();
  a = new TestNode(redis.url, "chat:");
  b = new TestNode(redis.url, "chat:");
  expect(await Promise.all([a.start(), b.start()])).toEqual([true, true]);
});
afterEach(async () => {
  await Promise.all([a.directory.close(), b.directory.close()]);
  await redis.stop();
});

const OK: Packet = { opcode: 0 };
const error = (text: string): Packet => ({ opcode: 1, text });

/** Sends and waits for the next packet to `n` on `node`. */
async function ask(node: TestNode, n: number, packet: Packet): Promise<Packet> {
  const before = node.packetsTo(endpoint(n)).length;
  node.send(endpoint(n), packet);
  await until(
    () => node.packetsTo(endpoint(n)).length > before,
    5000,
    `answer to ${packet.opcode}`,
  );
  return node.packetsTo(endpoint(n))[before] as Packet;
}

const list = async (node: TestNode, n: number) =>
  ((await ask(node, n, { opcode: 42 })) as { names: string[] }).names;

async function twoUsers(): Promise<void> {
  expect(await ask(a, 1, { opcode: 11, name: "alice" })).toEqual(OK);
  expect(await ask(b, 2, { opcode: 11, name: "bob" })).toEqual(OK);
  await until(() => a.directory.listNames().length === 2 && b.directory.listNames().length === 2);
}

describe("Redis down", () => {
  it("keeps local service; a new name and a PRIVATE to another node get cluster unavailable", async () => {
    await twoUsers();
    expect(await ask(a, 3, { opcode: 11, name: "alex" })).toEqual(OK);
    await redis.kill();
    await until(() => !a.directory.isAvailable() && !b.directory.isAvailable());

    expect(await ask(a, 4, { opcode: 11, name: "newcomer" })).toEqual(
      error(ErrorText.CLUSTER_UNAVAILABLE),
    );
    expect(await ask(a, 1, { opcode: 22, receiver: "bob", message: "hi" })).toEqual(
      error(ErrorText.CLUSTER_UNAVAILABLE),
    );
    // Local PRIVATE and BROADCAST still work; LIST comes from the cache.
    expect(await ask(a, 1, { opcode: 22, receiver: "alex", message: "hi" })).toEqual(OK);
    expect(a.packetsTo(endpoint(3)).at(-1)).toEqual({ opcode: 23, sender: "alice", message: "hi" });
    expect(await ask(a, 1, { opcode: 20, message: "still here" })).toEqual({
      opcode: 21,
      sender: "alice",
      message: "still here",
    });
    expect(a.packetsTo(endpoint(3)).at(-1)).toEqual({
      opcode: 21,
      sender: "alice",
      message: "still here",
    });
    expect(await list(a, 1)).toEqual(["alice", "bob", "alex"]);
    expect(await ask(a, 1, { opcode: 11, name: "alice" })).toEqual(OK); // keep-alive
  });
});

describe("Redis back, restarted empty", () => {
  it("has the nodes re-claim their users within 10 s and carry cross-node traffic again", async () => {
    await twoUsers();
    await redis.restart();
    const started = Date.now();
    await until(() => a.directory.isAvailable() && b.directory.isAvailable(), 10_000);
    await until(
      () => a.directory.listNames().length === 2 && b.directory.listNames().length === 2,
      10_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await ask(b, 5, { opcode: 11, name: "ALICE" })).toEqual(error(ErrorText.USERNAME_TAKEN));
    expect(await ask(a, 1, { opcode: 22, receiver: "bob", message: "back" })).toEqual(OK);
    await until(() => b.packetsTo(endpoint(2)).at(-1)?.opcode === 23);
    expect(b.packetsTo(endpoint(2)).at(-1)).toEqual({
      opcode: 23,
      sender: "alice",
      message: "back",
    });
    expect(await list(b, 2)).toEqual(expect.arrayContaining(["alice", "bob"]));
  });

  it("sends no broadcast twice across the outage", async () => {
    await twoUsers();
    for (let i = 0; i < 20; i++) a.send(endpoint(1), { opcode: 20, message: `m${i}` });
    await redis.restart();
    await until(() => a.directory.isAvailable() && b.directory.isAvailable(), 10_000);
    a.send(endpoint(1), { opcode: 20, message: "after" });
    const got = () =>
      b
        .packetsTo(endpoint(2))
        .filter((p) => p.opcode === 21)
        .map((p) => (p as { message: string }).message);
    await until(() => got().includes("after"));
    expect(new Set(got()).size).toBe(got().length);
  });
});

const broadcastsTo = (node: TestNode, n: number) =>
  node
    .packetsTo(endpoint(n))
    .filter((p) => p.opcode === 21)
    .map((p) => (p as { message: string }).message);

describe("a node whose connection to Redis is lost for a while", () => {
  it("delivers every broadcast sent meanwhile, in order, once, and learns the list changes", async () => {
    const gate = await TcpGate.start(redis.port);
    const c = new TestNode(gate.url, "chat:");
    try {
      expect(await c.start()).toBe(true);
      await twoUsers();
      expect(await ask(c, 7, { opcode: 11, name: "carol" })).toEqual(OK);
      await until(() => c.directory.listNames().length === 3);
      gate.close();
      await until(() => !c.directory.isAvailable());
      for (let i = 0; i < 30; i++) b.send(endpoint(2), { opcode: 20, message: `m${i}` });
      a.send(endpoint(1), { opcode: 12 });
      gate.reopen();
      const sent = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await until(() => broadcastsTo(c, 7).length >= 30, 10_000, "the missed broadcasts");
      expect(broadcastsTo(c, 7)).toEqual(sent);
      await until(() => c.directory.listNames().length === 2, 10_000, "alice gone");
      expect(c.directory.stats().busMessagesMissed).toBe(0);
    } finally {
      await c.directory.close();
      await gate.stop();
    }
  });

  it("past what the bus keeps: delivers the newest it still has, once, in order, counts the rest and resyncs", async () => {
    const gate = await TcpGate.start(redis.port);
    const c = new TestNode(gate.url, "chat:", { busLength: 100 });
    const d = new TestNode(redis.url, "chat:", { busLength: 100 });
    try {
      expect(await Promise.all([c.start(), d.start()])).toEqual([true, true]);
      expect(await ask(c, 7, { opcode: 11, name: "carol" })).toEqual(OK);
      expect(await ask(d, 8, { opcode: 11, name: "dave" })).toEqual(OK);
      gate.close();
      await until(() => !c.directory.isAvailable());
      // Redis trims whole nodes of 100 entries: at least 100 stay, at most about 200. D's
      // sender waits for its own copies (so D's reader keeps up with what it keeps).
      for (let i = 0; i < 400; i++) {
        d.send(endpoint(8), { opcode: 20, message: `m${i}` });
        if (i % 50 === 49) await until(() => broadcastsTo(d, 8).length === i + 1);
      }
      expect(await ask(d, 9, { opcode: 11, name: "erin" })).toEqual(OK);
      gate.reopen();
      await until(() => c.directory.listNames().length === 3, 10_000, "erin listed on c");
      d.send(endpoint(8), { opcode: 20, message: "after" });
      await until(() => broadcastsTo(c, 7).at(-1) === "after", 10_000, "after");
      const got = broadcastsTo(c, 7);
      const first = Number(got[0]?.slice(1));
      // A suffix of what was sent, then "after": nothing twice, nothing out of order.
      expect(got).toEqual([
        ...Array.from({ length: 400 - first }, (_, i) => `m${first + i}`),
        "after",
      ]);
      expect(got.length).toBeGreaterThanOrEqual(101);
      expect(c.directory.stats().busMessagesMissed).toBeGreaterThan(0);
    } finally {
      await Promise.all([c.directory.close(), d.directory.close()]);
      await gate.stop();
    }
  });
});

describe("what comes off the bus", () => {
  it("is dropped and counted unless the codec accepts it, and keeps its place in the order", async () => {
    await twoUsers();
    const admin = new Redis(redis.url);
    try {
      const syncs = a.directory.stats().syncs;
      const forged = async (kind: string, body: Buffer) => {
        const seq = await admin.incr("chat:seq");
        const head = Buffer.from(`${seq}\n${kind}\n`);
        await admin.xadd("chat:bus", "*", "m", Buffer.concat([head, body]));
      };
      // A BROADCAST_FWD whose message is not UTF-8, one whose sender breaks the name
      // rules, a packet of another opcode, and a join of a name the rules refuse.
      await forged("B", Buffer.from([21, 0, 5, 0x62, 0x6f, 0x62, 0, 0xff]));
      await forged("B", Buffer.from([21, 0, 5, 0x20, 0x62, 0x62, 0, 0x68]));
      await forged("B", Buffer.from([1, 0, 2, 0x68, 0x69]));
      await forged("J", Buffer.from("x\nbad name\nbad name"));
      await admin.xadd(
        `chat:node:${a.directory.node}`,
        "*",
        "m",
        Buffer.from("alice\n\x17\x00\x01b"),
      );
      b.send(endpoint(2), { opcode: 20, message: "valid" });
      await until(() => broadcastsTo(a, 1).includes("valid"));
      expect(broadcastsTo(a, 1)).toEqual(["valid"]);
      expect(a.packetsTo(endpoint(1)).filter((p) => p.opcode === 23)).toEqual([]);
      expect(a.directory.stats().busMessagesDropped).toBe(5);
      expect(await list(a, 1)).toEqual(["alice", "bob"]);
      // Dropped, not missed: no gap, no resync.
      expect(a.directory.stats().syncs).toBe(syncs);
      expect(a.directory.stats().busMessagesMissed).toBe(0);
    } finally {
      admin.disconnect();
    }
  });
});

describe("Redis back empty while one node's own link to it is still down", () => {
  it("logs out that node's user whose name another node took meanwhile", async () => {
    const gate = await TcpGate.start(redis.port);
    const c = new TestNode(gate.url, "chat:");
    try {
      expect(await c.start()).toBe(true);
      expect(await ask(c, 7, { opcode: 11, name: "alice" })).toEqual(OK);
      expect(await ask(c, 8, { opcode: 11, name: "carol" })).toEqual(OK);
      gate.close();
      await redis.restart();
      await until(() => b.directory.isAvailable(), 10_000);
      // C cannot re-claim yet, so "alice" is free in the empty Redis: B's new user takes it.
      expect(await ask(b, 9, { opcode: 11, name: "ALICE" })).toEqual(OK);
      gate.reopen();
      await until(() => c.directory.isAvailable(), 10_000);
      await until(() => c.packetsTo(endpoint(7)).length > 1, 10_000);
      expect(c.packetsTo(endpoint(7)).at(-1)).toEqual(error(ErrorText.USERNAME_TAKEN));
      expect(c.core.users()).toEqual(["carol"]);
      // The name stays B's user's; C's other user was re-claimed.
      expect(await ask(c, 10, { opcode: 11, name: "alice" })).toEqual(
        error(ErrorText.USERNAME_TAKEN),
      );
      await until(() => b.directory.listNames().length === 2, 10_000);
    } finally {
      await c.directory.close();
      await gate.stop();
    }
  });
});

describe("a gap in the bus numbers (a message this node never got)", () => {
  it("resyncs without losing or repeating a broadcast that arrives meanwhile, and counts the gap", async () => {
    await twoUsers();
    const admin = new Redis(redis.url);
    try {
      const syncs = a.directory.stats().syncs;
      // As if a bus message had been lost on the way to every subscriber.
      await admin.incr("chat:seq");
      for (let i = 0; i < 50; i++) b.send(endpoint(2), { opcode: 20, message: `m${i}` });
      const got = () =>
        a
          .packetsTo(endpoint(1))
          .filter((p) => p.opcode === 21)
          .map((p) => (p as { message: string }).message);
      await until(() => got().length >= 50 && a.directory.stats().syncs > syncs);
      expect(got()).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
      expect(a.directory.stats().busMessagesMissed).toBe(1);
    } finally {
      admin.disconnect();
    }
  });
});

describe("a node started while Redis is out of reach", () => {
  it("serves its own users at once and joins the cluster when Redis is reachable", async () => {
    const gate = await TcpGate.start(redis.port);
    gate.close();
    const c = new TestNode(gate.url, "chat:");
    try {
      expect(await c.start(300)).toBe(false);
      expect(await ask(c, 1, { opcode: 11, name: "early" })).toEqual(
        error(ErrorText.CLUSTER_UNAVAILABLE),
      );
      expect(await ask(c, 1, { opcode: 40 })).toMatchObject({ opcode: 41 });
      gate.reopen();
      await until(() => c.directory.isAvailable(), 10_000);
      expect(await ask(c, 1, { opcode: 11, name: "early" })).toEqual(OK);
      await until(() => a.directory.listNames().length === 1);
      expect(await ask(a, 2, { opcode: 11, name: "EARLY" })).toEqual(
        error(ErrorText.USERNAME_TAKEN),
      );
    } finally {
      await c.directory.close();
      await gate.stop();
    }
  });
});
