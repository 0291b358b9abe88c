import { ChatError } from "@chat/client";
import { describe, expect, it, vi } from "vitest";
import { started, tick } from "../test-support/app-harness.js";
import type { Key } from "./keys.js";
import { BROADCAST_RATE } from "./send-pacer.js";

/** A clock the test moves: keys typed in one `type()` call are one burst, as one read. */
function manualClock() {
  let now = 0;
  return { monotonic: () => now, later: () => (now += 1_000) };
}

/** What a terminal delivers for a paste: the lines with Enter between them, in one read. */
const pasteKeys = (lines: string[]): Array<string | Key> =>
  lines.flatMap((line) => [...[...line].map((ch) => ({ name: ch, ch })), "enter"]);

describe("ChatApp sending: no lost line", () => {
  it("holds a paste of more than five lines until asked, then sends all of it in order", async () => {
    const clock = manualClock();
    const { client, app, type, log, status } = await started("me", { monotonic: clock.monotonic });
    const lines = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
    await type("", ...pasteKeys(lines));
    expect(client.calls.filter((call) => call.startsWith("broadcast"))).toEqual([]);
    expect(log().at(-1)).toBe("12:30 -!- 25 lines pasted: y sends them, n drops them");
    expect(app.frame().prompt).toBe("paste 25 lines? (y/n) ");
    clock.later();
    await type("y");
    expect(app.frame().prompt).toBe("> ");
    const sent = client.calls.filter((call) => call.startsWith("broadcast"));
    // The first ones leave at once; the rest wait their turn, shown as queued, in order.
    expect(sent).toEqual(lines.slice(0, BROADCAST_RATE.burst).map((line) => `broadcast ${line}`));
    expect(status()).toContain(`[queued ${25 - BROADCAST_RATE.burst}]`);
    expect(log().filter((row) => row.endsWith("⋯ queued"))).toEqual(
      lines.slice(BROADCAST_RATE.burst).map((line) => `12:30 <me> ${line} ⋯ queued`),
    );
    expect(app.input.text).toBe("");
  });

  it("drops a held paste on n, and a short paste is sent without asking", async () => {
    const clock = manualClock();
    const { client, type, log } = await started("me", { monotonic: clock.monotonic });
    await type("", ...pasteKeys(["a", "b", "c", "d", "e", "f"]));
    clock.later();
    await type("n");
    expect(log().at(-1)).toBe("12:30 -!- 6 pasted lines dropped");
    clock.later();
    await type("", ...pasteKeys(["one", "two", "three"]));
    expect(client.calls.filter((call) => call.startsWith("broadcast"))).toEqual([
      "broadcast one",
      "broadcast two",
      "broadcast three",
    ]);
  });

  it("a paste read in two chunks is still one paste", async () => {
    const clock = manualClock();
    const { client, app, type } = await started("me", { monotonic: clock.monotonic });
    const lines = Array.from({ length: 8 }, (_, i) => `l${i}`);
    await type("", ...pasteKeys(lines.slice(0, 6)));
    await type("", ...pasteKeys(lines.slice(6))); // same instant: the rest of the read
    expect(app.frame().prompt).toBe("paste 8 lines? (y/n) ");
    clock.later();
    await type("", "enter");
    expect(client.calls.filter((call) => call.startsWith("broadcast"))).toEqual(
      lines.map((line) => `broadcast ${line}`),
    );
  });

  it("sends a line over the largest message as several, each marked", async () => {
    const { client, app, type } = await started();
    const long = "x".repeat(1_100);
    await type(long, "enter");
    expect(client.calls.filter((call) => call.startsWith("broadcast"))).toEqual([
      `broadcast ${"x".repeat(1_024)}`,
      `broadcast ${"x".repeat(76)}`,
    ]);
    expect(app.windows.room.log.entries().slice(-2)).toMatchObject([
      { text: "x".repeat(1_024), delivery: "delivered" },
      { text: "x".repeat(76), delivery: "delivered" },
    ]);
  });

  it("a server with a smaller largest message is believed: the refused piece goes again, cut to it", async () => {
    const { client, app, type } = await started();
    client.broadcast = async (message: string) => {
      client.calls.push(`broadcast ${message}`);
      return Buffer.byteLength(message) > 100
        ? { status: "failed", error: "message is invalid: longer than 100 bytes" }
        : { status: "delivered" };
    };
    const line = "y".repeat(250);
    await type(line, "enter");
    await tick();
    const entries = app.windows.room.log.entries().filter((entry) => entry.kind === "broadcast");
    expect(
      entries.map((entry) => [entry.text.length, entry.kind === "broadcast" && entry.delivery]),
    ).toEqual([
      [250, "failed"],
      [100, "delivered"],
      [100, "delivered"],
      [50, "delivered"],
    ]);
    expect(entries[0]).toMatchObject({
      error: "message is invalid: longer than 100 bytes; sent again in pieces",
    });
    await type("z".repeat(150), "enter"); // later lines are cut to the learnt size at once
    expect(client.calls.at(-1)).toBe(`broadcast ${"z".repeat(50)}`);
  });

  it("/quit with lines still queued says how many were not sent", async () => {
    const clock = manualClock();
    const { type, log } = await started("me", { monotonic: clock.monotonic });
    await type("", ...pasteKeys(Array.from({ length: 24 }, (_, i) => `q${i}`)));
    clock.later();
    await type("y");
    clock.later();
    await type("/quit", "enter");
    await tick();
    expect(
      log().some((row) =>
        row.includes(`Logging out (${24 - BROADCAST_RATE.burst} queued lines not sent)`),
      ),
    ).toBe(true);
  });
});

