import { decode, MAX_DATA_BYTES } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { OK, peer, TestServer } from "./test-support/harness.js";
import type { Endpoint } from "./types.js";

const USERS = 10_000;

describe("10,000 users", () => {
  // Default settings: every user on its own address, as a real crowd would be.
  const t = new TestServer({ listIntervalMs: 30_000 });
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < USERS; i++) {
    const endpoint = peer(i + 1);
    endpoints.push(endpoint);
    // 20-byte names: 10,000 * 21 - 1 bytes of list need four packets.
    const reply = t.register(endpoint, `user-${String(i).padStart(15, "0")}`);
    if (reply[0]?.opcode !== OK.opcode)
      throw new Error(`user ${i} refused: ${JSON.stringify(reply)}`);
  }

  it("registers all of them", () => {
    expect(t.server.takeEvents().filter((e) => e.type === "joined")).toHaveLength(USERS);
    expect(t.server.stats().users).toBe(USERS);
    expect(t.server.users()).toHaveLength(USERS);
    expect(t.server.users()[USERS - 1]).toBe("user-000000000009999");
  });

  it("forwards a broadcast as ONE datagram with 10,000 recipients", () => {
    const before = t.server.stats();
    const out = t.send(endpoints[4_321] as Endpoint, { opcode: 20, message: "hello crowd" });
    expect(out).toHaveLength(1);
    expect(out[0]?.to).toHaveLength(USERS);
    expect(new Set(out[0]?.to).size).toBe(USERS);
    expect(decode(out[0]?.bytes as Uint8Array)).toEqual({
      opcode: 21,
      sender: "user-000000000004321",
      message: "hello crowd",
    });
    const after = t.server.stats();
    expect(after.datagramsOut - before.datagramsOut).toBe(USERS);
    expect(after.bytesOut - before.bytesOut).toBe(USERS * (out[0]?.bytes.length as number));
  });

  it("returns the same recipients array until membership changes", () => {
    const a = t.send(endpoints[0] as Endpoint, { opcode: 20, message: "1" });
    const b = t.send(endpoints[1] as Endpoint, { opcode: 20, message: "2" });
    expect(a[0]?.to).toBe(b[0]?.to);
  });

  it("pushes the list split into whole-name packets under 65,504 bytes of DATA", () => {
    const out = t.advance(30_000);
    expect(out).toHaveLength(Math.ceil((USERS * 21 - 1) / MAX_DATA_BYTES));
    const names: string[] = [];
    for (const datagram of out) {
      expect(datagram.bytes.length - 3).toBeLessThanOrEqual(MAX_DATA_BYTES);
      expect(datagram.to).toHaveLength(USERS);
      const packet = decode(datagram.bytes);
      if (packet.opcode !== 43) throw new Error("expected LIST_RESPONSE");
      names.push(...packet.names);
    }
    expect(names).toEqual(t.server.users());
  });

  it("expires all of them in one tick once silent", () => {
    t.advance(90_000);
    expect(t.server.stats().users).toBe(0);
    expect(t.server.takeEvents().filter((e) => e.type === "expired")).toHaveLength(USERS);
  });
});
