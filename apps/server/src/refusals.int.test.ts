import { ChatSocket } from "@chat/client";
import { ErrorText, Opcode } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReply } from "./test-support/peers.js";
import { metricsPort, scrape } from "./test-support/scrape.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

describe("refusals an operator acts on", () => {
  let daemon: DaemonHandle;
  const sockets: ChatSocket[] = [];
  beforeAll(async () => {
    daemon = await startDaemon({
      // Loopback is exempt from the per-IP limits by default; this test wants them.
      args: [
        "--metrics",
        "127.0.0.1:0",
        "--max-users",
        "2",
        "--max-users-per-ip",
        "1",
        "--exempt-networks",
        "",
        // Plain REGISTERs, as an RFC client sends them: with --max-users 2 the address
        // check's auto mode would challenge past one unchecked user.
        "--address-check",
        "off",
      ],
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await daemon?.stop();
  });

  async function register(from: string, name: string) {
    const socket = await ChatSocket.open({
      host: daemon.host,
      port: daemon.port,
      bindAddress: from,
    });
    sockets.push(socket);
    socket.send({ opcode: Opcode.REGISTER, name });
    return socket.next(isReply, 3000);
  }

  it("show in chat_refusals_total by reason and in an info line each (full, per-IP)", async () => {
    expect(await register("127.0.0.1", "ann")).toEqual({ opcode: Opcode.OK });
    expect(await register("127.0.0.1", "ann2")).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.TOO_MANY_FROM_ADDRESS,
    });
    expect(await register("127.0.0.2", "ben")).toEqual({ opcode: Opcode.OK });
    expect(await register("127.0.0.3", "cat")).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.SERVER_FULL,
    });
    const metrics = await scrape(await metricsPort(daemon));
    expect(metrics.value("chat_refusals_total", { reason: "too-many-from-address" })).toBe(1);
    expect(metrics.value("chat_refusals_total", { reason: "server-full" })).toBe(1);
    expect(metrics.value("chat_refusals_total", { reason: "banned" })).toBe(0);
    expect(metrics.value("chat_max_users")).toBe(2);
    for (const kind of ["too-many-from-address", "server-full"]) {
      const line = await daemon.waitForLog((l) => l.msg === "request refused" && l.kind === kind);
      expect(line.level).toBe(30);
    }
  });
});
