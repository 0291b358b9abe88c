import { describe, expect, it } from "vitest";
import { encode } from "./encode.js";
import { ErrorText } from "./error-texts.js";
import { isProtocolError, ProtocolError } from "./errors.js";
import { MAX_DATAGRAM_BYTES, MAX_MESSAGE_BYTES_CEILING, MAX_NAME_BYTES } from "./limits.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { expectProtocolError } from "./test-support/bytes.js";
import { validate } from "./validate.js";

describe("validate applies the name and message rules to a decoded packet", () => {
  it.each<Packet>([
    { opcode: Opcode.OK },
    { opcode: Opcode.ERROR, text: "anything \u001b goes in an ERROR text" },
    { opcode: Opcode.REGISTER, name: "alice" },
    { opcode: Opcode.LOGOUT },
    { opcode: Opcode.BROADCAST, message: "hello\tworld\n" },
    { opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "hi 👋" },
    { opcode: Opcode.PRIVATE, receiver: "Zoë", message: "psst" },
    { opcode: Opcode.PRIVATE_FWD, sender: "日本", message: "こんにちは" },
    { opcode: Opcode.INFO_REQUEST },
    { opcode: Opcode.INFO_RESPONSE, text: "2026-11-26T05:40:00Z chat-server/1.0.0" },
    { opcode: Opcode.LIST_REQUEST },
    { opcode: Opcode.LIST_RESPONSE, names: ["alice", "bob"] },
    { opcode: Opcode.LIST_RESPONSE, names: [] },
  ])("accepts a valid $opcode packet", (packet) => {
    expect(() => validate(packet)).not.toThrow();
  });

  it.each<[string, Packet, string]>([
    [
      "a REGISTER name with a space",
      { opcode: Opcode.REGISTER, name: "a b" },
      "username is invalid: contains whitespace",
    ],
    ["an empty REGISTER name", { opcode: Opcode.REGISTER, name: "" }, "username is invalid: empty"],
    ["an empty BROADCAST", { opcode: Opcode.BROADCAST, message: "" }, "message is invalid: empty"],
    [
      "a PRIVATE to a receiver with a bidi override",
      { opcode: Opcode.PRIVATE, receiver: "\u202ebob", message: "hi" },
      "username is invalid: contains an invisible format character",
    ],
    [
      "a PRIVATE whose message holds a NUL",
      { opcode: Opcode.PRIVATE, receiver: "bob", message: "a\0b" },
      "message is invalid: contains NUL",
    ],
    [
      "a BROADCAST_FWD with an ESC in the message",
      { opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "\u001b[2J" },
      "message is invalid: contains ESC (terminal escape sequences are refused)",
    ],
    [
      "a PRIVATE_FWD with a 33-byte sender",
      { opcode: Opcode.PRIVATE_FWD, sender: "b".repeat(33), message: "hi" },
      "username is invalid: longer than 32 bytes",
    ],
    [
      "a LIST_RESPONSE with a name holding U+FFFD",
      { opcode: Opcode.LIST_RESPONSE, names: ["ok", "\ufffd"] },
      "username is invalid: contains U+FFFD",
    ],
  ])("refuses %s", (_what, packet, text) => {
    const code = text.startsWith("username") ? "NAME_INVALID" : "MESSAGE_INVALID";
    expectProtocolError(() => validate(packet), code, text);
  });

  it("checks the receiver before the message, as a server answers", () => {
    const packet: Packet = { opcode: Opcode.PRIVATE, receiver: "", message: "" };
    expectProtocolError(() => validate(packet), "NAME_INVALID", "username is invalid: empty");
  });

  it("uses maxMessageBytes: exactly max passes, max + 1 is refused", () => {
    const packet = (length: number): Packet => ({
      opcode: Opcode.BROADCAST,
      message: "x".repeat(length),
    });
    expect(() => validate(packet(2000), { maxMessageBytes: 2000 })).not.toThrow();
    expectProtocolError(
      () => validate(packet(2001), { maxMessageBytes: 2000 }),
      "MESSAGE_INVALID",
      "message is invalid: longer than 2000 bytes",
    );
    expectProtocolError(
      () => validate(packet(1025)),
      "MESSAGE_INVALID",
      "message is invalid: longer than 1024 bytes",
    );
  });

  it("sets the ceiling of maxMessageBytes so the longest forward still fits one datagram", () => {
    const packet: Packet = {
      opcode: Opcode.BROADCAST_FWD,
      sender: "s".repeat(MAX_NAME_BYTES),
      message: "m".repeat(MAX_MESSAGE_BYTES_CEILING),
    };
    expect(() => validate(packet, { maxMessageBytes: MAX_MESSAGE_BYTES_CEILING })).not.toThrow();
    expect(encode(packet).length).toBe(MAX_DATAGRAM_BYTES);
  });
});

describe("errors", () => {
  it("gives every error a stable code and the exact server text", () => {
    const error = new ProtocolError("NAME_INVALID", "username is invalid: empty");
    expect(isProtocolError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ProtocolError");
    expect(isProtocolError(new Error("x"))).toBe(false);
  });

  it("keeps the ERROR texts of the protocol exact", () => {
    expect(ErrorText).toMatchObject({
      NOT_REGISTERED: "not registered",
      USERNAME_TAKEN: "username is already present",
      SERVER_FULL: "server is full",
      RATE_LIMITED: "rate limited",
      TOO_MANY_FROM_ADDRESS: "too many users from this address",
      SHUTTING_DOWN: "server shutting down",
      CLUSTER_UNAVAILABLE: "cluster unavailable",
      BANNED: "banned",
      REMOVED_BY_OPERATOR: "removed by the operator",
      USERNAME_INVALID_PREFIX: "username is invalid: ",
      MESSAGE_INVALID_PREFIX: "message is invalid: ",
      MALFORMED_PREFIX: "malformed packet: ",
    });
    expect(ErrorText.alreadyRegisteredAs("bob")).toBe("already registered as bob");
    expect(ErrorText.userNotFound("bob")).toBe("user not found: bob");
    expect(ErrorText.unknownOpcode(99)).toBe("unknown opcode 99");
  });
});
