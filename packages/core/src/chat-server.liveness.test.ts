import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { error, OK, peer, seen, T0, TestServer } from "./test-support/harness.js";

describe("liveness", () => {
  it("removes a user silent for exactly userTimeoutMs (now - lastSeen >= timeout), not before", () => {
    const t = new TestServer({ listIntervalMs: 0 });
    t.register(peer(1), "alice");
    t.server.takeEvents();
    t.advance(89_999);
    expect(t.server.users()).toEqual(["alice"]);
    t.advance(1);
    expect(t.server.users()).toEqual([]);
    expect(t.server.takeEvents()).toEqual([{ type: "expired", name: "alice", endpoint: peer(1) }]);
    expect(t.server.stats().expired).toBe(1);
    expect(t.reply(peer(1), { opcode: 42 })).toEqual([error(ErrorText.NOT_REGISTERED)]);
  });

  it("is refreshed by every packet from the user, even a malformed one", () => {
    const t = new TestServer({ listIntervalMs: 0 });
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    t.now += 60_000;
    t.send(peer(1), { opcode: 40 }); // keep-alive
    t.now += 20_000;
    t.raw(peer(2), [99]);
    t.advance(10_000); // alice heard 30 s ago, bob 10 s ago, both stay
    expect(t.server.users()).toEqual(["alice", "bob"]);
    t.advance(60_000); // alice: 90 s, bob: 70 s
    expect(t.server.users()).toEqual(["bob"]);
    t.advance(19_999);
    expect(t.server.users()).toEqual(["bob"]);
    t.advance(1);
    expect(t.server.users()).toEqual([]);
  });

  it("never expires anyone with userTimeoutMs 0", () => {
    const t = new TestServer({ userTimeoutMs: 0, listIntervalMs: 0 });
    t.register(peer(1), "alice");
    t.advance(365 * 24 * 3_600_000);
    expect(t.server.users()).toEqual(["alice"]);
    expect(t.server.nextTimerAt()).toBeUndefined();
  });

  it("tells the daemon when the next expiry is due", () => {
    const t = new TestServer({ listIntervalMs: 0, rateLimit: false });
    expect(t.server.nextTimerAt()).toBeUndefined();
    t.register(peer(1), "alice");
    t.now += 5_000;
    t.register(peer(2), "bob");
    expect(t.server.nextTimerAt()).toBe(T0 + 90_000);
    t.now += 1_000;
    t.send(peer(1), { opcode: 40 });
    expect(t.server.nextTimerAt()).toBe(T0 + 5_000 + 90_000);
  });
});

describe("list push", () => {
  it("sends LIST_RESPONSE every listIntervalMs to every user as one datagram", () => {
    const t = new TestServer({ rateLimit: false }); // no limiter clean-up timers
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    expect(t.server.nextTimerAt()).toBe(T0 + 30_000);
    expect(t.advance(29_999)).toEqual([]);
    const out = t.advance(1);
    expect(out).toHaveLength(1);
    expect(out[0]?.to).toEqual([peer(1), peer(2)]);
    expect(seen(out)[0]?.packet).toEqual({ opcode: 43, names: ["alice", "bob"] });
    expect(t.advance(29_999)).toEqual([]);
    expect(t.advance(1)).toHaveLength(1);
    expect(t.server.stats().listPushes).toBe(2);
  });

  it("leaves out users who expire at the same tick", () => {
    const t = new TestServer({ listIntervalMs: 90_000 });
    t.register(peer(1), "alice");
    t.now += 1;
    t.register(peer(2), "bob");
    const out = t.advance(89_999);
    expect(seen(out)).toEqual([{ to: peer(2), packet: { opcode: 43, names: ["bob"] } }]);
  });

  it("keeps its rhythm after a stalled tick instead of bursting", () => {
    const t = new TestServer({ userTimeoutMs: 0 });
    t.register(peer(1), "alice");
    expect(t.advance(100_000)).toHaveLength(1);
    expect(t.server.nextTimerAt()).toBe(t.now + 30_000);
  });

  it("sends nothing to nobody, and nothing with listIntervalMs 0", () => {
    expect(new TestServer().advance(30_000)).toEqual([]);
    const t = new TestServer({ listIntervalMs: 0, userTimeoutMs: 0 });
    t.register(peer(1), "alice");
    expect(t.advance(300_000)).toEqual([]);
  });
});

describe("shutdown", () => {
  it("sends 'server shutting down' to every user and forgets them", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    const out = t.server.shutdown();
    expect(seen(out)).toEqual([
      { to: peer(1), packet: error(ErrorText.SHUTTING_DOWN) },
      { to: peer(2), packet: error(ErrorText.SHUTTING_DOWN) },
    ]);
    expect(out).toHaveLength(1);
    expect(t.server.users()).toEqual([]);
    expect(t.server.shutdown()).toEqual([]);
    expect(t.register(peer(2), "alice")).toEqual([OK]);
  });
});
