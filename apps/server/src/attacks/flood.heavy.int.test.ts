import { setTimeout as sleep } from "node:timers/promises";
import { ChatSocket } from "@chat/client";
import { ChatServer } from "@chat/core";
import { DEFAULTS, ErrorText, encode, Opcode } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonHandle } from "../testing/index.js";
import { field, freshStats, startAttackDaemon } from "./support/daemon.js";

/*
 * One endpoint floods BROADCASTs at 10,000/s. The per-endpoint limits
 * (docs/protocol.md#6-abuse-limits: 5 broadcasts/s, bursts of 20) must cut it to its share,
 * with at most one "rate limited" ERROR per second, while an honest client's round trip
 * stays short.
 */

const FLOOD_PER_SECOND = 10_000;
const FLOOD_MS = 1_500;
const PROBE_EVERY_MS = 10;

let daemon: DaemonHandle;
const sockets: ChatSocket[] = [];

async function open(name?: string): Promise<ChatSocket> {
  const socket = await ChatSocket.open({
    host: daemon.host,
    port: daemon.port,
    queueLimit: 100_000,
  });
  sockets.push(socket);
  if (name !== undefined) {
    socket.send({ opcode: Opcode.REGISTER, name });
    expect(await socket.next((p) => p.opcode === Opcode.OK, 2_000)).toEqual({ opcode: Opcode.OK });
  }
  return socket;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

beforeAll(async () => {
  daemon = await startAttackDaemon(["--list-interval", "0"]);
}, 30_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await daemon?.stop();
});

describe("flood", () => {
  it("cuts a 10,000 BROADCAST/s endpoint to its rate limit, one notice a second, honest INFO stays fast", async () => {
    const flooder = await open("flooder");
    const watcher = await open("watcher");
    const prober = await open();
    const before = await freshStats(daemon);
    let forwarded = 0;
    watcher.onPacket((p) => {
      if (p.opcode === Opcode.BROADCAST_FWD && p.sender === "flooder") forwarded++;
    });
    const notices: number[] = [];
    flooder.onPacket((p) => {
      if (p.opcode === Opcode.ERROR && p.text === ErrorText.RATE_LIMITED)
        notices.push(performance.now());
    });

    const packet = encode({ opcode: Opcode.BROADCAST, message: "flood" });
    const started = performance.now();
    let sent = 0;
    const flood = (async () => {
      for (let elapsed = 0; elapsed < FLOOD_MS; elapsed = performance.now() - started) {
        const due = Math.floor((elapsed / 1000) * FLOOD_PER_SECOND);
        for (; sent < due; sent++) flooder.sendRaw(packet);
        await sleep(1);
      }
    })();
    const rtts: number[] = [];
    while (performance.now() - started < FLOOD_MS) {
      const at = performance.now();
      prober.send({ opcode: Opcode.INFO_REQUEST });
      const reply = await prober.next((p) => p.opcode === Opcode.INFO_RESPONSE, 1_000);
      if (reply !== undefined) rtts.push(performance.now() - at);
      await sleep(PROBE_EVERY_MS);
    }
    await flood;
    const seconds = (performance.now() - started) / 1000;
    await sleep(300);
    const after = await freshStats(daemon);
    const dropped = field(after, "drops.rate-limited") - field(before, "drops.rate-limited");
    const allowed = DEFAULTS.broadcastBurst + DEFAULTS.broadcastsPerSecond * seconds;

    console.log(
      `flood: ${sent} BROADCASTs in ${seconds.toFixed(2)} s (${Math.round(sent / seconds)}/s); forwarded ${forwarded}` +
        ` (limit ${allowed.toFixed(0)}); daemon dropped ${dropped}; "rate limited" notices ${notices.length};` +
        ` honest INFO round trip median ${median(rtts).toFixed(2)} ms, max ${Math.max(...rtts).toFixed(2)} ms over ${rtts.length} probes`,
    );

    // The pacing loop falls behind on a loaded machine (a clean-clone CI run with one core
    // kept busy sent ~7,000/s); what it must still be is a flood: 2,500/s is 500x the limit.
    expect(sent / seconds).toBeGreaterThan(FLOOD_PER_SECOND / 4);
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).toBeLessThanOrEqual(Math.ceil(allowed) + 1);
    expect(dropped).toBeGreaterThanOrEqual(sent - forwarded - sent * 0.01);
    // At most one notice per second: never two within a second of each other.
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    for (let i = 1; i < notices.length; i++) {
      // Arrival times carry the test's own scheduling delay (80 ms seen with a core kept busy);
      // two notices a second would be 500 ms apart at most, so 750 still tells them apart.
      expect((notices[i] as number) - (notices[i - 1] as number)).toBeGreaterThan(750);
    }
    expect(rtts.length).toBeGreaterThan(10);
    expect(median(rtts)).toBeLessThan(10);
  }, 30_000);

  it("prints what dropping a flooded packet costs next to serving one (core, fake clock)", () => {
    const flooder = { address: "192.0.2.1", port: 4000 };
    const users = 20;
    const build = (rateLimit: boolean) => {
      const server = new ChatServer({
        rateLimit,
        listIntervalMs: 0,
        userTimeoutMs: 0,
        addressCheck: "off",
      });
      for (let i = 0; i < users; i++) {
        const from = i === 0 ? flooder : { address: "192.0.2.2", port: 5000 + i };
        server.receive(encode({ opcode: Opcode.REGISTER, name: `u${i}` }), from, 0);
      }
      return server;
    };
    const packet = encode({ opcode: Opcode.BROADCAST, message: "flood ".repeat(10) });
    const nsPerPacket = (server: ChatServer, count: number) => {
      const start = process.hrtime.bigint();
      // The clock stands still: after the burst, every packet is over the limit.
      for (let i = 0; i < count; i++) server.receive(packet, flooder, 1_000);
      return Number(process.hrtime.bigint() - start) / count;
    };
    const limited = build(true);
    const served = build(false);
    nsPerPacket(limited, 20_000); // warm up (and spend the burst)
    nsPerPacket(served, 20_000);
    const dropNs = nsPerPacket(limited, 200_000);
    const serveNs = nsPerPacket(served, 200_000);
    console.log(
      `flood cost (core only, ${users} users): dropping an over-limit BROADCAST ${dropNs.toFixed(0)} ns,` +
        ` serving one (encode the forward for ${users}) ${serveNs.toFixed(0)} ns: ${(serveNs / dropNs).toFixed(1)}x`,
    );
    expect(limited.stats().rateLimited).toBeGreaterThanOrEqual(200_000);
    expect(served.stats().broadcasts).toBeGreaterThanOrEqual(220_000);
  });
});
