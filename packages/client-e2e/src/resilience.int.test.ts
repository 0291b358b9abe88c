import { createSocket, type Socket } from "node:dgram";
import { ChatClient, type ClientOptions, connect } from "@chat/client";
import { nextEvent, record } from "@chat/client/testing";
import { decode, ErrorText, Opcode } from "@chat/protocol";
import { type DaemonHandle, restartablePort, startDaemon, startLossyProxy } from "@chat/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function keep<T extends { close: () => unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

describe("a server that never answers", () => {
  it("makes registration fail with a clear timeout after every try, spaced by backoff", async () => {
    const silent: Socket = createSocket("udp4");
    const heard: number[] = [];
    silent.on("message", (bytes) => heard.push(decode(bytes).opcode));
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    cleanups.push(() => silent.close());
    const port = silent.address().port;
    const client = keep(
      await ChatClient.open({ host: "127.0.0.1", port, requestTimeoutMs: 40, retries: 3 }),
    );
    // Timestamps taken as each try leaves, so a busy test process cannot shrink the gaps.
    const sentAt: number[] = [];
    const send = client.socket.send.bind(client.socket);
    client.socket.send = (packet) => {
      sentAt.push(performance.now());
      send(packet);
    };
    const started = performance.now();
    await expect(client.register("alice")).rejects.toMatchObject({
      code: "TIMEOUT",
      message: `no answer from 127.0.0.1:${port} after 4 tries`,
    });
    // Waits of 40, 80, then 160 (the cap, 4 x 40) twice: 440 ms in all.
    expect(performance.now() - started).toBeGreaterThanOrEqual(435);
    const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number));
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78);
    expect(gaps[2]).toBeGreaterThanOrEqual(158);
    expect(heard).toEqual([Opcode.REGISTER, Opcode.REGISTER, Opcode.REGISTER, Opcode.REGISTER]);
  });

  it("makes connect() reject with the same error and close its socket", async () => {
    const silent: Socket = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    cleanups.push(() => silent.close());
    const port = silent.address().port;
    const options = { host: "127.0.0.1", port, name: "bob", requestTimeoutMs: 20, retries: 1 };
    await expect(connect(options)).rejects.toThrow(
      `no answer from 127.0.0.1:${port} after 2 tries`,
    );
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

  it("still registers, lists, chats and gets info when datagrams are duplicated and reordered", async () => {
    const { proxy, options } = await viaProxy({ duplicate: 0.5, reorder: 0.3, seed: 11 });
    const alice = keep(await connect({ ...options, name: "echo_alice" }));
    const bob = keep(await connect({ ...options, name: "echo_bob" }));
    const heard = record(bob, "broadcast");
    expect(await alice.broadcast("once, please")).toEqual({ status: "delivered" });
    expect(await bob.list()).toEqual(expect.arrayContaining(["echo_alice", "echo_bob"]));
    expect((await alice.info()).serverVersion).toBeDefined();
    expect(heard.map((event) => event.message)).toContain("once, please");
    expect(proxy.stats.duplicated).toBeGreaterThan(0);
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
    expect(states.at(-1)).toEqual({
      state: "reregistered",
      reason: "the server answers again after 3 keep-alives unanswered",
    });
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

  /** A first server on a port nothing else can take while it restarts. */
  const firstServer = async () =>
    startDaemon({ args: ["--port", String(await restartablePort()), "--list-interval", "0"] });

  it("hears the shutdown, reports lost, and re-registers on the new server by itself", async () => {
    daemon = await firstServer();
    const client = keep(await connect({ ...fast(daemon.port), name: "phoenix" }));
    const states = record(client, "connection");
    const shutdown = nextEvent(client, "shutdown");
    const first = daemon;
    await first.stop();
    await shutdown;
    expect(states[0]).toEqual({ state: "lost", reason: ErrorText.SHUTTING_DOWN });
    const restarted = await restart(first, "SIGTERM");
    expect(restarted.port).toBe(first.port);
    const back = await nextEvent(client, "connection", (e) => e.state === "reregistered", 8000);
    expect(back.reason).toBe("the server restarted");
    // No ghost: the new server holds phoenix once, and the observer that asks.
    const observer = keep(await connect({ ...fast(restarted.port), name: "observer" }));
    expect(await observer.list()).toEqual(["phoenix", "observer"]);
  });

  it("finds out from `not registered` after a silent restart and registers again", async () => {
    daemon ??= await firstServer();
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
      reason: `the server had forgotten us (it answered "${ErrorText.NOT_REGISTERED}")`,
    });
    expect(await client.broadcast("back again")).toEqual({ status: "delivered" });
  });
});
