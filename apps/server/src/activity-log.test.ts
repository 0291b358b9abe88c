import type { CoreEvent } from "@chat/core";
import { describe, expect, it } from "vitest";
import { ActivityLog } from "./activity-log.js";
import { createLogger } from "./logger.js";
import type { LogLevel } from "./options.js";

function logTo(level: LogLevel = "info") {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level,
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { log: new ActivityLog(logger, { linesPerWindow: 2, windowMs: 1000 }), lines };
}

const endpoint = { address: "192.0.2.7", port: 4000 };
const malformed: CoreEvent = {
  type: "refused",
  endpoint,
  reason: "malformed packet: truncated",
  kind: "malformed",
  code: "TRUNCATED",
};

describe("ActivityLog", () => {
  it("logs joins, leaves and expiries at info, one line each", () => {
    const { log, lines } = logTo();
    log.events(
      [
        { type: "joined", name: "alice", endpoint },
        { type: "left", name: "alice", endpoint },
        { type: "expired", name: "bob", endpoint },
      ],
      0,
    );
    expect(lines.map((line) => [line.level, line.msg, line.name])).toEqual([
      [30, "user joined", "alice"],
      [30, "user left", "alice"],
      [30, "user timed out", "bob"],
    ]);
    expect(lines[0]).toMatchObject({ address: "192.0.2.7", port: 4000 });
  });

  it("logs a flood of joins as 20 lines and one summary per 10 s, not a line each", () => {
    const { log, lines } = logTo();
    for (let i = 0; i < 3000; i++) {
      log.event({ type: "joined", name: `forged${i}`, endpoint }, i);
    }
    log.closeWindow(10_000);
    expect(lines.filter((line) => line.msg === "user joined")).toHaveLength(20);
    expect(lines.at(-1)).toMatchObject({ msg: "3000 users joined in the last 10 s", count: 3000 });
    expect(lines).toHaveLength(21);
    // A quiet period after it logs each join again.
    log.event({ type: "joined", name: "carol", endpoint }, 30_000);
    expect(lines.at(-1)).toMatchObject({ msg: "user joined", name: "carol" });
  });

  it("samples malformed packets and sums up the rest when the window closes", () => {
    const { log, lines } = logTo();
    for (let i = 0; i < 100; i++) log.event(malformed, i);
    expect(lines.map((line) => line.msg)).toEqual(["malformed packet", "malformed packet"]);
    log.closeWindow(1000);
    expect(lines.at(-1)).toMatchObject({
      level: 40,
      msg: "suppressed 98 similar log lines",
      kind: "malformed",
      suppressed: 98,
    });
  });

  it("keeps ordinary refusals out of the info log", () => {
    const refused: CoreEvent = {
      type: "refused",
      endpoint,
      reason: "user not found: zed",
      kind: "user-not-found",
    };
    const quiet = logTo("info");
    quiet.log.event(refused, 0);
    expect(quiet.lines).toEqual([]);
    const verbose = logTo("debug");
    verbose.log.event(refused, 0);
    expect(verbose.lines).toMatchObject([{ level: 20, msg: "request refused" }]);
  });

  it("logs refusals an operator acts on (full, per-address, banned) at info, sampled by kind", () => {
    const { log, lines } = logTo("info");
    const refusal = (reason: string, kind: "server-full" | "too-many-from-address"): CoreEvent => ({
      type: "refused",
      endpoint,
      reason,
      kind,
    });
    for (let i = 0; i < 10; i++) log.event(refusal("server is full", "server-full"), i);
    log.event(refusal("too many users from this address", "too-many-from-address"), 10);
    expect(lines.map((line) => [line.level, line.msg, line.kind])).toEqual([
      [30, "request refused", "server-full"],
      [30, "request refused", "server-full"],
      [30, "request refused", "too-many-from-address"],
    ]);
    expect(lines[0]).toMatchObject({ address: "192.0.2.7", reason: "server is full" });
  });

  it("counts send errors by code and samples their lines", () => {
    const { log, lines } = logTo();
    const error = (code: string) => Object.assign(new Error(`send ${code}`), { code });
    for (let i = 0; i < 5; i++) log.sendError(error("ENOBUFS"), 0);
    log.sendError(error("EMSGSIZE"), 0);
    log.sendError(new Error("no code"), 0);
    expect(Object.fromEntries(log.errorsByCode)).toEqual({ ENOBUFS: 5, EMSGSIZE: 1, UNKNOWN: 1 });
    expect(lines.filter((line) => line.code === "ENOBUFS")).toHaveLength(2);
    log.flush();
    expect(lines.at(-1)).toMatchObject({ kind: "send:ENOBUFS", suppressed: 3 });
  });
});
