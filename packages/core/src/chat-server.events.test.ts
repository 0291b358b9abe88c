import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { MAX_PENDING_EVENTS } from "./outbox.js";
import { peer, TestServer } from "./test-support/harness.js";

describe("events", () => {
  it("reports joins, leaves, refusals with their exact text, and drains on take", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "ALICE");
    t.raw(peer(3), [99, 0, 0]);
    t.send(peer(1), { opcode: 12 });
    expect(t.server.takeEvents()).toEqual([
      { type: "joined", name: "alice", endpoint: peer(1) },
      {
        type: "refused",
        endpoint: peer(2),
        reason: ErrorText.USERNAME_TAKEN,
        kind: "username-taken",
      },
      {
        type: "refused",
        endpoint: peer(3),
        reason: "unknown opcode 99",
        kind: "unknown-opcode",
        code: "UNKNOWN_OPCODE",
      },
      { type: "left", name: "alice", endpoint: peer(1) },
    ]);
    expect(t.server.takeEvents()).toEqual([]);
  });

  it("reports a rate-limited endpoint once per notice, not per dropped packet", () => {
    const t = new TestServer({ packetBurst: 1 });
    for (let i = 0; i < 10; i++) t.send(peer(1), { opcode: 40 });
    const drops = t.server.takeEvents().filter((e) => e.type === "dropped");
    expect(drops).toEqual([{ type: "dropped", endpoint: peer(1), reason: "rate-limited" }]);
    expect(t.server.stats().drops["rate-limited"]).toBe(9);
  });

  it("keeps at most MAX_PENDING_EVENTS undrained events and counts the rest", () => {
    const t = new TestServer({ rateLimit: false });
    for (let i = 0; i < MAX_PENDING_EVENTS + 5; i++) t.raw(peer(1), [7]);
    expect(t.server.takeEvents()).toHaveLength(MAX_PENDING_EVENTS);
    expect(t.server.stats().eventsOverflowed).toBe(5);
  });
});

describe("stats", () => {
  it("counts packets in, recipients and bytes out, and refusals by reason", () => {
    const t = new TestServer();
    t.register(peer(1), "alice"); // 5+3 in, OK 3 out
    t.register(peer(2), "bob"); // 3+3 in, OK 3 out
    t.send(peer(1), { opcode: 20, message: "hey" }); // 3+3 in, 3+5+1+3 = 12 out x2
    t.send(peer(2), { opcode: 22, receiver: "alice", message: "yo" }); // fwd 3+3+1+2=9, OK 3
    t.send(peer(9), { opcode: 42 }); // not registered: ERROR "not registered" 3+14
    const [malformedReply] = t.raw(peer(9), [12, 0, 1, 0]); // free-text reason
    t.raw(peer(9), [99, 0, 0]); // unknown opcode
    expect(t.raw(peer(9), [21, 0, 0])).toEqual([]); // a server opcode: counted, never answered
    const s = t.server.stats();
    expect(s).toMatchObject({
      users: 2,
      packetsIn: 8,
      bytesIn: 8 + 6 + 6 + (3 + 5 + 1 + 2) + 3 + 4 + 3 + 3,
      registered: 2,
      broadcasts: 1,
      privates: 1,
      malformed: 1,
      refused: 3,
      refusedByReason: expect.objectContaining({
        "not-registered": 1,
        malformed: 1,
        "unknown-opcode": 1,
        "server-full": 0,
      }),
      rateLimited: 0,
      drops: {
        malformed: 1,
        "unknown-opcode": 1,
        "server-opcode": 1,
        "not-registered": 1,
        "rate-limited": 0,
        "reply-rate-limited": 0,
      },
    });
    expect(s.datagramsOut).toBe(1 + 1 + 2 + 2 + 3);
    const unknownOpcode = 3 + "unknown opcode 99".length;
    const malformed = malformedReply?.bytes.length as number;
    expect(s.bytesOut).toBe(3 + 3 + 2 * 12 + 9 + 3 + (3 + 14) + malformed + unknownOpcode);
  });

  it("counts datagrams and bytes in and out by opcode, empty datagrams apart", () => {
    const t = new TestServer();
    t.register(peer(1), "alice"); // in REGISTER 8, out OK 3
    t.register(peer(2), "bob"); // in REGISTER 6, out OK 3
    t.send(peer(1), { opcode: 20, message: "hey" }); // in 6, out BROADCAST_FWD 12 x 2
    t.raw(peer(9), []); // in: no opcode; out: ERROR "malformed packet: ..."
    t.raw(peer(9), [99, 0, 0]); // in opcode 99; out ERROR "unknown opcode 99"
    const s = t.server.stats();
    const nonZero = (counts: Float64Array) =>
      Object.fromEntries([...counts.entries()].filter(([, n]) => n > 0));
    expect(nonZero(s.datagramsInByOpcode)).toEqual({ 11: 2, 20: 1, 99: 1, 256: 1 });
    expect(nonZero(s.bytesInByOpcode)).toEqual({ 11: 14, 20: 6, 99: 3 });
    expect(nonZero(s.datagramsOutByOpcode)).toEqual({ 0: 2, 1: 2, 21: 2 });
    const errorBytes = s.bytesOut - 2 * 3 - 2 * 12;
    expect(nonZero(s.bytesOutByOpcode)).toEqual({ 0: 6, 1: errorBytes, 21: 24 });
  });

  it("returns a snapshot the caller cannot use to change the server", () => {
    const t = new TestServer();
    const s = t.server.stats();
    s.drops.malformed = 99;
    s.packetsIn = 99;
    s.datagramsInByOpcode[11] = 99;
    expect(t.server.stats().drops.malformed).toBe(0);
    expect(t.server.stats().packetsIn).toBe(0);
    expect(t.server.stats().datagramsInByOpcode[11]).toBe(0);
  });
});
