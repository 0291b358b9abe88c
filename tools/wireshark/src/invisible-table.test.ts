import { readFileSync } from "node:fs";
import { isInvisible } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { DISSECTOR } from "./tshark.js";

/** The INVISIBLE ranges written in chat-udp.lua. */
function luaInvisibleRanges(): Array<[number, number]> {
  const lua = readFileSync(DISSECTOR, "utf8");
  const table = /local INVISIBLE = \{([\s\S]*?)\n\}/.exec(lua)?.[1];
  if (table === undefined) throw new Error("chat-udp.lua has no INVISIBLE table");
  return [...table.matchAll(/\{ (0x[0-9A-F]+), (0x[0-9A-F]+) \}/g)].map(
    (match) => [Number(match[1]), Number(match[2])] as [number, number],
  );
}

describe("the dissector's list of characters that draw nothing", () => {
  it("is the protocol's, code point for code point (Default_Ignorable_Code_Point and the blanks)", () => {
    const ranges = luaInvisibleRanges();
    expect(ranges.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const inLua = ranges.some(([first, last]) => codePoint >= first && codePoint <= last);
      if (inLua !== isInvisible(codePoint)) wrong.push(codePoint.toString(16));
    }
    expect(wrong).toEqual([]);
  });
});
