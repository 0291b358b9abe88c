import { ErrorText, type Packet } from "@chat/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { endpoint, TestNode, until } from "./test-support/nodes.js";
import { startRedis, type TestRedis } from "./testing/index.js";

let redis: TestRedis;
let nodes: TestNode[] = [];
let cluster = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.directory.close()));
  nodes = [];
});

/** Two (or more) started nodes of a fresh cluster (its own key prefix). */
async function startCluster(count = 2): Promise<TestNode[]> {
  cluster++;
  const made = Array.from({ length: count }, () => new TestNode(redis.url, `t${cluster}:`));
  nodes.push(...made);
  const joined = await Promise.all(made.map((n) => n.start()));
  expect(joined).toEqual(made.map(() => true));
  return made;
}

const OK: Packet = { opcode: 0 };
const error = (text: string): Packet => ({ opcode: 1, text });

async function register(node: TestNode, n: number, name: string): Promise<Packet> {
  const before = node.packetsTo(endpoint(n)).length;
  node.send(endpoint(n), { opcode: 11, name });
  await until(() => node.packetsTo(endpoint(n)).length > before, 5000, `REGISTER ${name}`);
  return node.packetsTo(endpoint(n))[before] as Packet;
}

describe("names across nodes", () => {
  it("gives a name to one node's user only, by the protocol's folding", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "Ärger")).toEqual(OK);
    expect(await register(b, 2, "äRGER")).toEqual(error(ErrorText.USERNAME_TAKEN));
    expect(await register(b, 3, "bob")).toEqual(OK);
    // Fullwidth letters fold (NFKC) to "bob".
    expect(await register(a, 4, "ＢＯＢ")).toEqual(error(ErrorText.USERNAME_TAKEN));
    expect(await register(a, 5, "Straße")).toEqual(OK);
    expect(await register(b, 6, "STRASSE")).toEqual(error(ErrorText.USERNAME_TAKEN));
    // A look-alike (Cyrillic а) of a name held on the other node.
    expect(await register(a, 7, "alice")).toEqual(OK);
    expect(await register(b, 8, "\u0430lice")).toEqual(error(ErrorText.USERNAME_TAKEN));
  });

  it("claims by fold and by look-alike key (revision 3): capitals and digits still map", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "bill")).toEqual(OK);
    // Equal folds, different keys (I looks like l): taken by the fold.
    expect(await register(b, 2, "BILL")).toEqual(error(ErrorText.USERNAME_TAKEN));
    // Different folds, equal keys: taken by the look-alike key.
    expect(await register(b, 3, "biIl")).toEqual(error(ErrorText.USERNAME_TAKEN));
    expect(await register(a, 4, "BOBBY")).toEqual(OK);
    expect(await register(b, 5, "B0BBY")).toEqual(error(ErrorText.USERNAME_TAKEN));
    expect(await register(b, 6, "\u0410D\u041cIN")).toEqual(OK);
    expect(await register(a, 7, "ADMIN")).toEqual(error(ErrorText.USERNAME_TAKEN));
    // Honest names of other scripts do not clash.
    expect(await register(a, 8, "иван")).toEqual(OK);
    expect(await register(b, 9, "ελένη")).toEqual(OK);
  });

  it("frees the look-alike key with the name: after a LOGOUT the look-alike may join", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "bill")).toEqual(OK);
    a.send(endpoint(1), { opcode: 12 });
    let reply: Packet = error("");
    for (let tries = 0; tries < 50 && reply.opcode !== 0; tries++) {
      reply = await register(b, 10 + tries, "biIl");
    }
    expect(reply).toEqual(OK);
  });

  it("frees a name everywhere on LOGOUT", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "alice")).toEqual(OK);
    a.send(endpoint(1), { opcode: 12 });
    // The release and the claim travel on different connections: retry until it is free.
    let reply: Packet = error("");
    for (let tries = 0; tries < 50 && reply.opcode !== 0; tries++) {
      reply = await register(b, 10 + tries, "alice");
    }
    expect(reply).toEqual(OK);
  });

  it("gives exactly one OK in each of 200 races for one name between two nodes", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    for (let i = 0; i < 200; i++) {
      a.send(endpoint(1000 + i), { opcode: 11, name: `race${i}` });
      b.send(endpoint(2000 + i), { opcode: 11, name: `race${i}` });
    }
    const answers = (n: number) => [...a.packetsTo(endpoint(n)), ...b.packetsTo(endpoint(n))];
    await until(() => {
      for (let i = 0; i < 200; i++) {
        if (answers(1000 + i).length === 0 || answers(2000 + i).length === 0) return false;
      }
      return true;
    });
    for (let i = 0; i < 200; i++) {
      const pair = [...answers(1000 + i), ...answers(2000 + i)];
      expect(pair).toHaveLength(2);
      expect(pair).toContainEqual(OK);
      expect(pair).toContainEqual(error(ErrorText.USERNAME_TAKEN));
    }
    expect(a.core.users().length + b.core.users().length).toBe(200);
  });
});

