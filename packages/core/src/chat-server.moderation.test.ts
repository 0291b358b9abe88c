import { ErrorText, Opcode } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { DenyEntryError, DenyList, parseDenyEntry } from "./deny-list.js";
import { error, OK, peer, TestServer, to } from "./test-support/harness.js";

const bans = (...entries: string[]) => DenyList.parse(entries);

describe("deny list entries", () => {
  it("reads an address, a CIDR of either family and a name", () => {
    expect(parseDenyEntry(" 192.0.2.7 ")).toMatchObject({ kind: "network", text: "192.0.2.7" });
    expect(parseDenyEntry("2001:db8::/32")).toMatchObject({ kind: "network" });
    expect(parseDenyEntry("NAME: Mallory")).toMatchObject({ kind: "name", text: "name:Mallory" });
  });

  it.each(["", "192.0.2.300", "10.0.0.0/33", "name:", "mallory", "name: "])(
    "refuses %j with a reason",
    (text) => {
      expect(() => parseDenyEntry(text)).toThrow(DenyEntryError);
    },
  );

  it("matches addresses inside a network and IPv4-mapped IPv6 like IPv4", () => {
    const list = bans("10.1.0.0/16", "2001:db8::1");
    expect(list.bansAddress("10.1.200.3")).toBe(true);
    expect(list.bansAddress("::ffff:10.1.0.9")).toBe(true);
    expect(list.bansAddress("10.2.0.1")).toBe(false);
    expect(list.bansAddress("2001:db8::1")).toBe(true);
    expect(list.bansAddress("2001:db8::2")).toBe(false);
  });
});

describe("a banned address", () => {
  it("gets ERROR banned to a REGISTER, short and counted; nothing else is answered", () => {
    const t = new TestServer();
    t.server.deny(bans("198.51.0.0/24"));
    const out = t.send(peer(1), { opcode: Opcode.REGISTER, name: "alice" });
    expect(to(out, peer(1))).toEqual([error(ErrorText.BANNED)]);
    expect(out[0]?.bytes.length).toBeLessThanOrEqual(128);
    expect(t.send(peer(1), { opcode: Opcode.INFO_REQUEST })).toEqual([]);
    expect(t.send(peer(1), { opcode: Opcode.BROADCAST, message: "hi" })).toEqual([]);
    expect(t.server.stats().drops.banned).toBe(3);
    expect(t.server.users()).toEqual([]);
    // Another address is served as ever.
    expect(t.register(peer(300), "bob")).toEqual([OK]);
  });

  it("gets its banned answers through the reply limit of a nameless sender", () => {
    const t = new TestServer({ unregisteredRepliesPerSecond: 2 });
    t.server.deny(bans("198.51.0.1"));
    const answers = Array.from({ length: 20 }, () => t.register(peer(1), "alice")).flat();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.length).toBeLessThan(5);
  });

  it("removes a user already on it with ERROR banned, and unbanning lets it back", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    t.server.takeEvents();
    const out = t.server.deny(bans("198.51.0.1"));
    expect(to(out, peer(1))).toEqual([error(ErrorText.BANNED)]);
    expect(to(out, peer(2))).toEqual([]);
    expect(t.server.users()).toEqual(["bob"]);
    expect(t.server.takeEvents()).toEqual([
      { type: "removed", name: "alice", endpoint: peer(1), reason: "banned" },
    ]);
    t.server.deny(DenyList.EMPTY);
    expect(t.register(peer(1), "alice")).toEqual([OK]);
  });
});

