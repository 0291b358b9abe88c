import { decode, MAX_UNREGISTERED_REPLY_BYTES } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { smallErrorPacket, truncateUtf8 } from "./replies.js";

describe("replies to nameless endpoints", () => {
  it("keep a short ERROR whole", () => {
    expect(decode(smallErrorPacket("not registered"))).toEqual({
      opcode: 1,
      text: "not registered",
    });
  });

  it("cut a long ERROR to 128 bytes at a character boundary", () => {
    // 1 ASCII byte then 3-byte characters: byte 125 falls inside a character.
    const text = `x${"€".repeat(60)}`;
    const packet = smallErrorPacket(text);
    expect(packet.length).toBeLessThanOrEqual(MAX_UNREGISTERED_REPLY_BYTES);
    const decoded = decode(packet);
    expect(decoded).toEqual({ opcode: 1, text: `x${"€".repeat(41)}` });
    expect(packet.length).toBe(3 + 1 + 41 * 3);
  });

  it("truncateUtf8 never splits a 4-byte character", () => {
    const bytes = new TextEncoder().encode("😀😀");
    for (let max = 0; max <= 8; max++) {
      const cut = truncateUtf8(bytes, max);
      expect(cut.length).toBe(Math.floor(max / 4) * 4);
    }
  });
});
