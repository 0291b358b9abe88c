import { describe, expect, it } from "vitest";
import type { KeepAlive } from "./keep-alive.js";
import { type ReconnectHost, Reconnector } from "./reconnect.js";

/** A reconnector whose REGISTERs wait until the test settles them. */
function withFakeHost() {
  const warnings: number[] = [];
  const pending: Array<() => void> = [];
  const host: ReconnectHost = {
    heldName: "alice",
    registerOnce: () => new Promise<void>((resolve) => pending.push(resolve)),
    askList: () => {},
    forgetName: () => {},
    connection: () => {},
    keepAliveTooLong: (forgottenAfterMs) => warnings.push(forgottenAfterMs),
  };
  const keepAlive = { running: true, start() {}, stop() {} } as unknown as KeepAlive;
  const settings = { autoReregister: false, timeoutMs: 1_000, reregisterMaxDelayMs: 8_000 };
  const signal = new AbortController().signal;
  return { reconnector: new Reconnector(host, keepAlive, settings, signal), warnings, pending };
}

describe("Reconnector: the keep-alive-too-long warning", () => {
  it("warns once when the server forgot us though every keep-alive was answered", async () => {
    const { reconnector, warnings, pending } = withFakeHost();
    reconnector.registered();
    reconnector.refresh(0);
    pending.shift()?.(); // the keep-alive's OK
    await new Promise((resolve) => setTimeout(resolve, 0)); // its then and finally run
    reconnector.forgotten();
    expect(warnings).toHaveLength(1);
  });

  it("does not warn while a keep-alive is unanswered: it may have been lost in an outage", () => {
    const { reconnector, warnings } = withFakeHost();
    reconnector.registered();
    reconnector.refresh(0); // goes out, and no answer comes
    reconnector.forgotten(); // a message meanwhile finds us unregistered
    expect(warnings).toEqual([]);
  });
});
