import { describe, expect, it } from "vitest";
import { startSentinels } from "./sentinel.js";

describe("startSentinels", () => {
  it("starts a master, a replica and three sentinels that promote the replica when the master dies", async () => {
    const group = await startSentinels();
    try {
      expect(group.url).toMatch(
        /^redis\+sentinel:\/\/(127\.0\.0\.1:\d+,){2}127\.0\.0\.1:\d+\/chat$/,
      );
      const before = await group.masterPort();
      expect(await group.killMaster()).toBe(before);
      const deadline = Date.now() + 15_000;
      while ((await group.masterPort()) === before) {
        expect(Date.now(), "no failover within 15 s").toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await group.commandStats()).info).toBeGreaterThanOrEqual(1);
    } finally {
      await group.stop();
    }
  });
});