describe("maxUsers", () => {
  it("counts the users of every node: server is full at the cluster's limit", async () => {
    const made = [
      new TestNode(redis.url, "full:", { maxUsers: 3 }),
      new TestNode(redis.url, "full:", { maxUsers: 3 }),
    ] as [TestNode, TestNode];
    nodes.push(...made);
    const [a, b] = made;
    await Promise.all([a.start(), b.start()]);
    expect(await register(a, 1, "one")).toEqual(OK);
    expect(await register(a, 2, "two")).toEqual(OK);
    expect(await register(b, 3, "three")).toEqual(OK);
    expect(await register(b, 4, "four")).toEqual(error(ErrorText.SERVER_FULL));
    b.send(endpoint(3), { opcode: 12 });
    await until(() => b.core.users().length === 0);
    let reply: Packet = error("");
    for (let tries = 0; tries < 50 && reply.opcode !== 0; tries++) {
      reply = await register(a, 10 + tries, "four");
    }
    expect(reply).toEqual(OK);
  });
});

describe("BROADCAST across nodes", () => {
  it("reaches every user of every node once, all in one order, FIFO per sender", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    const users = [
      [a, 1, "a1"],
      [a, 2, "a2"],
      [b, 3, "b1"],
      [b, 4, "b2"],
    ] as const;
    for (const [node, n, name] of users) expect(await register(node, n, name)).toEqual(OK);
    const perSender = 25;
    for (let i = 0; i < perSender; i++) {
      for (const [node, n, name] of users)
        node.send(endpoint(n), { opcode: 20, message: `${name}#${i}` });
    }
    const total = perSender * users.length;
    const seenBy = (node: TestNode, n: number) =>
      node
        .packetsTo(endpoint(n))
        .filter((p): p is Packet & { opcode: 21 } => p.opcode === 21)
        .map((p) => (p as { message: string }).message);
    await until(() => users.every(([node, n]) => seenBy(node, n).length >= total));
    const orders = users.map(([node, n]) => seenBy(node, n));
    for (const order of orders) {
      expect(order).toEqual(orders[0]);
      expect(new Set(order).size).toBe(total);
    }
    for (const [, , name] of users) {
      const mine = (orders[0] as string[]).filter((m) => m.startsWith(`${name}#`));
      expect(mine).toEqual(Array.from({ length: perSender }, (_, i) => `${name}#${i}`));
    }
  });
});

describe("PRIVATE across nodes", () => {
  it("delivers once to a user on the other node and answers OK; user not found for nobody", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "alice")).toEqual(OK);
    expect(await register(b, 2, "bob")).toEqual(OK);
    a.send(endpoint(1), { opcode: 22, receiver: "BOB", message: "psst" });
    await until(() => a.packetsTo(endpoint(1)).length === 2);
    expect(a.packetsTo(endpoint(1))[1]).toEqual(OK);
    await until(() => b.packetsTo(endpoint(2)).length === 2);
    expect(b.packetsTo(endpoint(2))[1]).toEqual({ opcode: 23, sender: "alice", message: "psst" });
    a.send(endpoint(1), { opcode: 22, receiver: "carol", message: "psst" });
    await until(() => a.packetsTo(endpoint(1)).length === 3);
    expect(a.packetsTo(endpoint(1))[2]).toEqual(error(ErrorText.userNotFound("carol")));
    // A look-alike of bob is not bob: the receiver is looked up by folded name.
    a.send(endpoint(1), { opcode: 22, receiver: "b\u043eb", message: "psst" });
    await until(() => a.packetsTo(endpoint(1)).length === 4);
    expect(a.packetsTo(endpoint(1))[3]).toEqual(error(ErrorText.userNotFound("b\u043eb")));
  });
});

