import { ChatServer, type Endpoint } from "@chat/core";
import { encode, Opcode } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { CoreModel, InvariantError } from "./core-model.js";
import { coreTargets } from "./core-target.js";

// The short CI version; `pnpm fuzz` runs the same property FUZZ_RUNS times.
const numRuns = Number(process.env.FUZZ_TEST_RUNS ?? 300);

describe("core fuzz (short run)", () => {
  for (const [name, target] of Object.entries(coreTargets)) {
    // Seconds alone; minutes on a loaded 2-core CI machine, which must not fail it.
    it(name, { timeout: 180_000 }, () => {
      const verdict = target({ numRuns });
      expect(verdict.failed, verdict.report).toBe(false);
    });
  }

  it("the model notices a user expired before its time", () => {
    // A faulty server whose clock runs 5 s ahead when it expires users.
    class EagerServer extends ChatServer {
      override tick(now: number) {
        return super.tick(now + 5_000);
      }
    }
    const model = new CoreModel(
      new EagerServer({ userTimeoutMs: 10_000, listIntervalMs: 0 }),
      true,
    );
    const alice = { address: "192.0.2.1", port: 1, group: "192.0.2.1" };
    model.receive(encode({ opcode: Opcode.REGISTER, name: "alice" }), alice, 0);
    expect(() => model.tick(5_000)).toThrow(/expired 5000 ms after last heard/);
  });

  it("the model notices a broadcast forwarded twice to one user", () => {
    class EchoingServer extends ChatServer {
      override receive(bytes: Uint8Array, from: Endpoint, now: number) {
        const out = super.receive(bytes, from, now);
        return out.map((d) =>
          d.bytes[0] === Opcode.BROADCAST_FWD ? { ...d, to: [...d.to, ...d.to] } : d,
        );
      }
    }
    const model = new CoreModel(new EchoingServer({ listIntervalMs: 0 }), true);
    const alice = { address: "192.0.2.1", port: 1, group: "192.0.2.1" };
    model.receive(encode({ opcode: Opcode.REGISTER, name: "alice" }), alice, 0);
    const hello = encode({ opcode: Opcode.BROADCAST, message: "hello" });
    expect(() => model.receive(hello, alice, 1)).toThrow(InvariantError);
  });
});
