import { setTimeout as delay } from "node:timers/promises";
import { ChatClient, type ClientOptions, connect } from "@chat/client";
import { nextEvent, record, recordSent } from "@chat/client/testing";
import { DEFAULT_MAX_MESSAGE_BYTES, ErrorText, Opcode } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

describe("ChatClient against the real server", () => {
  let daemon: DaemonHandle;
  const clients: ChatClient[] = [];
  let serial = 0;

  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--list-interval", "0"] });
  });
  afterAll(async () => {
    await daemon.stop();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  const options = (extra: Partial<ClientOptions> = {}): ClientOptions => ({
    host: daemon.host,
    port: daemon.port,
    requestTimeoutMs: 200,
    retries: 2,
    ...extra,
  });
  const uniqueName = (prefix: string) => `${prefix}${++serial}`;
  async function join(name: string, extra: Partial<ClientOptions> = {}): Promise<ChatClient> {
    const client = await connect({ ...options(extra), name });
    clients.push(client);
    return client;
  }

  it("registers and reports the registered state", async () => {
    const client = await ChatClient.open(options());
    clients.push(client);
    const states = record(client, "connection");
    await client.register("Alice_1");
    expect(client.registered).toBe(true);
    expect(client.name).toBe("Alice_1");
    expect(states).toEqual([{ state: "registered" }]);
  });

  it("rejects a taken name with the server's exact text, and can register another", async () => {
    const name = uniqueName("taken");
    await join(name);
    const second = await ChatClient.open(options());
    clients.push(second);
    await expect(second.register(name.toUpperCase())).rejects.toMatchObject({
      name: "ChatError",
      code: "REFUSED",
      message: ErrorText.USERNAME_TAKEN,
    });
    expect(second.registered).toBe(false);
    await second.register(`${name}b`);
    expect(second.registered).toBe(true);
  });

  it("connect() rejects with the server's text and leaves nothing open", async () => {
    const name = uniqueName("dup");
    await join(name);
    await expect(connect({ ...options(), name })).rejects.toThrow(ErrorText.USERNAME_TAKEN);
  });

  it("refuses an invalid name or message before sending anything", async () => {
    const client = await ChatClient.open(options());
    clients.push(client);
    const sent = record(client, "packet");
    await expect(client.register("two words")).rejects.toMatchObject({
      code: "INVALID",
      message: "username is invalid: contains whitespace",
    });
    await expect(client.broadcast("bell\u0007")).rejects.toMatchObject({ code: "INVALID" });
    await expect(client.broadcast("x".repeat(DEFAULT_MAX_MESSAGE_BYTES + 1))).rejects.toThrow(
      `message is invalid: longer than ${DEFAULT_MAX_MESSAGE_BYTES} bytes`,
    );
    await expect(client.sendPrivate("", "hi")).rejects.toThrow("username is invalid: empty");
    expect(sent).toEqual([]);
  });

  it("delivers a broadcast to everyone and resolves on its own copy", async () => {
    const alice = await join(uniqueName("alice"));
    const bob = await join(uniqueName("bob"));
    const heardByBob = nextEvent(bob, "broadcast");
    const ownCopy = nextEvent(alice, "broadcast");
    expect(await alice.broadcast("hello, all")).toEqual({ status: "delivered" });
    expect(await heardByBob).toEqual({ from: alice.name, message: "hello, all", self: false });
    expect(await ownCopy).toEqual({ from: alice.name, message: "hello, all", self: true });
  });

  it("fails a broadcast from an unregistered client with `not registered`", async () => {
    const client = await ChatClient.open(options());
    clients.push(client);
    expect(await client.broadcast("anyone?")).toEqual({
      status: "failed",
      error: ErrorText.NOT_REGISTERED,
    });
  });

  it("delivers a private message, and reports an unknown receiver as failed", async () => {
    const alice = await join(uniqueName("alice"));
    const bob = await join(uniqueName("bob"));
    const heard = nextEvent(bob, "private");
    expect(await alice.sendPrivate(bob.name!.toUpperCase(), "psst")).toEqual({
      status: "delivered",
    });
    expect(await heard).toEqual({ from: alice.name, message: "psst" });
    expect(await alice.sendPrivate("nobody_here", "hello?")).toEqual({
      status: "failed",
      error: ErrorText.userNotFound("nobody_here"),
    });
  });

  it("keeps requests in order: each private message gets its own answer", async () => {
    const alice = await join(uniqueName("alice"));
    const bob = await join(uniqueName("bob"));
    const results = await Promise.all([
      alice.sendPrivate(bob.name!, "one"),
      alice.sendPrivate("ghost", "two"),
      alice.sendPrivate(bob.name!, "three"),
    ]);
    expect(results).toEqual([
      { status: "delivered" },
      { status: "failed", error: ErrorText.userNotFound("ghost") },
      { status: "delivered" },
    ]);
  });

  it("lists the registered users, oldest first, and emits them", async () => {
    const first = await join(uniqueName("first"));
    const second = await join(uniqueName("second"));
    const event = nextEvent(second, "users");
    const names = await second.list();
    expect(names.indexOf(first.name!)).toBeGreaterThanOrEqual(0);
    expect(names.indexOf(first.name!)).toBeLessThan(names.indexOf(second.name!));
    expect((await event).names).toEqual(names);
  });

  it("answers info with the server date, version and a round-trip time", async () => {
    const client = await ChatClient.open(options());
    clients.push(client);
    const rtt = nextEvent(client, "rtt");
    const info = await client.info();
    expect(info.text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \S+\/\S+$/);
    expect(Math.abs(info.date!.getTime() - Date.now())).toBeLessThan(5000);
    expect(info.serverVersion).toBe(info.text.split(" ")[1]);
    expect(info.rttMs).toBeGreaterThan(0);
    expect(info.rttMs).toBeLessThan(1000);
    expect((await rtt).ms).toBe(info.rttMs);
  });

  it("logout frees the name for someone else", async () => {
    const name = uniqueName("leaver");
    const leaver = await join(name);
    await leaver.logout();
    expect(leaver.registered).toBe(false);
    await join(name);
  });

  it("rename() changes the name: the old one is free, the new one is ours", async () => {
    const [before, after] = [uniqueName("before"), uniqueName("after")];
    const client = await join(before);
    await client.rename(after);
    expect(client.name).toBe(after);
    const watcher = await join(uniqueName("watcher"));
    const names = await watcher.list();
    expect(names).toContain(after);
    expect(names).not.toContain(before);
    const received = nextEvent(watcher, "private");
    expect(await client.sendPrivate(watcher.name as string, "from the new name")).toEqual({
      status: "delivered",
    });
    expect((await received).from).toBe(after);
  });

  it("rename() to a taken name keeps the old name and throws the server's text", async () => {
    const [mine, taken] = [uniqueName("mine"), uniqueName("taken")];
    const client = await join(mine);
    await join(taken);
    await expect(client.rename(taken)).rejects.toMatchObject({
      code: "REFUSED",
      message: ErrorText.USERNAME_TAKEN,
    });
    expect(client.name).toBe(mine);
    const other = await join(uniqueName("other"));
    expect(await other.list()).toContain(mine);
    // Still registered on the server, not only in the client's memory.
    expect(await client.broadcast("still here")).toEqual({ status: "delivered" });
  });

  it("close() logs out, so the name is free at once", async () => {
    const name = uniqueName("closer");
    const closer = await connect({ ...options(), name });
    const states = record(closer, "connection");
    await closer.close();
    expect(states).toEqual([{ state: "closed" }]);
    await join(name);
    await expect(closer.list()).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("keeps alive with a REGISTER of its own name every keepAliveMs, each timing the round trip", async () => {
    const name = uniqueName("keeper");
    const client = await join(name, { keepAliveMs: 100 });
    const sent = recordSent(client);
    const rtts = record(client, "rtt");
    const states = record(client, "connection");
    await delay(550);
    // Ticks at 100, 200, ... 500 ms: five, fewer if a loaded machine delays timers.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.every((p) => p.opcode === Opcode.REGISTER && p.name === name)).toBe(true);
    expect(rtts.length).toBeGreaterThanOrEqual(sent.length - 1);
    expect(rtts.every(({ ms }) => ms > 0 && ms < 1000)).toBe(true);
    // The server's OK to a name we hold is a refresh: no connection event, still listed.
    expect(states).toEqual([]);
    expect(await client.list()).toContain(name);
  });

  it("keeps alive with INFO when told not to register again by itself", async () => {
    const client = await join(uniqueName("manual"), { keepAliveMs: 100, autoReregister: false });
    const sent = recordSent(client);
    const infos = record(client, "info");
    await delay(350);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((p) => p.opcode === Opcode.INFO_REQUEST)).toBe(true);
    expect(infos.every((info) => info.serverVersion !== undefined)).toBe(true);
  });

  it("sends no keep-alive when keepAliveMs is 0", async () => {
    const client = await join(uniqueName("quiet"), { keepAliveMs: 0 });
    const sent = recordSent(client);
    await delay(300);
    expect(sent).toEqual([]);
  });
});
