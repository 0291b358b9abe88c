import { decode, MAX_DATA_BYTES } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { buildListPackets } from "./list-cache.js";

const name = (i: number, bytes: number) => i.toString().padStart(bytes, "n");
const encodeAll = (names: string[]) => names.map((n) => new TextEncoder().encode(n));
const namesIn = (packet: Uint8Array) => {
  const p = decode(packet);
  if (p.opcode !== 43) throw new Error("not a LIST_RESPONSE");
  return p.names;
};

describe("buildListPackets", () => {
  it("is one empty packet for no users", () => {
    expect(buildListPackets([]).map(namesIn)).toEqual([[]]);
  });

  // 1,985 names of 32 bytes joined by NUL are 1985 * 33 - 1 = 65,504 bytes: exactly the limit.
  it("fits DATA of exactly 65,504 bytes in one packet", () => {
    const names = Array.from({ length: 1985 }, (_, i) => name(i, 32));
    const packets = buildListPackets(encodeAll(names));
    expect(packets).toHaveLength(1);
    expect(packets[0]?.length).toBe(3 + MAX_DATA_BYTES);
    expect(namesIn(packets[0] as Uint8Array)).toEqual(names);
  });

  it("splits at one byte over, keeping whole names in order", () => {
    const names = Array.from({ length: 1985 }, (_, i) => name(i, 32));
    names.push("z"); // 65,504 + NUL + 1 byte
    const packets = buildListPackets(encodeAll(names));
    expect(packets).toHaveLength(2);
    expect(namesIn(packets[0] as Uint8Array)).toEqual(names.slice(0, 1985));
    expect(namesIn(packets[1] as Uint8Array)).toEqual(["z"]);
  });

  it("splits many names of mixed lengths into packets under the limit", () => {
    const names = Array.from({ length: 10_000 }, (_, i) => name(i, 1 + (i % 32)));
    const packets = buildListPackets(encodeAll(names));
    for (const p of packets) expect(p.length).toBeLessThanOrEqual(3 + MAX_DATA_BYTES);
    expect(packets.flatMap(namesIn)).toEqual(names);
    // Greedy packing: each packet but the last could not take the next name.
    expect(packets.length).toBeGreaterThan(1);
  });

  it("honours a smaller DATA ceiling exactly", () => {
    const packets = buildListPackets(encodeAll(["aa", "bb", "cc"]), 5);
    expect(packets.map(namesIn)).toEqual([["aa", "bb"], ["cc"]]);
  });
});
