import type { Socket } from "node:dgram";
import { ChatSocket } from "@chat/client";
import { Opcode } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand } from "../config.js";
import { type RunningDaemon, startDaemon } from "../daemon.js";
import type { SendCallback, Transport } from "../fanout.js";
import { createLogger } from "../logger.js";
import { HonestRoom } from "./support/honest.js";
import { Random } from "./support/random.js";

/*
 * Socket faults under live traffic: the real daemon in this process (so its send path can
 * be wrapped), on a real loopback socket. A share of sends fail the way a kernel makes
 * them fail (EMSGSIZE, ENOBUFS, ECONNREFUSED, EAGAIN, or a synchronous throw), and receive
 * errors are raised on the socket. Every failure must be counted, logs stay sampled, and
 * the daemon keeps serving. (apps/server's send-failures test covers single failures.)
 */

const CODES = ["EMSGSIZE", "ENOBUFS", "ECONNREFUSED", "EAGAIN"] as const;
const FAIL_SHARE = 0.3;

let daemon: RunningDaemon;
let socket: Socket | undefined;
const lines: Array<Record<string, unknown>> = [];
const injected = new Map<string, number>();
let failing = false;
const random = new Random(20_261_126);

beforeAll(async () => {
  const command = parseCommand(
    ["--host", "127.0.0.1", "--port", "0", "--list-interval", "0", "--stats-interval", "0"],
    {},
    "0.0.0-test",
  );
  if (command.kind !== "run") throw new Error("expected a run command");
  const logger = createLogger({
    level: "info",
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const transport = (bound: Socket): Transport => {
    socket = bound;
    return {
      send(bytes: Uint8Array, port: number, address: string, callback: SendCallback) {
        if (failing && random.next() < FAIL_SHARE) {
          const code = random.pick([...CODES, "THROW"]);
          injected.set(code, (injected.get(code) ?? 0) + 1);
          const error = Object.assign(new Error(`send ${code}`), { code });
          if (code === "THROW") throw error;
          process.nextTick(callback, error, 0);
          return;
        }
        bound.send(bytes, port, address, callback);
      },
    };
  };
  daemon = await startDaemon(command.config, logger, { transport });
});

afterAll(async () => {
  await daemon?.close();
});

describe("socket faults", () => {
  it("counts and samples failing sends under load and keeps serving", async () => {
    const room = await HonestRoom.open({ host: "127.0.0.1", port: daemon.port }, 10, "faulty", {
      requestTimeoutMs: 100,
      // A broadcast whose own copy was a failed send is not waited for long.
      confirmTimeoutMs: 150,
    });
    try {
      const linesBefore = lines.length;
      failing = true;
      for (let round = 0; round < 15; round++) await room.broadcastRound(round);
      failing = false;
      const failed = [...injected.values()].reduce((a, b) => a + b, 0);
      const errors = daemon.stats().errors;
      const tally = room.tally();
      const sendLines = lines.slice(linesBefore).filter((l) => l.msg === "send failed").length;
      console.log(
        `faults: ${failed} of the daemon's sends failed on purpose ${JSON.stringify(Object.fromEntries(injected))};` +
          ` counted ${JSON.stringify(errors)}; ${sendLines} "send failed" lines;` +
          ` honest deliveries ${tally.delivered}/${room.expected}`,
      );
      expect(failed).toBeGreaterThan(100);
      // Every injected failure is counted under its code; nothing else failed.
      expect(errors).toEqual(Object.fromEntries(injected));
      // Sampled: a few lines per code per window, not one per failure.
      expect(sendLines).toBeLessThanOrEqual(5 * (CODES.length + 1));
      // With 30% of sends failing about 70% of copies arrive; the rest were counted above.
      expect(tally.delivered).toBeGreaterThan(room.expected * 0.5);
      expect(tally.delivered + failed).toBeGreaterThanOrEqual(room.expected);
      // Faults over: every client is served again.
      for (const client of room.clients) await expect(client.info()).resolves.toBeDefined();
      expect(daemon.stats().internalErrors).toBe(0);
    } finally {
      await room.close();
    }
  }, 30_000);

  it("keeps receiving after receive errors on its socket", async () => {
    const client = await ChatSocket.open({ host: "127.0.0.1", port: daemon.port });
    try {
      const before = daemon.stats().errors.ECONNRESET ?? 0;
      for (let i = 0; i < 100; i++) {
        // What libuv reports when recvmsg fails (an ICMP error on some systems, ENOMEM ...).
        const error = Object.assign(new Error("recvmsg ECONNRESET"), {
          code: "ECONNRESET",
          syscall: "recvmsg",
        });
        socket?.emit("error", error);
        client.send({ opcode: Opcode.INFO_REQUEST });
        const reply = await client.next((p) => p.opcode === Opcode.INFO_RESPONSE, 1_000);
        expect(reply?.opcode).toBe(Opcode.INFO_RESPONSE);
      }
      expect((daemon.stats().errors.ECONNRESET ?? 0) - before).toBe(100);
      expect(lines.filter((l) => l.msg === "socket error").length).toBeLessThanOrEqual(5);
    } finally {
      await client.close();
    }
  });
});
