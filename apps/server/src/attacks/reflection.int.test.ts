import { setTimeout as sleep } from "node:timers/promises";
import { type ChatSocket, connect } from "@chat/client";
import {
  DEFAULTS,
  ErrorText,
  encode,
  MAX_UNREGISTERED_REPLY_BYTES,
  Opcode,
  opcodeName,
  type ServerPacket,
} from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonHandle } from "../testing/index.js";
import { startAttackDaemon } from "./support/daemon.js";
import { ForgedSources } from "./support/forged.js";

/*
 * What forged source addresses can make the server send (docs/protocol.md#6-abuse-limits). The daemon
 * runs with --exempt-networks "" so loopback gets the per-IP limits a remote victim gets;
 * sockets bound on distinct 127.x.y.z addresses stand in for forged sources.
 */

const USER_TIMEOUT_S = 2;
const LIST_INTERVAL_S = 0.5;
const MAX_USERS_PER_IP = 4;
/** "OK", the ERROR text, or "nothing". */
function describeReply(reply: ServerPacket | undefined): string {
  if (reply === undefined) return "nothing";
  return reply.opcode === Opcode.ERROR ? reply.text : (opcodeName(reply.opcode) ?? "?");
}

let daemon: DaemonHandle;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  daemon = await startAttackDaemon([
    "--exempt-networks",
    "",
    "--user-timeout",
    String(USER_TIMEOUT_S),
    "--list-interval",
    String(LIST_INTERVAL_S),
    "--max-users-per-ip",
    String(MAX_USERS_PER_IP),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await daemon?.stop();
});

async function forged(addresses: string[], perAddress: number): Promise<ForgedSources> {
  const sources = await ForgedSources.open(daemon, addresses, perAddress);
  closers.push(() => sources.close());
  return sources;
}

