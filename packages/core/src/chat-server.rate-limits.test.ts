import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { CORE_VERSION } from "./settings.js";
import { error, OK, peer, TestServer, to } from "./test-support/harness.js";

const RATE_LIMITED = error(ErrorText.RATE_LIMITED);
const loopback = (port: number) => ({ address: "127.0.0.1", port });
const info = { opcode: 40 } as const;

/** Sends `count` INFO_REQUESTs from `from` at the current time; returns what came back. */
function flood(t: TestServer, from: ReturnType<typeof peer>, count: number) {
  const replies = [];
  for (let i = 0; i < count; i++) replies.push(...t.reply(from, info));
  return replies;
}

describe("per-endpoint packet limit", () => {
  it("admits a burst of 100, then drops with one 'rate limited' per second", () => {
    const t = new TestServer();
    const me = loopback(5000); // exempt from per-IP limits, never from this one
    expect(flood(t, me, 100)).toHaveLength(100);
    expect(flood(t, me, 50)).toEqual([RATE_LIMITED]);
    t.now += 999;
    // 999 ms refilled 49 tokens; the next over-limit packet is still inside the second.
    expect(flood(t, me, 49).every((p) => p.opcode === 41)).toBe(true);
    expect(flood(t, me, 5)).toEqual([]);
    t.now += 1;
    expect(flood(t, me, 2)).toEqual([{ opcode: 41, text: expect.any(String) }, RATE_LIMITED]);
    expect(t.server.stats().rateLimited).toBe(50 + 5 + 1);
  });

  it("refills at 50 per second: one packet per 20 ms", () => {
    const t = new TestServer();
    const me = loopback(5001);
    flood(t, me, 101);
    t.now += 19;
    expect(flood(t, me, 1)).toEqual([]);
    t.now += 1;
    expect(flood(t, me, 1)).toHaveLength(1);
  });

  it("applies before size checks: malformed floods are dropped too", () => {
    const t = new TestServer({ packetBurst: 2 });
    const me = loopback(5002);
    expect(to(t.raw(me, [40]), me)).toHaveLength(1);
    expect(to(t.raw(me, [40]), me)).toHaveLength(1);
    expect(to(t.raw(me, [40]), me)).toEqual([RATE_LIMITED]);
    expect(to(t.raw(me, [40]), me)).toEqual([]);
    expect(t.server.stats().malformed).toBe(2);
  });

  it("counts each endpoint separately", () => {
    const t = new TestServer({ packetBurst: 1 });
    expect(flood(t, loopback(1), 2)).toHaveLength(2); // reply + rate limited
    expect(flood(t, loopback(2), 1)).toHaveLength(1);
  });
});

describe("broadcast limit", () => {
  it("admits 20 broadcasts at once, then 5 a second, with the shared notice", () => {
    const t = new TestServer();
    const me = loopback(6000);
    t.register(me, "alice");
    const say = () => t.reply(me, { opcode: 20, message: "hi" });
    for (let i = 0; i < 20; i++) expect(say()).toHaveLength(1);
    expect(say()).toEqual([RATE_LIMITED]);
    expect(say()).toEqual([]);
    t.now += 200;
    expect(say()).toEqual([{ opcode: 21, sender: "alice", message: "hi" }]);
    expect(say()).toEqual([]);
    expect(t.server.stats().broadcasts).toBe(21);
  });
});

describe("replies to nameless endpoints, per source IP", () => {
  it("are limited to 10 a second per IP, across ports, then refill", () => {
    const t = new TestServer();
    let answered = 0;
    for (let port = 1; port <= 15; port++) {
      answered += t.reply({ address: "203.0.113.5", port }, info).length;
    }
    expect(answered).toBe(10);
    expect(t.server.stats().drops["reply-rate-limited"]).toBe(5);
    expect(t.reply({ address: "203.0.113.6", port: 1 }, info)).toHaveLength(1);
    t.now += 100;
    expect(t.reply({ address: "203.0.113.5", port: 99 }, info)).toHaveLength(1);
  });

  it("are limited to 2 KiB a second per IP", () => {
    const t = new TestServer({ unregisteredRepliesPerSecond: 1000 });
    const size = 3 + `2026-11-26T05:40:00Z chat-server/${CORE_VERSION}`.length; // 41 bytes at 0.x.y
    let answered = 0;
    for (let port = 1; port <= 100; port++) {
      answered += t.reply({ address: "203.0.113.5", port }, info).length;
    }
    expect(answered).toBe(Math.floor(2048 / size));
  });

  it("do not limit registered users, nor exempt networks", () => {
    const t = new TestServer({ unregisteredRepliesPerSecond: 1 });
    const user = peer(1);
    t.register(user, "alice");
    expect(flood(t, user, 30)).toHaveLength(30);
    for (let port = 1; port <= 30; port++) {
      expect(t.reply({ address: "::ffff:127.0.0.1", port }, info)).toHaveLength(1);
      expect(t.reply({ address: "::1", port }, info)).toHaveLength(1);
    }
  });
});

