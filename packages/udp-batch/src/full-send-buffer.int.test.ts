import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { skipWithoutAddon } from "./test-support.js";

const CHILD = fileURLToPath(new URL("./full-send-buffer.child.mjs", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/**
 * A real full send buffer needs a link slower than the sender, and loopback never is:
 * the kernel hands a loopback datagram over at once and frees its buffer space. So the
 * child slows the loopback of a network namespace of its own, which takes root (or
 * CAP_SYS_ADMIN), Linux and iproute2's `tc`; .ci/run runs as root and installs iproute2.
 * Elsewhere there is no way to make the kernel say EAGAIN, and the test is skipped.
 */
const canSlowLoopback =
  process.platform === "linux" &&
  spawnSync("unshare", ["-n", "tc", "qdisc", "show", "dev", "lo"]).status === 0;

describe.skipIf(skipWithoutAddon || !canSlowLoopback)("a send buffer the kernel fills", () => {
  it("waits for the socket on EAGAIN, counts the waits, and delivers every datagram in order", () => {
    const count = 300;
    const output = execFileSync(
      "unshare",
      ["-n", process.execPath, CHILD, BUILT, String(count), "1000"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    const outcome = JSON.parse(output) as {
      queuedAfterFirstFlush: number;
      received: number;
      inOrder: boolean;
      counters: { sends: number; errors: number; waits: Record<string, number> };
      errors: string[];
    };
    // The first sendmmsg stopped at a full buffer: the rest waited in the queue...
    expect(outcome.queuedAfterFirstFlush).toBeGreaterThan(0);
    expect(outcome.counters.waits.EAGAIN).toBeGreaterThan(0);
    // ...and went out, nothing lost, nothing counted as failed, nothing overtaken.
    expect(outcome.counters.sends).toBe(count);
    expect(outcome.counters.errors).toBe(0);
    expect(outcome.errors).toEqual([]);
    expect(outcome.received).toBe(count);
    expect(outcome.inOrder).toBe(true);
  }, 40_000);
});