describe("reflection", () => {
  it("replies to nameless sources stay within the per-IP response-rate limit", async () => {
    const ips = ["127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5"];
    const sources = await forged(ips, 4);
    // Requests that each draw a reply from a server without limits: INFO (the largest
    // reply), BROADCAST (not registered), junk (malformed packet), an unknown opcode.
    const requests = [
      encode({ opcode: Opcode.INFO_REQUEST }),
      encode({ opcode: Opcode.BROADCAST, message: "amplify me" }),
      Buffer.alloc(1_000, 0x41),
      Buffer.from([0x63, 0x00, 0x00]),
    ];
    const perIpPerSecond = 100;
    const seconds = 2;
    const started = performance.now();
    const perTick = (ips.length * perIpPerSecond) / 20;
    for (let tick = 0, n = 0; tick < seconds * 20; tick++) {
      for (let i = 0; i < perTick; i++, n++) {
        sources.send(n, requests[n % requests.length] as Uint8Array);
      }
      await sleep(50);
    }
    await sleep(300);
    const elapsed = (performance.now() - started) / 1000;
    const rows: string[] = [];
    for (const ip of ips) {
      const sent = sources.sent.get(ip)!;
      const got = sources.received.get(ip)!;
      rows.push(
        `  ${ip}: in ${sent.datagrams} datagrams / ${sent.bytes} B, out ${got.datagrams} / ${got.bytes} B` +
          ` (${(got.bytes / sent.bytes).toFixed(3)} B out per B in)`,
      );
      // A token bucket: a full second's budget at first, then the rate.
      expect(got.datagrams).toBeLessThanOrEqual(
        DEFAULTS.unregisteredRepliesPerSecond * (1 + elapsed) + 1,
      );
      expect(got.bytes).toBeLessThanOrEqual(
        DEFAULTS.unregisteredReplyBytesPerSecond * (1 + elapsed),
      );
      expect(got.bytes).toBeLessThanOrEqual(got.datagrams * MAX_UNREGISTERED_REPLY_BYTES);
      expect(got.datagrams).toBeGreaterThan(0);
    }
    console.log(`reflection over ${elapsed.toFixed(1)} s, nameless sources:\n${rows.join("\n")}`);
  }, 20_000);

  it("forged REGISTERs aimed at one IP stop at the per-IP limits", async () => {
    const victim = "127.0.2.1";
    const cap = await forged([victim], MAX_USERS_PER_IP + 3);
    const answers: string[] = [];
    for (const [i, socket] of cap.sockets.entries()) {
      socket.send({ opcode: Opcode.REGISTER, name: `forged${i}` });
      const reply = await socket.next(
        (p) => p.opcode === Opcode.OK || p.opcode === Opcode.ERROR,
        1_000,
      );
      answers.push(describeReply(reply));
      await sleep(120); // within the reply limit, so every answer is seen
    }
    expect(answers).toEqual([
      ...Array(MAX_USERS_PER_IP).fill("OK"),
      ...Array(3).fill(ErrorText.TOO_MANY_FROM_ADDRESS),
    ]);

    // REGISTER, LOGOUT, REGISTER ... from one more IP: the per-minute budget runs out.
    const churner = (await forged(["127.0.2.2"], 1)).sockets[0] as ChatSocket;
    const outcomes: string[] = [];
    for (let i = 0; i <= DEFAULTS.registersPerIpPerMinute; i++) {
      churner.send({ opcode: Opcode.REGISTER, name: `churn${i}` });
      const reply = await churner.next(
        (p) => p.opcode === Opcode.OK || p.opcode === Opcode.ERROR,
        1_000,
      );
      outcomes.push(describeReply(reply));
      churner.send({ opcode: Opcode.LOGOUT });
      await churner.next((p) => p.opcode === Opcode.OK, 1_000);
      await sleep(120);
    }
    console.log(
      `forged REGISTERs: one IP ${answers.join(", ")}; register/logout churn ${outcomes.join(", ")}`,
    );
    expect(outcomes).toEqual([
      ...Array(DEFAULTS.registersPerIpPerMinute).fill("OK"),
      ErrorText.TOO_MANY_FROM_ADDRESS,
    ]);
  }, 20_000);

  it("a forged user that never speaks again is expired after userTimeout and then gets nothing", async () => {
    const victim = (await forged(["127.0.3.1"], 1)).sockets[0] as ChatSocket;
    const arrivals: Array<{ at: number; opcode: number; bytes: number }> = [];
    victim.onPacket((packet, bytes) =>
      arrivals.push({ at: performance.now(), opcode: packet.opcode, bytes: bytes.length }),
    );
    // An honest user who keeps itself alive and chats, so the victim would get broadcasts too.
    const honest = await connect({
      host: daemon.host,
      port: daemon.port,
      name: "honest",
      keepAliveMs: 300,
    });
    closers.push(() => honest.close());
    victim.send({ opcode: Opcode.REGISTER, name: "victim" });
    const registeredAt = performance.now();
    const chatter = setInterval(() => void honest.broadcast("still here"), 250);
    try {
      await daemon.waitForLog(
        (line) => line.msg === "user timed out" && line.name === "victim",
        6_000,
      );
      const expiredAt = performance.now();
      await sleep(2_000);
      const before = arrivals.filter((a) => a.at <= expiredAt);
      const after = arrivals.filter((a) => a.at > expiredAt);
      const bytes = before.reduce((sum, a) => sum + a.bytes, 0);
      console.log(
        `forged user: expired ${((expiredAt - registeredAt) / 1000).toFixed(2)} s after REGISTER` +
          ` (userTimeout ${USER_TIMEOUT_S} s); it received ${before.length} datagrams / ${bytes} B before, ${after.length} after`,
      );
      expect((expiredAt - registeredAt) / 1000).toBeGreaterThanOrEqual(USER_TIMEOUT_S - 0.05);
      expect((expiredAt - registeredAt) / 1000).toBeLessThan(USER_TIMEOUT_S + 1.5);
      expect(before.some((a) => a.opcode === Opcode.LIST_RESPONSE)).toBe(true);
      expect(after).toEqual([]);
      expect(await honest.list()).toEqual(["honest"]);
    } finally {
      clearInterval(chatter);
    }
  }, 20_000);
});
