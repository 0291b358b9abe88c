import { ChatSocket } from "@chat/client";
import { Opcode } from "@chat/protocol";
import { loadAddon } from "@chat/udp-batch";
import { afterAll, describe, expect, it } from "vitest";
import { type DaemonHandle, runServer, startDaemon } from "./testing/index.js";

/*
 * Which transport runs, and why, as the startup line says. The native addon is built by
 * `pnpm install` where a C toolchain exists; CHAT_UDP_BATCH_ADDON pointing at nothing
 * stands for a machine where that build failed.
 */

const ABSENT = { CHAT_UDP_BATCH_ADDON: "/nonexistent/udp_batch.node" };
const addon = loadAddon();
const required = process.env.CHAT_UDP_BATCH_REQUIRED === "1";

const started: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

async function listening(args: string[], env: Record<string, string> = {}) {
  const daemon = await startDaemon({ args, env });
  started.push(daemon);
  const line = daemon.logs().find((entry) => entry.msg === "listening");
  return { daemon, line };
}

/** A user registers and gets their own broadcast back: the transport carries traffic. */
async function chats(daemon: DaemonHandle): Promise<void> {
  const socket = await ChatSocket.open({ host: daemon.host, port: daemon.port });
  try {
    socket.send({ opcode: Opcode.REGISTER, name: "probe" });
    expect(await socket.next(2000)).toEqual({ opcode: Opcode.OK });
    socket.send({ opcode: Opcode.BROADCAST, message: "over the wire" });
    expect(await socket.next(2000)).toMatchObject({ message: "over the wire" });
  } finally {
    await socket.close();
  }
}

describe("transport choice", () => {
  it("without the addon, auto falls back to node:dgram and says why", async () => {
    const { daemon, line } = await listening(["--transport", "auto"], ABSENT);
    expect(line).toMatchObject({
      transport: "dgram",
      transportWhy:
        "auto: native addon not built (no CHAT_UDP_BATCH_ADDON=/nonexistent/udp_batch.node)",
    });
    await chats(daemon);
  });

  it("without the addon, --transport native refuses to start with one clear line", async () => {
    const args = ["--host", "127.0.0.1", "--port", "0", "--transport", "native"];
    const run = await runServer(args, { env: ABSENT });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--transport native: native addon not built");
  });

  it("--transport dgram runs node:dgram even where the addon is built", async () => {
    const { daemon, line } = await listening(["--transport", "dgram"]);
    expect(line).toMatchObject({ transport: "dgram", transportWhy: "--transport dgram" });
    await chats(daemon);
  });

  it.skipIf(!addon.ok && !required)("auto runs the addon where it is built", async () => {
    const { daemon, line } = await listening(["--transport", "auto"]);
    expect(line).toMatchObject({
      transport: "native",
      transportWhy: "auto: native addon loaded (recvmmsg/sendmmsg)",
    });
    await chats(daemon);
  });

  it.skipIf(!addon.ok && !required)("--transport native runs the addon, on IPv6 too", async () => {
    const { daemon, line } = await listening(["--host", "::1", "--transport", "native"]);
    expect(line).toMatchObject({ transport: "native", address: "::1" });
    await chats(daemon);
  });
});
