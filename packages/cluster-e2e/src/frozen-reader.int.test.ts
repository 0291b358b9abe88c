import { describe, expect, it } from "vitest";
import { eventually, listOf } from "./test-support/daemons.js";
import { twoNodesPerTest } from "./test-support/two-nodes.js";

/*
 * A node that stops reading for a while (frozen here by SIGSTOP, for less than its lease)
 * while another node's user broadcasts. On pub/sub, Redis cut such a subscriber off at its
 * output-buffer limit and what it had not read was lost; on the stream bus the node reads
 * on from the last entry it took when it runs again. The pub/sub limit is set to 1 KB to
 * show that nothing depends on it any more.
 */

const cluster = twoNodesPerTest({
  nodeArgs: ["--no-rate-limit"],
  configure: (redis) => redis.configSet("client-output-buffer-limit", "pubsub 1kb 1kb 1"),
});
const { user } = cluster;

describe("a node frozen for 1.5 s while another node's user broadcasts", () => {
  it("delivers all 12 broadcasts of 1 KB to its users, in order, once, after it resumes", async () => {
    const reader = await user(cluster.a, "reader");
    const sender = await user(cluster.b, "sender");
    await eventually(async () => (await listOf(reader))?.length === 2, 5000, "both listed");
    const received: string[] = [];
    const stop = reader.onPacket((p) => {
      if (p.opcode === 21) received.push(p.message);
    });
    try {
      cluster.a.process.kill("SIGSTOP");
      const frozenAt = Date.now();
      const sent = Array.from({ length: 12 }, (_, i) => `${i}`.padStart(3, "0") + "x".repeat(997));
      // The sender sees its own copies come back through the bus: all 12 are on it.
      const echoed: string[] = [];
      const stopEcho = sender.onPacket((p) => {
        if (p.opcode === 21) echoed.push(p.message);
      });
      for (const message of sent) sender.send({ opcode: 20, message });
      await eventually(async () => echoed.length === 12, 5000, "the sender's own 12 copies");
      stopEcho();
      expect(echoed).toEqual(sent);
      const left = 1500 - (Date.now() - frozenAt);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left)); // the freeze itself
      cluster.a.process.kill("SIGCONT");
      await eventually(async () => received.length >= 12, 10_000, "all 12 at the frozen node");
      // One more, so that a late duplicate would show.
      sender.send({ opcode: 20, message: "after" });
      await eventually(async () => received.at(-1) === "after", 5000, "the marker");
      expect(received).toEqual([...sent, "after"]);
    } finally {
      stop();
    }
  });
});
