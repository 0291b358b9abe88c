import { describe, expect, it } from "vitest";
import { parseCommand } from "./config.js";
import { failure, run } from "./test-support/config.js";

describe("cluster mode settings", () => {
  it("is off by default: one process, no Redis", () => {
    expect(run([]).cluster).toBeUndefined();
    expect(run([]).clusterPrefix).toBe("chat:");
  });

  it("reads --cluster and --cluster-prefix, or CHAT_CLUSTER and CHAT_CLUSTER_PREFIX", () => {
    const flags = run(["--cluster", "redis://10.0.0.5:6380/2", "--cluster-prefix", "eu:"]);
    expect(flags.cluster).toBe("redis://10.0.0.5:6380/2");
    expect(flags.clusterPrefix).toBe("eu:");
    const env = run([], { CHAT_CLUSTER: "rediss://cache:6379", CHAT_CLUSTER_PREFIX: "a:" });
    expect(env.cluster).toBe("rediss://cache:6379");
    expect(env.clusterPrefix).toBe("a:");
    expect(run(["--cluster", "unix:///run/redis/redis.sock"]).cluster).toBe(
      "unix:///run/redis/redis.sock",
    );
    const sentinel = "redis+sentinel://:pw@10.0.0.5:26379,10.0.0.6:26379/chat";
    expect(run(["--cluster", sentinel]).cluster).toBe(sentinel);
  });

  it("refuses a URL that is not redis://, rediss:// or unix:///, and a prefix with spaces", () => {
    expect(failure(["--cluster", "http://x:1"])).toMatch(/^--cluster: .*redis:\/\//);
    expect(failure([], { CHAT_CLUSTER: "127.0.0.1:6379" })).toMatch(/^CHAT_CLUSTER: /);
    expect(failure(["--cluster-prefix", "my prefix"])).toMatch(/^--cluster-prefix: /);
  });

  it("lists both in --help", () => {
    const help = parseCommand(["--help"], {}, "1.2.3");
    expect(help.kind === "help" && help.text).toMatch(
      /--cluster <url>[\s\S]*CHAT_CLUSTER, default off/,
    );
    expect(help.kind === "help" && help.text).toMatch(
      /--cluster-prefix <prefix>[\s\S]*default chat:/,
    );
  });
});
