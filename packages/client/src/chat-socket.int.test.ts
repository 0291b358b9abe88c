import { createSocket } from "node:dgram";
import { setTimeout as delay } from "node:timers/promises";
import { Opcode, type ServerPacket } from "@chat/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatSocket } from "./chat-socket.js";
import { type FakeServer, startFakeServer } from "./test-support/fake-server.js";

describe("ChatSocket", () => {
  let server: FakeServer;
  let socket: ChatSocket;

  beforeEach(async () => {
    server = await startFakeServer();
    socket = await ChatSocket.open({ host: "127.0.0.1", port: server.port });
  });
  afterEach(async () => {
    await socket.close();
    await server.close();
  });

  it("encodes what it sends and decodes the answer", async () => {
    server.reply = () => [{ opcode: Opcode.OK }];
    socket.send({ opcode: Opcode.REGISTER, name: "alice" });
    expect(await socket.next(1000)).toEqual({ opcode: Opcode.OK });
    expect(server.received).toEqual([{ opcode: Opcode.REGISTER, name: "alice" }]);
  });

  it("keeps packets that no waiter wanted for a later next()", async () => {
    server.reply = () => [
      { opcode: Opcode.INFO_RESPONSE, text: "first" },
      { opcode: Opcode.ERROR, text: "second" },
    ];
    socket.send({ opcode: Opcode.INFO_REQUEST });
    const error = await socket.next((packet) => packet.opcode === Opcode.ERROR, 1000);
    expect(error).toEqual({ opcode: Opcode.ERROR, text: "second" });
    expect(await socket.next(10)).toEqual({ opcode: Opcode.INFO_RESPONSE, text: "first" });
  });

  it("resolves undefined when nothing matching arrives in time", async () => {
    const started = performance.now();
    expect(await socket.next(50)).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("reports bytes that fail to decode and carries on", async () => {
    const malformed: string[] = [];
    socket.onMalformed((error) => malformed.push(error.message));
    server.reply = () => [Uint8Array.of(0, 0, 5), Uint8Array.of(11, 0, 0), { opcode: Opcode.OK }];
    socket.send({ opcode: Opcode.LOGOUT });
    expect(await socket.next(1000)).toEqual({ opcode: Opcode.OK });
    // A truncated OK, then REGISTER, which a server never sends to a client.
    expect(malformed).toEqual([
      "malformed packet: LENGTH is 5 but only 0 bytes of DATA follow",
      "unknown opcode 11",
    ]);
  });

  it("sends arbitrary bytes with sendRaw", async () => {
    socket.sendRaw(Uint8Array.of(40, 0, 0));
    socket.sendRaw(Uint8Array.of(99, 0, 0)); // not decodable: the fake server ignores it
    socket.sendRaw(Uint8Array.of(12, 0, 0));
    for (let i = 0; i < 200 && server.received.length < 2; i++) await delay(10);
    expect(server.received).toEqual([{ opcode: Opcode.INFO_REQUEST }, { opcode: Opcode.LOGOUT }]);
  });

  it("calls packet listeners for every packet, until unsubscribed", async () => {
    const seen: ServerPacket[] = [];
    const off = socket.onPacket((packet) => seen.push(packet));
    server.reply = () => [{ opcode: Opcode.OK }];
    socket.send({ opcode: Opcode.LOGOUT });
    await socket.next(1000);
    off();
    socket.send({ opcode: Opcode.LOGOUT });
    await socket.next(1000);
    expect(seen).toEqual([{ opcode: Opcode.OK }]);
  });

  it("ignores datagrams from anyone but the server", async () => {
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.bind(0, "127.0.0.1", resolve));
    stranger.send(Uint8Array.of(0, 0, 0), socket.localPort, "127.0.0.1");
    expect(await socket.next(100)).toBeUndefined();
    stranger.close();
  });

  it("drops the oldest buffered packet beyond queueLimit", async () => {
    const small = await ChatSocket.open({ host: "127.0.0.1", port: server.port, queueLimit: 2 });
    server.reply = () => ["a", "b", "c"].map((text) => ({ opcode: Opcode.ERROR, text }));
    small.send({ opcode: Opcode.LOGOUT });
    // Poll (bounded) until the last reply is in: a busy machine may take a while.
    const hasC = () => small.buffered().some((p) => p.opcode === Opcode.ERROR && p.text === "c");
    for (let i = 0; i < 200 && !hasC(); i++) await delay(10);
    expect(small.buffered()).toEqual([
      { opcode: Opcode.ERROR, text: "b" },
      { opcode: Opcode.ERROR, text: "c" },
    ]);
    await small.close();
  });

  it("resolves pending next() with undefined on close and refuses to send after", async () => {
    const waiting = socket.next(5000);
    await socket.close();
    expect(await waiting).toBeUndefined();
    expect(() => socket.send({ opcode: Opcode.LOGOUT })).toThrow(/closed/);
  });

  it("opens a udp6 socket for an IPv6 host", async () => {
    const v6 = await ChatSocket.open({ host: "[::1]", port: 9 });
    expect(v6.remoteAddress).toBe("::1");
    expect(v6.localAddress).toContain(":");
    await v6.close();
  });
});
