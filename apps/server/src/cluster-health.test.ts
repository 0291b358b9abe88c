import { describe, expect, it } from "vitest";
import { ClusterHealthLog, REPEAT_MS } from "./cluster-health.js";
import { createLogger } from "./logger.js";

function harness() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (text: string) => lines.push(JSON.parse(text)) };
  const logger = createLogger({ level: "info", pretty: false, destination });
  let now = 1_000_000;
  const log = new ClusterHealthLog(logger, "redis://:***@h:6379", () => now);
  return { lines, log, advance: (ms: number) => (now += ms) };
}

describe("ClusterHealthLog", () => {
  it("logs the reason at once, then again only every REPEAT_MS while it lasts", () => {
    const { lines, log, advance } = harness();
    log.error("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6379");
    for (let i = 0; i < 100; i++) {
      advance(500); // ioredis retries every 0.5 s
      log.error("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6379");
    }
    // 50 s of errors: the first line and one repeat at 30 s.
    expect(lines.map((line) => line.msg)).toEqual([
      "cluster Redis unreachable",
      "cluster Redis unreachable",
    ]);
    expect(lines[0]).toMatchObject({
      level: 40,
      reason: expect.stringMatching(/^ECONNREFUSED/),
      forSeconds: 0,
      errors: 1,
    });
    expect(lines[1]).toMatchObject({ forSeconds: REPEAT_MS / 1000, errors: 61 });
  });

  it("logs a new reason at once, and Redis back once", () => {
    const { lines, log, advance } = harness();
    log.error("ECONNREFUSED: x");
    advance(2000);
    log.error("WRONGPASS: invalid username-password pair");
    advance(2000);
    log.ready();
    log.ready();
    expect(lines.map((line) => [line.msg, line.reason])).toEqual([
      ["cluster Redis unreachable", "ECONNREFUSED: x"],
      ["cluster Redis unreachable", "WRONGPASS: invalid username-password pair"],
      ["cluster Redis reachable again", undefined],
    ]);
    expect(lines[2]).toMatchObject({ afterSeconds: 4, errors: 2 });
    expect(log.reason).toBeUndefined();
  });
});
