import { decode } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { codecTargets, onlyProtocolErrors } from "./codec-target.js";

// The short CI version; `pnpm fuzz` runs the same properties FUZZ_RUNS times.
const numRuns = Number(process.env.FUZZ_TEST_RUNS ?? 2_000);

describe("codec fuzz (short run)", () => {
  for (const [name, target] of Object.entries(codecTargets)) {
    it(name, () => {
      const verdict = target({ numRuns });
      expect(verdict.failed, verdict.report).toBe(false);
    });
  }

  it("the harness treats anything but ProtocolError as a failure", () => {
    expect(() => onlyProtocolErrors(() => decode(null as unknown as Uint8Array))).toThrow(
      TypeError,
    );
  });
});