describe("ChatApp name prompt", () => {
  it("/quit at the name: prompt leaves instead of registering a user called /quit", async () => {
    const { client, exits, type } = await started(null);
    await type("/quit", "enter");
    await tick();
    expect(client.calls.some((call) => call.startsWith("register"))).toBe(false);
    expect(exits).toEqual([0]);
  });

  it("/help works at the name: prompt; /who asks for a name first", async () => {
    const { client, app, type, log } = await started(null);
    await type("/help", "enter");
    const texts = app.windows.room.log.entries().map((entry) => entry.text);
    expect(texts.some((text) => text.includes("/msg <user> <text>"))).toBe(true);
    await type("/who", "enter");
    expect(log().at(-1)).toBe("12:30 -!- /who: choose a name first");
    expect(client.calls.some((call) => call.startsWith("register"))).toBe(false);
  });

  it("Up at the name: prompt recalls the name tried; Up in the room does not", async () => {
    const { client, app, type } = await started(null);
    client.refuseNames.set("bob", "username is already present");
    await type("bob", "enter");
    await type("", "up");
    expect(app.input.text).toBe("bob");
    app.input.clear();
    await type("carol", "enter");
    await type("", "up");
    expect(app.input.text).toBe("");
  });

  it("the first Up after starting with --name recalls nothing, not the name", async () => {
    const { app, type } = await started("me");
    await type("", "up");
    expect(app.input.text).toBe("");
  });
});

describe("ChatApp with an unreachable server at start", () => {
  it("keeps trying the name with backoff while commands still work", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { client, app, type, status } = await started(null);
      let unreachable = true;
      const register = client.register.bind(client);
      client.register = async (name: string) => {
        client.calls.push(`try ${name}`);
        if (unreachable)
          throw new ChatError("TIMEOUT", "no answer from 127.0.0.1:9999 after 6 tries");
        return register(name);
      };
      await type("me", "enter");
      const lastText = () => app.windows.current.log.entries().at(-1)?.text;
      expect(lastText()).toContain("cannot reach the server: no answer from 127.0.0.1:9999");
      expect(status()).toContain("unreachable; trying again in 1 s");
      expect(app.frame().prompt).toBe("name: ");
      await vi.advanceTimersByTimeAsync(1_000);
      await tick();
      expect(status()).toContain("trying again in 2 s");
      await vi.advanceTimersByTimeAsync(2_000);
      await tick();
      expect(status()).toContain("trying again in 4 s");
      await type("/help", "enter"); // a command while waiting
      expect(lastText()).toContain("/quit");
      unreachable = false;
      await vi.advanceTimersByTimeAsync(4_000);
      await tick();
      await tick();
      expect(client.calls.filter((call) => call === "try me")).toHaveLength(4);
      expect(client.name).toBe("me");
      expect(status()).not.toContain("unreachable");
      expect(app.frame().prompt).toBe("> ");
    } finally {
      vi.useRealTimers();
    }
  });

  it("a refusal is not retried", async () => {
    const { client, log, type } = await started(null);
    client.refuseNames.set("bob", "username is already present");
    await type("bob", "enter");
    expect(log().at(-1)).toContain("Choose a name");
    expect(client.calls.filter((call) => call === "register bob")).toHaveLength(1);
  });
});
