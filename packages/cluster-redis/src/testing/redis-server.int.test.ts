import { describe, expect, it } from "vitest";
import { startRedis } from "./redis-server.js";

describe("startRedis", () => {
  it("starts a private redis-server, counts its commands, restarts it empty and stops it", async () => {
    const redis = await startRedis();
    try {
      // An INFO is counted once it has run: the second sees the first.
      expect((await redis.commandStats()).info).toBeUndefined();
      expect((await redis.commandStats()).info).toBe(1);
      await redis.configSet("client-output-buffer-limit", "pubsub 64kb 32kb 1");
      await expect(redis.configSet("no-such-setting", "1")).rejects.toThrow(/CONFIG SET/);
      await redis.restart();
      expect((await redis.commandStats()).info).toBeUndefined();
    } finally {
      await redis.stop();
    }
    await expect(redis.commandStats()).rejects.toThrow();
  });
});
