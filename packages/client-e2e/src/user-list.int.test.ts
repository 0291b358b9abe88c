import { ChatSocket, connect } from "@chat/client";
import { record } from "@chat/client/testing";
import { MAX_DATA_BYTES, MAX_NAME_BYTES, Opcode } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterEach, describe, expect, it } from "vitest";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
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
