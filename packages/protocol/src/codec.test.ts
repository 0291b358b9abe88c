import { describe, expect, it } from "vitest";
import { decode } from "./decode.js";
import { encode } from "./encode.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { fromHex, toHex } from "./test-support/bytes.js";

/*
 * Byte-exact vectors for every opcode. The hex is written out by hand as
 * OPCODE | LENGTH (big-endian) | DATA, so a change of byte order, separator or opcode
 * number breaks these tests.
 */
const vectors: Array<[title: string, hex: string, packet: Packet]> = [
  ["OK (0) has an empty DATA", "00 | 0000", { opcode: Opcode.OK }],
  [
    "ERROR (1) carries its text",
    "01 | 0013 | 75736572206e6f7420666f756e643a20626f62",
    { opcode: Opcode.ERROR, text: "user not found: bob" },
  ],
  ["ERROR (1) may carry an empty text", "01 | 0000", { opcode: Opcode.ERROR, text: "" }],
  [
    "REGISTER (11) carries the username",
    "0b | 0005 | 616c696365",
    { opcode: Opcode.REGISTER, name: "alice" },
  ],
  [
    "REGISTER (11) counts LENGTH in UTF-8 bytes",
    "0b | 0005 | 4a6f73c3a9",
    { opcode: Opcode.REGISTER, name: "José" },
  ],
  ["LOGOUT (12) has an empty DATA", "0c | 0000", { opcode: Opcode.LOGOUT }],
  [
    "BROADCAST (20) carries the message",
    "14 | 0002 | 6869",
    { opcode: Opcode.BROADCAST, message: "hi" },
  ],
  [
    "BROADCAST (20) carries multi-byte text and emoji",
    "14 | 000b | 68c3a96c6c6f20f09f918b",
    { opcode: Opcode.BROADCAST, message: "héllo 👋" },
  ],
  [
    "BROADCAST_FWD (21) is sender NUL message",
    "15 | 0006 | 626f62 00 6869",
    { opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "hi" },
  ],
  [
    "PRIVATE (22) is receiver NUL message",
    "16 | 0007 | 626f62 00 686579",
    { opcode: Opcode.PRIVATE, receiver: "bob", message: "hey" },
  ],
  [
    "PRIVATE (22) with a multi-byte receiver and an emoji message",
    "16 | 000b | e697a5e69cac 00 f09f9880",
    { opcode: Opcode.PRIVATE, receiver: "日本", message: "😀" },
  ],
  [
    "PRIVATE_FWD (23) is sender NUL message",
    "17 | 0009 | 616c696365 00 686579",
    { opcode: Opcode.PRIVATE_FWD, sender: "alice", message: "hey" },
  ],
  ["INFO_REQUEST (40) has an empty DATA", "28 | 0000", { opcode: Opcode.INFO_REQUEST }],
  [
    "INFO_RESPONSE (41) carries date and version",
    "29 | 0026 | 323032362d31312d32365430353a34303a30305a20636861742d7365727665722f312e302e30",
    { opcode: Opcode.INFO_RESPONSE, text: "2026-11-26T05:40:00Z chat-server/1.0.0" },
  ],
  ["LIST_REQUEST (42) has an empty DATA", "2a | 0000", { opcode: Opcode.LIST_REQUEST }],
  [
    "LIST_RESPONSE (43) joins names with NUL and has no trailing NUL",
    "2b | 0011 | 616c696365 00 626f62 00 5a6fc3ab 00 4a6f",
    { opcode: Opcode.LIST_RESPONSE, names: ["alice", "bob", "Zoë", "Jo"] },
  ],
  [
    "LIST_RESPONSE (43) with one name",
    "2b | 0005 | 6361726f6c",
    { opcode: Opcode.LIST_RESPONSE, names: ["carol"] },
  ],
  [
    "LIST_RESPONSE (43) with no names is LENGTH 0",
    "2b | 0000",
    { opcode: Opcode.LIST_RESPONSE, names: [] },
  ],
];

describe("byte-exact vectors", () => {
  it.each(vectors)("%s: encode gives the bytes", (_title, hex, packet) => {
    expect(toHex(encode(packet))).toBe(toHex(fromHex(hex)));
  });

  it.each(vectors)("%s: decode gives the packet", (_title, hex, packet) => {
    expect(decode(fromHex(hex))).toEqual(packet);
  });

  it("covers every opcode of the protocol", () => {
    const covered = new Set(vectors.map(([, , packet]) => packet.opcode));
    expect([...covered].sort((a, b) => a - b)).toEqual(Object.values(Opcode).sort((a, b) => a - b));
  });

  it("writes LENGTH big-endian: 300 bytes of DATA is 01 2c", () => {
    const bytes = encode({ opcode: Opcode.BROADCAST, message: "x".repeat(300) });
    expect(toHex(bytes.subarray(0, 3))).toBe("14012c");
    expect(bytes.length).toBe(303);
  });

  it("keeps a leading byte-order mark in text instead of stripping it", () => {
    const bytes = fromHex("14 | 0004 | efbbbf 41");
    expect(decode(bytes)).toEqual({ opcode: Opcode.BROADCAST, message: "\uFEFFA" });
    expect(toHex(encode({ opcode: Opcode.BROADCAST, message: "\uFEFFA" }))).toBe("140004efbbbf41");
  });
});
