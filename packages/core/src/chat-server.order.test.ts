import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { error, peer, TestServer, to } from "./test-support/harness.js";

// docs/protocol.md#5-routing-and-errors: the first broken rule answers, in the order
// size, opcode, DATA shape, registration, receiver, message.
const alice = peer(1);
const stranger = peer(9);
const bytes = (s: string) => Array.from(Buffer.from(s, "utf8"));

function server() {
  const t = new TestServer();
  t.register(alice, "alice");
  t.register(peer(2), "bob");
  return t;
}
// The reason after "malformed packet: " is free text (docs/protocol.md#error-texts).
const malformed = () => ({ opcode: 1, text: expect.stringMatching(/^malformed packet: .+/) });
const answer = (t: TestServer, from = alice, data: number[] = []) => to(t.raw(from, data), from);

describe("order of checks", () => {
  it("size first: a short or mis-sized datagram is malformed whatever its opcode", () => {
    const t = server();
    expect(answer(t, alice, [99])).toEqual([malformed()]);
    expect(answer(t, alice, [99, 0, 5, 1])).toEqual([malformed()]);
    expect(answer(t, alice, [12, 0, 0, 0])).toEqual([malformed()]);
  });

  it("then opcode: an opcode outside the table gets `unknown opcode <n>`", () => {
    const t = server();
    for (const opcode of [2, 13, 99, 255]) {
      expect(answer(t, alice, [opcode, 0, 0])).toEqual([error(ErrorText.unknownOpcode(opcode))]);
    }
  });

  it("never answers a server-to-client opcode, whatever its size, and counts it", () => {
    const t = server();
    const datagrams = [
      [0, 0, 0],
      [1, 0, 2, 0x6f, 0x6b],
      [21, 0, 0],
      [23],
      [41, 0, 9],
      [43, 0, 0, 7],
    ];
    for (const bytes of datagrams) {
      expect(answer(t, alice, bytes)).toEqual([]);
      expect(answer(t, stranger, bytes)).toEqual([]);
    }
    expect(t.server.stats().drops["server-opcode"]).toBe(2 * datagrams.length);
    expect(t.server.stats().refused).toBe(0);
  });

  it("then DATA shape, before registration", () => {
    const t = server();
    expect(answer(t, stranger, [22, 0, 3, ...bytes("bob")])).toEqual([malformed()]);
    expect(answer(t, stranger, [42, 0, 1, 0])).toEqual([malformed()]);
  });

  it("then registration, before receiver and message", () => {
    const t = server();
    const bad = [22, 0, 5, ...bytes("a b"), 0, 0x1b];
    expect(answer(t, stranger, bad)).toEqual([error(ErrorText.NOT_REGISTERED)]);
    expect(answer(t, stranger, [42, 0, 0])).toEqual([error(ErrorText.NOT_REGISTERED)]);
  });

  it("then receiver (invalid, then unknown), before message", () => {
    const t = server();
    expect(answer(t, alice, [22, 0, 5, ...bytes("a b"), 0, 0x1b])).toEqual([
      error("username is invalid: contains whitespace"),
    ]);
    expect(answer(t, alice, [22, 0, 5, ...bytes("Zed"), 0, 0x1b])).toEqual([
      error("user not found: Zed"),
    ]);
  });

  it("then message", () => {
    const t = server();
    const [reply] = answer(t, alice, [22, 0, 5, ...bytes("bob"), 0, 0x7f]);
    expect(reply).toEqual(error("message is invalid: contains a control character (DEL)"));
  });

  it("splits PRIVATE at the first NUL, so a NUL in the message is refused", () => {
    const t = server();
    expect(answer(t, alice, [22, 0, 7, ...bytes("bob"), 0, 0x61, 0, 0x62])).toEqual([
      error("message is invalid: contains NUL"),
    ]);
  });

  it("refuses an empty, overlong or non-UTF-8 message, and takes exactly maxMessageBytes", () => {
    const t = new TestServer({ maxMessageBytes: 10 });
    t.register(alice, "alice");
    expect(t.reply(alice, { opcode: 20, message: "" })).toEqual([
      error("message is invalid: empty"),
    ]);
    expect(t.reply(alice, { opcode: 20, message: "x".repeat(11) })).toEqual([
      error("message is invalid: longer than 10 bytes"),
    ]);
    expect(answer(t, alice, [20, 0, 2, 0xc0, 0x80])).toEqual([
      error("message is invalid: not valid UTF-8"),
    ]);
    expect(t.reply(alice, { opcode: 20, message: "x".repeat(10) })).toEqual([
      { opcode: 21, sender: "alice", message: "x".repeat(10) },
    ]);
  });

  it("allows tabs, newlines and a private message to oneself", () => {
    const t = server();
    expect(t.reply(alice, { opcode: 22, receiver: "ALICE", message: "a\tb\nc" })).toEqual([
      { opcode: 23, sender: "alice", message: "a\tb\nc" },
      { opcode: 0 },
    ]);
  });
});