describe("LIST across nodes", () => {
  it("holds every node's users, oldest registration first, and follows leaves", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "first")).toEqual(OK);
    expect(await register(b, 2, "second")).toEqual(OK);
    expect(await register(a, 3, "third")).toEqual(OK);
    const listed = (node: TestNode, n: number) => {
      node.send(endpoint(n), { opcode: 42 });
      const last = node.packetsTo(endpoint(n)).at(-1) as { names?: string[] };
      return last.names;
    };
    await until(() => listed(b, 2)?.length === 3);
    expect(listed(b, 2)).toEqual(["first", "second", "third"]);
    expect(listed(a, 1)).toEqual(["first", "second", "third"]);
    a.send(endpoint(1), { opcode: 12 });
    await until(() => listed(b, 2)?.length === 2);
    expect(listed(b, 2)).toEqual(["second", "third"]);
  });
});

describe("a node that stops renewing its lease", () => {
  it("loses its users from every list and frees their names within the lease", async () => {
    const made = [
      new TestNode(redis.url, "dead:", { leaseMs: 1000, renewMs: 300 }),
      new TestNode(redis.url, "dead:", { leaseMs: 1000, renewMs: 300 }),
    ] as [TestNode, TestNode];
    nodes.push(made[1]);
    const [a, b] = made;
    await Promise.all([a.start(), b.start()]);
    expect(await register(a, 1, "ghost")).toEqual(OK);
    await until(() => b.directory.listNames().length === 1);
    // As if SIGKILLed: the connections drop, no LEAVE is run.
    a.directory.abandon();
    const started = Date.now();
    await until(() => b.directory.listNames().length === 0, 5000, "ghost to leave the list");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await register(b, 2, "ghost")).toEqual(OK);
  });
});

describe("a Redis on a unix socket", () => {
  it("serves a cluster as well as one on TCP", async () => {
    const made = [new TestNode(redis.socketUrl, "unix:"), new TestNode(redis.socketUrl, "unix:")];
    nodes.push(...made);
    const [a, b] = made as [TestNode, TestNode];
    expect(await Promise.all([a.start(), b.start()])).toEqual([true, true]);
    expect(await register(a, 1, "alice")).toEqual(OK);
    expect(await register(b, 2, "Alice")).toEqual(error(ErrorText.USERNAME_TAKEN));
  });
});

describe("what each request costs in Redis", () => {
  it("keep-alives, INFO and LIST cost nothing; each BROADCAST one script", async () => {
    const [a, b] = (await startCluster()) as [TestNode, TestNode];
    expect(await register(a, 1, "alice")).toEqual(OK);
    expect(await register(b, 2, "bob")).toEqual(OK);
    const scripts = async () => (await redis.commandStats()).evalsha ?? 0;
    const started = Date.now();
    const before = await scripts();
    for (let i = 0; i < 200; i++) {
      a.send(endpoint(1), { opcode: 11, name: "alice" });
      a.send(endpoint(1), { opcode: 40 });
      a.send(endpoint(1), { opcode: 42 });
    }
    const idle = (await scripts()) - before;
    // Only lease renewals ran meanwhile: one per node per second.
    const renewals = 2 * (Math.ceil((Date.now() - started) / 1000) + 1);
    expect(idle).toBeLessThanOrEqual(renewals);

    const start2 = Date.now();
    const before2 = await scripts();
    for (let i = 0; i < 100; i++) b.send(endpoint(2), { opcode: 20, message: `m${i}` });
    await until(() => a.packetsTo(endpoint(1)).filter((p) => p.opcode === 21).length === 100);
    const used = (await scripts()) - before2;
    expect(used).toBeGreaterThanOrEqual(100);
    expect(used).toBeLessThanOrEqual(100 + 2 * (Math.ceil((Date.now() - start2) / 1000) + 1));
  });
});
