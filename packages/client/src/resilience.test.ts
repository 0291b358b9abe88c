import { createSocket, type Socket } from "node:dgram";
import { decode, ErrorText, Opcode } from "@chat/protocol";
import { type DaemonHandle, startDaemon, startLossyProxy } from "@chat/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect } from "./connect.js";
import { nextEvent, record } from "./test-support/events.js";
import type { ClientOptions } from "./types.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function keep<T extends { close: () => unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

describe("a server that never answers", () => {
  it("makes connect() fail with a clear timeout after every try, spaced by backoff", async () => {
    const silent: Socket = createSocket("udp4");
    const arrivals: number[] = [];
    silent.on("message", (bytes) => {
      if (decode(bytes).opcode === Opcode.REGISTER) arrivals.push(performance.now());
    });
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    cleanups.push(() => silent.close());
    const port = silent.address().port;
    const options = { host: "127.0.0.1", port, name: "alice", requestTimeoutMs: 40, retries: 3 };
    await expect(connect(options)).rejects.toMatchObject({
      code: "TIMEOUT",
      message: `no answer from 127.0.0.1:${port} after 4 tries`,
    });
    expect(arrivals).toHaveLength(4);
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] as number));
    // Waits of 40, 80, then 160 capped at 4 x 40: each gap at least its wait.
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
  });
});

describe("through a lossy link", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--list-interval", "0"] });
  });
  afterAll(async () => {
    await daemon.stop();
  });

  async function viaProxy(loss: {
    drop?: number;
    duplicate?: number;
    reorder?: number;
    seed?: number;
  }) {
    const proxy = keep(await startLossyProxy({ target: daemon, ...loss }));
    const options: ClientOptions = {
      host: proxy.host,
      port: proxy.port,
      requestTimeoutMs: 50,
      retries: 8,
      maxRetryDelayMs: 100,
      confirmTimeoutMs: 300,
    };
    return { proxy, options };
  }

  it("register, list and info still succeed with 30% of datagrams lost each way", async () => {
    const { proxy, options } = await viaProxy({ drop: 0.3, seed: 3 });
    const names = ["lossy_a", "lossy_b", "lossy_c"];
    const clients = await Promise.all(names.map((name) => connect({ ...options, name })));
    for (const client of clients) keep(client);
    for (const client of clients) {
      expect(await client.list()).toEqual(expect.arrayContaining(names));
      expect((await client.info()).serverVersion).toBeDefined();
    }
    expect(proxy.stats.dropped).toBeGreaterThan(0);
  });

  it("reports a private message and a broadcast as unconfirmed when answers are lost", async () => {
    const { proxy, options } = await viaProxy({});
    const client = keep(await connect({ ...options, name: "unlucky" }));
    proxy.setLoss({ drop: 1 });
    const [whisper, shout] = await Promise.all([
      client.sendPrivate("unlucky", "hello me"),
      client.broadcast("hello all"),
    ]);
    expect(whisper).toEqual({ status: "unconfirmed" });
    expect(shout).toEqual({ status: "unconfirmed" });
  });

  it("notices a silent server after deadAfterMissed keep-alives and re-registers when it is back", async () => {
    const { proxy, options } = await viaProxy({});
    const client = keep(
      await connect({ ...options, name: "steady", keepAliveMs: 60, deadAfterMissed: 3 }),
    );
    const states = record(client, "connection");
    proxy.setLoss({ drop: 1 });
    const lostAt = performance.now();
    await nextEvent(client, "connection", (event) => event.state === "reregistering", 3000);
    const lostAfter = performance.now() - lostAt;
    expect(lostAfter).toBeGreaterThanOrEqual(150);
    proxy.setLoss({ drop: 0 });
    await nextEvent(client, "connection", (event) => event.state === "reregistered", 5000);
    expect(states.slice(0, 2)).toEqual([
      { state: "lost", reason: "3 keep-alives unanswered" },
      { state: "reregistering", reason: "3 keep-alives unanswered" },
    ]);
    expect(states.at(-1)).toEqual({ state: "reregistered" });
    expect(await client.list()).toContain("steady");
  });
});

describe("a server that restarts", () => {
  let daemon: DaemonHandle | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  async function restart(old: DaemonHandle, signal: NodeJS.Signals): Promise<DaemonHandle> {
    await old.stop(signal);
    daemon = await startDaemon({ args: ["--port", String(old.port), "--list-interval", "0"] });
    return daemon;
  }

  const fast = (port: number): ClientOptions => ({
    host: "127.0.0.1",
    port,
    requestTimeoutMs: 50,
    retries: 3,
    keepAliveMs: 200,
  });

  it("hears the shutdown, reports lost, and re-registers on the new server by itself", async () => {
    daemon = await startDaemon({ args: ["--list-interval", "0"] });
    const client = keep(await connect({ ...fast(daemon.port), name: "phoenix" }));
    const states = record(client, "connection");
    const shutdown = nextEvent(client, "shutdown");
    const first = daemon;
    await first.stop();
    await shutdown;
    expect(states[0]).toEqual({ state: "lost", reason: ErrorText.SHUTTING_DOWN });
    const restarted = await restart(first, "SIGTERM");
    expect(restarted.port).toBe(first.port);
    await nextEvent(client, "connection", (event) => event.state === "reregistered", 8000);
    // No ghost: the new server holds phoenix once, and the observer that asks.
    const observer = keep(await connect({ ...fast(restarted.port), name: "observer" }));
    expect(await observer.list()).toEqual(["phoenix", "observer"]);
  });

  it("finds out from `not registered` after a silent restart and registers again", async () => {
    daemon ??= await startDaemon({ args: ["--list-interval", "0"] });
    const client = keep(await connect({ ...fast(daemon.port), name: "amnesia", keepAliveMs: 0 }));
    const states = record(client, "connection");
    await restart(daemon, "SIGKILL");
    expect(await client.broadcast("anyone?")).toEqual({
      status: "failed",
      error: ErrorText.NOT_REGISTERED,
    });
    await nextEvent(client, "connection", (event) => event.state === "reregistered", 5000);
    expect(states[0]).toEqual({
      state: "reregistering",
      reason: `server answered "${ErrorText.NOT_REGISTERED}"`,
    });
    expect(await client.broadcast("back again")).toEqual({ status: "delivered" });
  });
});
