import { describe, expect, it } from "vitest";
import { decode } from "./decode.js";
import { encode } from "./encode.js";
import { isProtocolError, ProtocolError } from "./errors.js";
import { encodeFrame } from "./frame.js";
import { MAX_DATA_BYTES, MAX_DATAGRAM_BYTES } from "./limits.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { expectEncodeError, toHex } from "./test-support/bytes.js";

describe("encode refuses what decode could not give back", () => {
  it("encodes DATA of exactly 65,504 bytes into a 65,507-byte datagram", () => {
    const bytes = encode({ opcode: Opcode.BROADCAST, message: "a".repeat(MAX_DATA_BYTES) });
    expect(bytes.length).toBe(MAX_DATAGRAM_BYTES);
    expect(toHex(bytes.subarray(0, 3))).toBe("14ffe0");
  });

  it("refuses DATA over 65,504 bytes, counted in UTF-8 bytes", () => {
    expectEncodeError(
      () => encode({ opcode: Opcode.BROADCAST, message: "a".repeat(MAX_DATA_BYTES + 1) }),
      "TOO_LARGE",
      "cannot encode: DATA of 65505 bytes is larger than 65504",
    );
    // 21,836 euro signs are 65,508 bytes but only 21,836 UTF-16 code units.
    expectEncodeError(
      () => encode({ opcode: Opcode.ERROR, text: "€".repeat(21_836) }),
      "TOO_LARGE",
      "cannot encode: DATA of 65508 bytes is larger than 65504",
    );
  });

  it("counts the separator: sender + NUL + message must fit 65,504 bytes", () => {
    const fits = encode({ opcode: Opcode.BROADCAST_FWD, sender: "a", message: "b".repeat(65_502) });
    expect(fits.length).toBe(MAX_DATAGRAM_BYTES);
    expectEncodeError(
      () => encode({ opcode: Opcode.BROADCAST_FWD, sender: "a", message: "b".repeat(65_503) }),
      "TOO_LARGE",
      /^cannot encode: DATA of 65505 bytes/,
    );
  });

  it.each<[string, Packet]>([
    ["sender of BROADCAST_FWD", { opcode: Opcode.BROADCAST_FWD, sender: "a\0b", message: "m" }],
    ["sender of PRIVATE_FWD", { opcode: Opcode.PRIVATE_FWD, sender: "\0", message: "m" }],
    ["receiver of PRIVATE", { opcode: Opcode.PRIVATE, receiver: "bob\0", message: "m" }],
    ["list entry 1", { opcode: Opcode.LIST_RESPONSE, names: ["ann", "b\0b"] }],
  ])("refuses a NUL inside the %s", (what, packet) => {
    expectEncodeError(
      () => encode(packet),
      "FIELD_CONTAINS_NUL",
      `cannot encode: ${what.split(" of ")[0]} contains NUL`,
    );
  });

  it("refuses an empty list entry", () => {
    expectEncodeError(
      () => encode({ opcode: Opcode.LIST_RESPONSE, names: ["ann", ""] }),
      "EMPTY_LIST_ENTRY",
      "cannot encode: list entry 1 is empty",
    );
  });

  it.each<[string, Packet]>([
    ["text", { opcode: Opcode.ERROR, text: "bad \uD800" }],
    ["text", { opcode: Opcode.INFO_RESPONSE, text: "\uDC00" }],
    ["name", { opcode: Opcode.REGISTER, name: "a\uDBFF" }],
    ["message", { opcode: Opcode.BROADCAST, message: "\uDE00x" }],
    ["receiver", { opcode: Opcode.PRIVATE, receiver: "\uD83D", message: "m" }],
    ["message", { opcode: Opcode.PRIVATE, receiver: "bob", message: "\uD83D" }],
    ["sender", { opcode: Opcode.BROADCAST_FWD, sender: "\uD83D", message: "m" }],
    ["message", { opcode: Opcode.PRIVATE_FWD, sender: "bob", message: "x\uDFFF" }],
    ["list entry 0", { opcode: Opcode.LIST_RESPONSE, names: ["\uD800"] }],
  ])("refuses a lone surrogate in the %s", (what, packet) => {
    expectEncodeError(
      () => encode(packet),
      "LONE_SURROGATE",
      `cannot encode: ${what} has a lone surrogate`,
    );
  });

  it("throws EncodeError, never the ProtocolError whose text a server would send", () => {
    const error = expectEncodeError(
      () => encode({ opcode: Opcode.PRIVATE, receiver: "a\0b", message: "m" }),
      "FIELD_CONTAINS_NUL",
      "cannot encode: receiver contains NUL",
    );
    expect(error).not.toBeInstanceOf(ProtocolError);
    expect(isProtocolError(error)).toBe(false);
    expect(error.name).toBe("EncodeError");
  });

  it("encodes a surrogate pair (an emoji) as one 4-byte sequence", () => {
    expect(toHex(encode({ opcode: Opcode.BROADCAST, message: "\uD83D\uDE00" }))).toBe(
      "140004f09f9880",
    );
  });

  it("carries a NUL inside a message, which decode gives back after the first NUL", () => {
    const packet: Packet = { opcode: Opcode.PRIVATE, receiver: "bob", message: "a\0b" };
    expect(decode(encode(packet))).toEqual(packet);
  });

  it("refuses an opcode that is not in the protocol", () => {
    const packet = { opcode: 99 } as unknown as Packet;
    expectEncodeError(() => encode(packet), "UNKNOWN_OPCODE", "cannot encode: unknown opcode 99");
  });
});

describe("encodeFrame", () => {
  it("joins the parts with one NUL each and writes LENGTH big-endian", () => {
    const bytes = encodeFrame(Opcode.LIST_RESPONSE, [
      Buffer.from("a"),
      Buffer.from("bc"),
      Buffer.from("d"),
    ]);
    expect(toHex(bytes)).toBe("2b0006610062630064");
  });

  it("writes an empty DATA for no parts or no argument", () => {
    expect(toHex(encodeFrame(Opcode.OK, []))).toBe("000000");
    expect(toHex(encodeFrame(Opcode.LOGOUT))).toBe("0c0000");
  });

  it("accepts any byte as opcode, so that tests can craft unknown ones", () => {
    expect(toHex(encodeFrame(99, [Buffer.from("x")]))).toBe("63000178");
  });

  it.each([256, -1, 1.5, Number.NaN])(
    "refuses %s, which does not fit the OPCODE byte",
    (opcode) => {
      expectEncodeError(
        () => encodeFrame(opcode, []),
        "UNKNOWN_OPCODE",
        `cannot encode: opcode ${opcode} does not fit one byte`,
      );
    },
  );

  it("refuses DATA over 65,504 bytes, separators included", () => {
    const first = new Uint8Array(32_752);
    const second = new Uint8Array(32_751);
    // 32,752 + NUL + 32,751 = 65,504 bytes of DATA: the largest datagram.
    expect(encodeFrame(Opcode.BROADCAST, [first, second]).length).toBe(MAX_DATAGRAM_BYTES);
    // One more (empty) part adds one more NUL.
    expectEncodeError(
      () => encodeFrame(Opcode.BROADCAST, [first, second, new Uint8Array(0)]),
      "TOO_LARGE",
      "cannot encode: DATA of 65505 bytes is larger than 65504",
    );
  });
});
