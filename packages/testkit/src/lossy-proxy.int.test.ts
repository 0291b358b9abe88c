import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { type LossyProxy, type LossyProxyOptions, startLossyProxy } from "./lossy-proxy.js";

/** A UDP echo server on loopback that records the endpoints it heard from. */
async function startEcho(): Promise<{ port: number; peers: Set<string>; socket: Socket }> {
  const socket = createSocket("udp4");
  const peers = new Set<string>();
  socket.on("message", (bytes, from: RemoteInfo) => {
    peers.add(`${from.address}:${from.port}`);
    socket.send(bytes, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, peers, socket };
}

async function openClient(): Promise<{ socket: Socket; received: string[] }> {
  const socket = createSocket("udp4");
  const received: string[] = [];
  socket.on("message", (bytes) => received.push(bytes.toString()));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, received };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 5 ms for at most 5 s (a loaded CI machine can be slow). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await settle(5);
}

/**
 * Waits until nothing has moved through the proxy for 100 ms (at most 5 s): a fixed sleep
 * loses datagrams that are merely late when other test suites load the machine.
 */
async function quiet(proxy: LossyProxy, received: readonly string[]): Promise<void> {
  const snapshot = () => `${received.length}/${proxy.stats.received}/${proxy.stats.forwarded}`;
  let last = snapshot();
  let stillFor = 0;
  for (let waited = 0; waited < 5_000 && stillFor < 100; waited += 10) {
    await settle(10);
    const now = snapshot();
    stillFor = now === last ? stillFor + 10 : 0;
    last = now;
  }
}

/** Sends `count` numbered datagrams one by one through the proxy; returns what came back. */
async function roundTrip(proxy: LossyProxy, count: number): Promise<string[]> {
  const client = await openClient();
  for (let i = 0; i < count; i++) {
    client.socket.send(String(i), proxy.port, "127.0.0.1");
    await settle(1);
  }
  await quiet(proxy, client.received);
  client.socket.close();
  return client.received;
}

describe("lossy proxy", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setup(options: Omit<LossyProxyOptions, "target">) {
    const echo = await startEcho();
    const proxy = await startLossyProxy({
      target: { host: "127.0.0.1", port: echo.port },
      ...options,
    });
    cleanups.push(
      () => proxy.close(),
      () => echo.socket.close(),
    );
    return { echo, proxy };
  }

  it("forwards both ways unchanged when no loss is set", async () => {
    const { proxy } = await setup({});
    const received = await roundTrip(proxy, 20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(proxy.stats.forwarded).toBe(40);
    expect(proxy.stats.dropped).toBe(0);
  });

  it("drops about the share asked for, the same datagrams for the same seed", async () => {
    const first = await setup({ drop: 0.3, seed: 42 });
    const a = await roundTrip(first.proxy, 100);
    const second = await setup({ drop: 0.3, seed: 42 });
    const b = await roundTrip(second.proxy, 100);
    expect(a).toEqual(b);
    // Each round trip crosses the proxy twice: about 0.7 * 0.7 = 49% survive.
    expect(a.length).toBeGreaterThan(30);
    expect(a.length).toBeLessThan(70);
    expect(first.proxy.stats.dropped).toBe(100 - a.length);
  });

  it("duplicates every datagram when duplicate is 1", async () => {
    const { proxy } = await setup({ duplicate: 1 });
    const received = await roundTrip(proxy, 5);
    // Duplicated on the way there and on the way back: four copies each.
    expect(received.filter((text) => text === "3")).toHaveLength(4);
    expect(received).toHaveLength(20);
  });

  it("reorders: a held datagram arrives after the one behind it, and none is lost", async () => {
    const { proxy } = await setup({ reorder: 0.5, seed: 7 });
    const client = await openClient();
    cleanups.push(() => client.socket.close());
    for (let i = 0; i < 40; i++) client.socket.send(String(i), proxy.port, "127.0.0.1");
    await until(() => client.received.length >= 40);
    const numbers = client.received.map(Number);
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(numbers).not.toEqual([...numbers].sort((x, y) => x - y));
    expect(proxy.stats.reordered).toBeGreaterThan(0);
  });

  it("gives each client endpoint its own upstream endpoint", async () => {
    const { echo, proxy } = await setup({});
    const a = await openClient();
    const b = await openClient();
    cleanups.push(
      () => a.socket.close(),
      () => b.socket.close(),
    );
    a.socket.send("from a", proxy.port, "127.0.0.1");
    b.socket.send("from b", proxy.port, "127.0.0.1");
    await until(() => a.received.length >= 1 && b.received.length >= 1);
    expect(echo.peers.size).toBe(2);
    expect(a.received).toEqual(["from a"]);
    expect(b.received).toEqual(["from b"]);
    expect(proxy.stats.clients).toBe(2);
  });

  it("tracks at most maxClients endpoints, evicting the least recently active", async () => {
    const { echo, proxy } = await setup({ maxClients: 1 });
    const a = await openClient();
    const b = await openClient();
    cleanups.push(
      () => a.socket.close(),
      () => b.socket.close(),
    );
    a.socket.send("a1", proxy.port, "127.0.0.1");
    await until(() => a.received.length === 1);
    b.socket.send("b1", proxy.port, "127.0.0.1");
    await until(() => b.received.length === 1);
    a.socket.send("a2", proxy.port, "127.0.0.1");
    await until(() => a.received.length === 2);
    // a came back after eviction: a new upstream endpoint, so the server saw three.
    expect(echo.peers.size).toBe(3);
    expect(proxy.stats.clients).toBe(3);
    expect(a.received).toEqual(["a1", "a2"]);
  });

  it("setLoss changes the loss from then on", async () => {
    const { proxy } = await setup({});
    proxy.setLoss({ drop: 1 });
    expect(await roundTrip(proxy, 5)).toEqual([]);
    proxy.setLoss({ drop: 0 });
    expect(await roundTrip(proxy, 5)).toHaveLength(5);
  });

  it("refuses a target that is not loopback", async () => {
    await expect(startLossyProxy({ target: { host: "192.0.2.1", port: 9 } })).rejects.toThrow(
      /not a loopback address/,
    );
  });
});
