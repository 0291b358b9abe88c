import { describe, expect, it } from "vitest";
import { retryDelay } from "./retry.js";
import { parseInfo } from "./server-info.js";
import { TypedEmitter } from "./typed-emitter.js";

describe("retryDelay", () => {
  it("doubles the wait on each try up to the cap", () => {
    const policy = { timeoutMs: 500, retries: 5, maxDelayMs: 2000 };
    expect([0, 1, 2, 3, 4, 5].map((attempt) => retryDelay(policy, attempt))).toEqual([
      500, 1000, 2000, 2000, 2000, 2000,
    ]);
  });
});

describe("parseInfo", () => {
  it("reads the date and the server version of this project's INFO text", () => {
    const info = parseInfo("2026-11-26T05:40:00Z chat-server/1.0.0", 1.5);
    expect(info).toEqual({
      text: "2026-11-26T05:40:00Z chat-server/1.0.0",
      rttMs: 1.5,
      date: new Date(Date.UTC(2026, 10, 26, 5, 40, 0)),
      serverVersion: "chat-server/1.0.0",
    });
  });

  it("keeps only the text of an INFO it cannot read", () => {
    expect(parseInfo("hello from elsewhere", 2)).toEqual({
      text: "hello from elsewhere",
      rttMs: 2,
    });
    expect(parseInfo("2026-13-45T99:99:99Z x/1", 2)).toEqual({
      text: "2026-13-45T99:99:99Z x/1",
      rttMs: 2,
    });
  });
});

describe("TypedEmitter", () => {
  class Emitter extends TypedEmitter<{ ping: { n: number }; pong: string }> {
    fire(n: number): void {
      this.emit("ping", { n });
    }
  }

  it("calls listeners in order, once-listeners once, and stops after unsubscribe", () => {
    const emitter = new Emitter();
    const calls: string[] = [];
    const off = emitter.on("ping", ({ n }) => calls.push(`on ${n}`));
    emitter.once("ping", ({ n }) => calls.push(`once ${n}`));
    emitter.on("ping", ({ n }) => calls.push(`last ${n}`));
    emitter.fire(1);
    off();
    emitter.fire(2);
    expect(calls).toEqual(["on 1", "once 1", "last 1", "last 2"]);
    expect(emitter.hasListeners("pong")).toBe(false);
  });
});