describe("a banned name", () => {
  it("is refused in any case and in every look-alike form, from any address", () => {
    const t = new TestServer();
    t.server.deny(bans("name:Mallory"));
    expect(t.register(peer(1), "mallory")).toEqual([error(ErrorText.BANNED)]);
    expect(t.register(peer(2), "MALLORY")).toEqual([error(ErrorText.BANNED)]);
    expect(t.register(peer(3), "m\u0430llory")).toEqual([error(ErrorText.BANNED)]); // Cyrillic а
    expect(t.register(peer(4), "mallory2")).toEqual([OK]);
    expect(t.server.stats().drops.banned).toBe(3);
  });

  it("removes the user who holds it", () => {
    const t = new TestServer();
    t.register(peer(1), "Mallory");
    const out = t.server.deny(bans("name:mallory"));
    expect(to(out, peer(1))).toEqual([error(ErrorText.BANNED)]);
    expect(t.server.users()).toEqual([]);
  });
});

describe("kick", () => {
  it("removes the user named (any case) with ERROR removed by the operator; the name is free", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    t.server.takeEvents();
    const out = t.server.kick("ALICE");
    expect(to(out ?? [], peer(1))).toEqual([error(ErrorText.REMOVED_BY_OPERATOR)]);
    expect(t.server.users()).toEqual(["bob"]);
    expect(t.server.stats().removed).toBe(1);
    expect(t.server.takeEvents()).toEqual([
      { type: "removed", name: "alice", endpoint: peer(1), reason: "kicked" },
    ]);
    expect(t.register(peer(3), "alice")).toEqual([OK]);
  });

  it("answers undefined for a name nobody holds here", () => {
    expect(new TestServer().server.kick("nobody")).toBeUndefined();
  });

  it("lists members with their endpoints for the operator", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    expect(t.server.members()).toEqual([{ name: "alice", endpoint: peer(1) }]);
  });
});

describe("refusals by reason", () => {
  it("counts a full server, a per-address refusal and a taken name each under its own kind", () => {
    const t = new TestServer({ maxUsers: 2, maxUsersPerIp: 1 });
    t.register(peer(1), "alice");
    t.register(peer(2, peer(1).address), "bob"); // same address: too many from it
    t.register(peer(3), "ALICE"); // taken
    t.register(peer(4), "carol");
    t.register(peer(5), "dave"); // full
    const kinds = t.server.stats().refusedByReason;
    expect(kinds).toMatchObject({
      "too-many-from-address": 1,
      "username-taken": 1,
      "server-full": 1,
      banned: 0,
    });
    const refusals = t.server.takeEvents().filter((e) => e.type === "refused");
    expect(refusals.map((e) => e.type === "refused" && e.kind)).toEqual([
      "too-many-from-address",
      "username-taken",
      "server-full",
    ]);
  });
});

describe("deny list look-up", () => {
  it("matches every prefix length of either family at its boundary, many entries at once", () => {
    const list = bans(
      ...Array.from({ length: 500 }, (_, i) => `172.${16 + (i >> 8)}.${i & 0xff}.0/24`),
      "10.0.0.0/9",
      "203.0.113.7",
      "2001:db8:ab00::/40",
    );
    expect(list.bansAddress("172.17.243.9")).toBe(true); // entry 499
    expect(list.bansAddress("172.17.244.9")).toBe(false);
    expect(list.bansAddress("10.127.255.255")).toBe(true);
    expect(list.bansAddress("10.128.0.0")).toBe(false);
    expect(list.bansAddress("203.0.113.7")).toBe(true);
    expect(list.bansAddress("203.0.113.8")).toBe(false);
    expect(list.bansAddress("2001:db8:abff::1")).toBe(true);
    expect(list.bansAddress("2001:db8:ac00::1")).toBe(false);
    // ::/0 holds every IPv6 address, and IPv4 too, held as IPv4-mapped IPv6.
    expect(bans("::/0").bansAddress("2001:db9::1")).toBe(true);
    expect(bans("::/0").bansAddress("192.0.2.1")).toBe(true);
    expect(bans("::ffff:0:0/96").bansAddress("8.8.8.8")).toBe(true);
    expect(bans("2001:db8::/32").bansAddress("8.8.8.8")).toBe(false);
    expect(list.bansAddress("not an address")).toBe(false);
  });
});
