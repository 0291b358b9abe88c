import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { error, OK, peer, seen, T0, TestServer, to } from "./test-support/harness.js";

function withUsers(...names: string[]) {
  const t = new TestServer();
  for (const [i, name] of names.entries()) t.register(peer(i + 1), name);
  t.server.takeEvents();
  return t;
}

describe("BROADCAST", () => {
  it("forwards one datagram to every user, the sender included, with no OK", () => {
    const t = withUsers("alice", "bob", "carol");
    const out = t.send(peer(2), { opcode: 20, message: "hi all" });
    expect(out).toHaveLength(1);
    expect(out[0]?.to).toEqual([peer(1), peer(2), peer(3)]);
    expect(seen(out).map((s) => s.packet)).toEqual(
      Array(3).fill({ opcode: 21, sender: "bob", message: "hi all" }),
    );
  });

  it("refuses an endpoint with no name", () => {
    const t = withUsers("alice");
    expect(t.reply(peer(9), { opcode: 20, message: "hi" })).toEqual([
      error(ErrorText.NOT_REGISTERED),
    ]);
  });

  it("refuses an invalid message and forwards nothing", () => {
    const t = withUsers("alice", "bob");
    const out = t.send(peer(1), { opcode: 20, message: "\u001b[31mred" });
    expect(to(out, peer(2))).toEqual([]);
    expect(to(out, peer(1))).toEqual([
      error("message is invalid: contains ESC (terminal escape sequences are refused)"),
    ]);
  });
});

describe("PRIVATE", () => {
  it("forwards to the receiver, then answers OK to the sender", () => {
    const t = withUsers("alice", "bob");
    const out = seen(t.send(peer(1), { opcode: 22, receiver: "BOB", message: "psst" }));
    expect(out).toEqual([
      { to: peer(2), packet: { opcode: 23, sender: "alice", message: "psst" } },
      { to: peer(1), packet: OK },
    ]);
  });

  it("answers 'user not found: <name as sent>' for an unknown receiver", () => {
    const t = withUsers("alice");
    expect(t.reply(peer(1), { opcode: 22, receiver: "Zed", message: "x" })).toEqual([
      error("user not found: Zed"),
    ]);
  });
});

describe("INFO, LIST and LOGOUT", () => {
  it("answers INFO_REQUEST from anyone with the UTC date and server/version", () => {
    const t = new TestServer({ version: "1.0.0" });
    expect(t.reply(peer(1), { opcode: 40 })).toEqual([
      { opcode: 41, text: "2026-11-26T05:40:00Z chat-server/1.0.0" },
    ]);
    t.now = T0 + 1_999;
    expect(t.reply(peer(1), { opcode: 40 })).toEqual([
      { opcode: 41, text: "2026-11-26T05:40:01Z chat-server/1.0.0" },
    ]);
  });

  it("answers LIST_REQUEST with every name, oldest first", () => {
    const t = withUsers("carol", "alice", "bob");
    expect(t.reply(peer(2), { opcode: 42 })).toEqual([
      { opcode: 43, names: ["carol", "alice", "bob"] },
    ]);
  });

  it("answers LOGOUT with OK, registered or not, and frees the name", () => {
    const t = withUsers("alice");
    expect(t.reply(peer(1), { opcode: 12 })).toEqual([OK]);
    expect(t.reply(peer(1), { opcode: 12 })).toEqual([OK]);
    expect(t.server.users()).toEqual([]);
    expect(t.server.takeEvents()).toEqual([{ type: "left", name: "alice", endpoint: peer(1) }]);
    expect(t.register(peer(2), "alice")).toEqual([OK]);
  });
});
