import { MAX_DATA_BYTES, MAX_NAME_BYTES, Opcode } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { ChatSocket } from "./chat-socket.js";
import { connect } from "./connect.js";
import { delay, nextEvent, record } from "./test-support/events.js";
import { type FakeServer, startFakeServer } from "./test-support/fake-server.js";

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

describe("user list merging (real server)", () => {
  let daemon: DaemonHandle | undefined;
  afterEach(async () => {
    await daemon?.stop();
  });

  it("gets every name of a list too long for one packet", async () => {
    daemon = await startDaemon({ args: ["--list-interval", "0"] });
    // 32-byte names: one packet holds 65,504 / 33 = 1,985 of them.
    const perPacket = Math.floor((MAX_DATA_BYTES + 1) / (MAX_NAME_BYTES + 1));
    const count = perPacket + 40;
    const names = Array.from({ length: count }, (_, i) => `user_${String(i).padStart(27, "0")}`);
    const { host, port } = daemon;
    // Each name from its own endpoint, kept open so that no port is reused meanwhile.
    const sockets: ChatSocket[] = [];
    cleanups.push(() => Promise.all(sockets.map((socket) => socket.close())));
    for (let start = 0; start < count; start += 100) {
      const answers = await Promise.all(
        names.slice(start, start + 100).map(async (name) => {
          const socket = await ChatSocket.open({ host, port });
          sockets.push(socket);
          socket.send({ opcode: Opcode.REGISTER, name });
          return socket.next(2000);
        }),
      );
      expect(answers.every((answer) => answer?.opcode === Opcode.OK)).toBe(true);
    }
    const client = await connect({ host, port, name: "counter" });
    cleanups.push(() => client.close());
    const packets = record(client, "packet");
    const listed = await client.list();
    expect(listed).toEqual([...names, "counter"]);
    expect(packets.filter(({ packet }) => packet.opcode === Opcode.LIST_RESPONSE)).toHaveLength(2);
  }, 30_000);
});