describe("per-IP registration caps", () => {
  it("allow 16 names per IP, then 'too many users from this address'", () => {
    const t = new TestServer({ registersPerIpPerMinute: 100 });
    for (let port = 1; port <= 16; port++) {
      expect(t.register({ address: "203.0.113.5", port }, `u${port}`)).toEqual([OK]);
    }
    expect(t.register({ address: "203.0.113.5", port: 17 }, "u17")).toEqual([
      error(ErrorText.TOO_MANY_FROM_ADDRESS),
    ]);
    expect(t.register({ address: "203.0.113.6", port: 17 }, "u17")).toEqual([OK]);
    t.reply({ address: "203.0.113.5", port: 1 }, { opcode: 12 });
    expect(t.register({ address: "203.0.113.5", port: 18 }, "u18")).toEqual([OK]);
  });

  it("count IPv6 per /64", () => {
    const t = new TestServer({ maxUsersPerIp: 2 });
    expect(t.register({ address: "2001:db8:1:2::1", port: 1 }, "a")).toEqual([OK]);
    expect(t.register({ address: "2001:db8:1:2::ffff", port: 1 }, "b")).toEqual([OK]);
    expect(t.register({ address: "2001:db8:1:2:abcd::1", port: 1 }, "c")).toEqual([
      error(ErrorText.TOO_MANY_FROM_ADDRESS),
    ]);
    expect(t.register({ address: "2001:db8:1:3::1", port: 1 }, "c")).toEqual([OK]);
  });

  it("allow 10 new names a minute per IP, even when names are freed", () => {
    const t = new TestServer();
    const at = (port: number) => ({ address: "203.0.113.5", port });
    for (let port = 1; port <= 10; port++) {
      expect(t.register(at(port), `u${port}`)).toEqual([OK]);
      t.reply(at(port), { opcode: 12 });
    }
    expect(t.register(at(11), "u11")).toEqual([error(ErrorText.TOO_MANY_FROM_ADDRESS)]);
    // A retransmitted REGISTER of a name already held is not a new name.
    t.now += 6_000;
    expect(t.register(at(11), "u11")).toEqual([OK]);
    expect(t.register(at(11), "u11")).toEqual([OK]);
    expect(t.register(at(12), "u12")).toEqual([error(ErrorText.TOO_MANY_FROM_ADDRESS)]);
  });

  it("never charge a refreshing REGISTER (the name held), however often it comes", () => {
    const t = new TestServer();
    const me = { address: "203.0.113.7", port: 1 };
    expect(t.register(me, "keeper")).toEqual([OK]);
    for (let i = 0; i < 30; i++) {
      t.now += 1_000;
      expect(t.register(me, "keeper")).toEqual([OK]);
    }
    // Nine new names still fit in this minute: the 30 refreshes took none of the ten.
    for (let port = 2; port <= 10; port++) {
      expect(t.register({ ...me, port }, `new${port}`)).toEqual([OK]);
    }
  });

  it("do not apply to exempt networks", () => {
    const t = new TestServer({ exemptNetworks: ["203.0.113.0/24"] });
    for (let port = 1; port <= 40; port++) {
      expect(t.register({ address: "203.0.113.5", port }, `u${port}`)).toEqual([OK]);
    }
  });
});

describe("rateLimit: false", () => {
  it("turns off every rate and per-IP limit", () => {
    const t = new TestServer({ rateLimit: false });
    const me = peer(1);
    expect(flood(t, me, 500)).toHaveLength(500);
    for (let port = 1; port <= 40; port++) {
      expect(t.register({ address: "203.0.113.5", port }, `u${port}`)).toEqual([OK]);
    }
    const sender = { address: "203.0.113.5", port: 1 };
    for (let i = 0; i < 100; i++) {
      expect(t.send(sender, { opcode: 20, message: "x" })).toHaveLength(1);
    }
    expect(t.server.stats().rateLimited).toBe(0);
    expect(t.server.stats().trackedEndpoints).toBe(0);
  });
});

describe("bounded limiter state", () => {
  it("stays within maxTrackedAddresses under 200,000 distinct endpoints, and empties when idle", () => {
    const t = new TestServer({ maxTrackedAddresses: 50_000 });
    const bytes = new Uint8Array([40, 0, 0]);
    for (let i = 0; i < 200_000; i++) {
      const address = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
      t.server.receive(bytes, { address, port: 1000 }, t.now);
    }
    const stats = t.server.stats();
    expect(stats.trackedEndpoints).toBe(50_000);
    expect(stats.trackedAddresses).toBe(50_000);
    t.advance(60_000);
    expect(t.server.stats().trackedEndpoints).toBe(0);
    expect(t.server.stats().trackedAddresses).toBe(0);
  }, 120_000); // 200,000 receives take seconds, and tens of them on a loaded 2-core CI machine
});
