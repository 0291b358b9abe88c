import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import shared from "../../vitest.shared.js";

/*
 * Every test runs on the default transport (auto: the native addon where it is built). The
 * "dgram" project runs again on node:dgram, the fallback, only the files whose traffic goes
 * through what differs between the two links: the receive and send paths (serving: fan-out,
 * list pushes, the shutdown notice, IPv6 and dual stack; flood: a 10,000/s burst in and rate
 * limit notices out), the send counters (metrics) and binding the same port again after a
 * crash (vanished). The rest (flags, logs, text and name rules, per-IP limits, limiter state,
 * tools) is above the link and the same on both. transport and send-failures choose their
 * transports themselves; native-memory and garbage are about the addon's own buffers.
 */
const DGRAM_FILES = [
  "src/serving.int.test.ts",
  "src/metrics.int.test.ts",
  "src/attacks/vanished.int.test.ts",
  "src/attacks/flood.heavy.int.test.ts",
];

/*
 * The churn attack keeps both cores busy (its sender and the daemon) and is the longest of
 * the heavy files: it runs last, when the integration files of other packages beside it
 * have mostly finished, rather than first (vitest's own order: longest first).
 */
class ChurnLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (file: TestSpecification) => (file.moduleId.includes("/churn.") ? 1 : 0);
    return (await super.sort(files)).sort((a, b) => last(a) - last(b));
  }
}

// Each project spells out the shared settings (`extends: true` would add DGRAM_FILES to the
// shared include rather than replace it).
export default defineConfig({
  test: {
    sequence: { sequencer: ChurnLast },
    projects: [
      { test: { ...shared.test, name: "default" } },
      {
        test: {
          ...shared.test,
          name: "dgram",
          include: DGRAM_FILES,
          env: { CHAT_TEST_TRANSPORT: "dgram" },
        },
      },
    ],
  },
});
