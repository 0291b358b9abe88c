import { setTimeout as delay } from "node:timers/promises";
import { Opcode } from "@chat/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { type FakeServer, startFakeServer } from "./test-support/fake-server.js";
import { nextEvent, record } from "./testing/events.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function clientOf(server: FakeServer): Promise<ChatClient> {
  const client = await ChatClient.open({ host: "127.0.0.1", port: server.port, listMergeMs: 30 });
  cleanups.push(() => client.close());
  return client;
}

describe("user list merging (scripted server)", () => {
  it("merges the packets of one answer into one list and one users event", async () => {
    const server = await startFakeServer();
    cleanups.push(() => server.close());
    server.reply = (packet) =>
      packet.opcode === Opcode.LIST_REQUEST
        ? [
            { opcode: Opcode.LIST_RESPONSE, names: ["ann", "bob"] },
            { opcode: Opcode.LIST_RESPONSE, names: ["cat"] },
          ]
        : [];
    const client = await clientOf(server);
    const events = record(client, "users");
    expect(await client.list()).toEqual(["ann", "bob", "cat"]);
    expect(events).toEqual([{ names: ["ann", "bob", "cat"] }]);
  });

  it("merges a pushed list too, and starts afresh for the next push", async () => {
    const server = await startFakeServer();
    cleanups.push(() => server.close());
    server.reply = () => [{ opcode: Opcode.INFO_RESPONSE, text: "x" }];
    const client = await clientOf(server);
    await client.info(); // lets the server learn our endpoint
    const events = record(client, "users");
    server.push({ opcode: Opcode.LIST_RESPONSE, names: ["ann"] });
    server.push({ opcode: Opcode.LIST_RESPONSE, names: ["bob", "ANN"] });
    await delay(80);
    server.push({ opcode: Opcode.LIST_RESPONSE, names: ["cat"] });
    await nextEvent(client, "users");
    expect(events).toEqual([{ names: ["ann", "bob"] }, { names: ["cat"] }]);
  });

  it("routes an unexpected ERROR to the error event and `server shutting down` to shutdown", async () => {
    const server = await startFakeServer();
    cleanups.push(() => server.close());
    server.reply = () => [{ opcode: Opcode.INFO_RESPONSE, text: "x" }];
    const client = await clientOf(server);
    await client.info();
    const errors = record(client, "error");
    const shutdown = nextEvent(client, "shutdown");
    server.push({ opcode: Opcode.ERROR, text: "rate limited" });
    server.push({ opcode: Opcode.ERROR, text: "server shutting down" });
    await shutdown;
    expect(errors).toEqual([{ text: "rate limited" }]);
  });

  it("reports a malformed datagram from the server and keeps working", async () => {
    const server = await startFakeServer();
    cleanups.push(() => server.close());
    server.reply = () => [Uint8Array.of(41, 0, 9, 1), { opcode: Opcode.INFO_RESPONSE, text: "ok" }];
    const client = await clientOf(server);
    const malformed = nextEvent(client, "malformed");
    expect((await client.info()).text).toBe("ok");
    expect((await malformed).reason).toBe(
      "malformed packet: LENGTH is 9 but only 1 bytes of DATA follow",
    );
  });
});
