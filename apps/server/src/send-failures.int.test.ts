import type { Socket } from "node:dgram";
import { Opcode, type ServerPacket } from "@chat/protocol";
import { loadAddon } from "@chat/udp-batch";
import { afterEach, describe, expect, it } from "vitest";
import { parseCommand } from "./config.js";
import { type RunningDaemon, startDaemon } from "./daemon.js";
import type { SendCallback, Transport } from "./fanout.js";
import type { TransportChoice } from "./link.js";
import { createLogger } from "./logger.js";
import { isReply, Peers } from "./test-support/peers.js";

/** What the injected transport does for a send to one port: fail with a code, or throw. */
type Failure = { code: string } | "throw";

const daemons: RunningDaemon[] = [];
const peerSets: Peers[] = [];
afterEach(async () => {
  await Promise.all(peerSets.splice(0).map((peers) => peers.closeAll()));
  await Promise.all(daemons.splice(0).map((daemon) => daemon.close()));
});

const addon = loadAddon();
/** The transports to run these tests on: native where the addon is built (or required). */
const TRANSPORTS: ReadonlyArray<Exclude<TransportChoice, "auto">> =
  addon.ok || process.env.CHAT_UDP_BATCH_REQUIRED === "1" ? ["dgram", "native"] : ["dgram"];

/**
 * The real daemon in this process, on a real socket, with some sends made to fail: through
 * node:dgram's send (dgram), or as the native sender's kernel refusal of that copy (native).
 */
async function serveWithFailures(kind: Exclude<TransportChoice, "auto">, args: string[] = []) {
  const command = parseCommand(["--host", "127.0.0.1", "--port", "0", ...args], {}, "9.9.9");
  if (command.kind !== "run") throw new Error("expected a run command");
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: "info",
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const failures = new Map<number, Failure[]>();
  const transport = (socket: Socket): Transport => ({
    send(bytes: Uint8Array, port: number, address: string, callback: SendCallback) {
      const failure = failures.get(port)?.shift();
      if (failure === "throw") throw Object.assign(new Error("boom"), { code: "ERR_TEST" });
      if (failure !== undefined) {
        const error = Object.assign(new Error(`send ${failure.code}`), { code: failure.code });
        process.nextTick(callback, error, 0);
        return;
      }
      socket.send(bytes, port, address, callback);
    },
  });
  const nativeFault = (port: number): Error | undefined => {
    const failure = failures.get(port)?.shift();
    if (failure === undefined) return undefined;
    const code = failure === "throw" ? "ERR_TEST" : failure.code;
    return Object.assign(new Error(`send ${code}`), { code });
  };
  const daemon = await startDaemon(
    command.config,
    logger,
    kind === "dgram" ? { transport } : { transportChoice: "native", nativeFault },
  );
  expect(daemon.transport).toBe(kind);
  daemons.push(daemon);
  const peers = new Peers("127.0.0.1", daemon.port);
  peerSets.push(peers);
  return { daemon, peers, lines, failures };
}

const isBroadcast = (packet: ServerPacket) => packet.opcode === Opcode.BROADCAST_FWD;

describe.each(TRANSPORTS)("send failures (%s)", (kind) => {
  it("counts EMSGSIZE, ENOBUFS and ECONNREFUSED, logs them, and keeps serving", async () => {
    const { daemon, peers, lines, failures } = await serveWithFailures(kind);
    const alice = await peers.registered("alice");
    const bob = await peers.registered("bob");
    failures.set(bob.localPort, [
      { code: "EMSGSIZE" },
      { code: "ENOBUFS" },
      { code: "ECONNREFUSED" },
    ]);

    for (const message of ["one", "two", "three"]) {
      alice.send({ opcode: Opcode.BROADCAST, message });
      expect(await alice.next(isBroadcast, 2000)).toMatchObject({ message });
    }
    // Bob's three copies failed; the next message to him goes through.
    alice.send({ opcode: Opcode.PRIVATE, receiver: "bob", message: "still there?" });
    expect(await alice.next(isReply, 2000)).toEqual({ opcode: Opcode.OK });
    expect(await bob.next(2000)).toEqual({
      opcode: Opcode.PRIVATE_FWD,
      sender: "alice",
      message: "still there?",
    });
    expect(bob.buffered()).toEqual([]);

    expect(daemon.stats().errors).toEqual({ EMSGSIZE: 1, ENOBUFS: 1, ECONNREFUSED: 1 });
    const logged = lines.filter((line) => line.msg === "send failed").map((line) => line.code);
    expect(logged).toEqual(["EMSGSIZE", "ENOBUFS", "ECONNREFUSED"]);
  });

  it("survives a send that throws, and the others still get their copy", async () => {
    const { daemon, peers, failures } = await serveWithFailures(kind);
    const carol = await peers.registered("carol");
    const dave = await peers.registered("dave");
    failures.set(carol.localPort, ["throw"]);
    dave.send({ opcode: Opcode.BROADCAST, message: "hi" });
    expect(await dave.next(isBroadcast, 2000)).toMatchObject({ sender: "dave", message: "hi" });
    expect(daemon.stats().errors).toEqual({ ERR_TEST: 1 });
    carol.send({ opcode: Opcode.INFO_REQUEST });
    expect(await carol.next(2000)).toMatchObject({ opcode: Opcode.INFO_RESPONSE });
  });

  it("logs a burst of failures as a few lines and one summary", async () => {
    const { daemon, peers, lines, failures } = await serveWithFailures(kind, ["--no-rate-limit"]);
    const erin = await peers.registered("erin");
    const frank = await peers.registered("frank");
    failures.set(
      frank.localPort,
      Array.from({ length: 50 }, () => ({ code: "ENOBUFS" })),
    );
    for (let i = 0; i < 50; i++) erin.send({ opcode: Opcode.BROADCAST, message: `m${i}` });
    for (let i = 0; i < 50; i++) expect(await erin.next(isBroadcast, 2000)).toBeDefined();
    expect(daemon.stats().errors).toEqual({ ENOBUFS: 50 });
    await daemon.close();
    expect(lines.filter((line) => line.msg === "send failed")).toHaveLength(5);
    expect(lines.find((line) => line.kind === "send:ENOBUFS")).toMatchObject({ suppressed: 45 });
  });
});
