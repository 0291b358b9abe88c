import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { updateConfig } from "../files/config.js";
import { started } from "../test-support/app-harness.js";
import { Ignores } from "./ignores.js";
import type { Key } from "./keys.js";

const alt = (name: string): Key => ({ name, meta: true });

describe("ChatApp: the irssi habits", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("/me sends plain text others can read and shows it as an action", async () => {
    const { client, type, log } = await started();
    await type("/me waves", "enter");
    expect(client.calls).toContain("broadcast /me waves");
    expect(log().at(-1)).toBe("12:30 * me waves ✓");
    client.fire("broadcast", { from: "bob", message: "/me waves back", self: false });
    await type("");
    expect(log().at(-1)).toBe("12:30 * bob waves back");
  });

  it("/me in a query window goes to that user only", async () => {
    const { client, type } = await started();
    await type("/q bob", "enter");
    await type("/me nods", "enter");
    expect(client.calls).toContain("private bob /me nods");
  });

  it("Alt+A shows the window with news for you first; Alt+Left/Right step", async () => {
    const { client, type, status } = await started();
    await type("/q carol", "enter");
    await type("/q dave", "enter");
    // Looking at window 3: the room gets news, window 2 a message for you.
    client.fire("broadcast", { from: "bob", message: "hi", self: false });
    client.fire("private", { from: "carol", message: "psst" });
    await type("", alt("a"));
    expect(status()).toContain("[2:carol]");
    await type("", alt("a"));
    expect(status()).toContain("[1:room]");
    await type("", alt("right"));
    expect(status()).toContain("[2:carol]");
    await type("", alt("left"), alt("left"));
    expect(status()).toContain("[3:dave]");
  });

  it("/window list names every window and what is new in it", async () => {
    const { client, app, type } = await started();
    client.users.push("carol");
    await type("/q carol", "enter");
    await type("/w 1", "enter");
    client.fire("private", { from: "carol", message: "psst" });
    await type("/window list", "enter");
    const texts = app.windows.room.log.entries().map((entry) => entry.text);
    expect(texts.slice(-2)).toEqual(["1: room (current)", "2: carol (news for you)"]);
  });

  it("/ignore hides a user by folded and look-alike names, saves the list, /unignore undoes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-ignore-"));
    dirs.push(dir);
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify({ name: "me" }));
    const ignores = new Ignores([], (names) => updateConfig(path, "ignore", names));
    const { client, app, type } = await started("me", { ignores });
    const texts = () => app.windows.current.log.entries().map((entry) => entry.text);
    await type("/ignore Mallory", "enter");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ name: "me", ignore: ["Mallory"] });
    client.fire("broadcast", { from: "mallory", message: "spam 1", self: false });
    client.fire("broadcast", { from: "m\u0430llory", message: "spam 2", self: false }); // Cyrillic а
    client.fire("private", { from: "MALLORY", message: "spam 3" });
    client.fire("broadcast", { from: "bob", message: "real", self: false });
    await type("");
    expect(texts().filter((text) => text.startsWith("spam"))).toEqual([]);
    expect(texts()).toContain("real");
    expect(app.windows.count).toBe(1);
    await type("/unignore mallory", "enter");
    expect(texts().at(-1)).toBe("no longer ignoring Mallory");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ name: "me", ignore: [] });
    client.fire("broadcast", { from: "mallory", message: "hello again", self: false });
    await type("");
    expect(texts()).toContain("hello again");
  });

  it("user aliases from config.json", async () => {
    const { client, type } = await started("me", { aliases: { hi: "msg bob hello" } });
    await type("/hi there", "enter");
    expect(client.calls).toContain("private bob hello there");
  });

  it("highlight words mark a line for you and ring the bell", async () => {
    const { client, view, type, app } = await started("me", { highlight: ["deploy"] });
    client.fire("broadcast", { from: "bob", message: "Deploy is done", self: false });
    await type("");
    expect(app.windows.room.log.entries().at(-1)).toMatchObject({ mention: true });
    expect(view.bells).toBe(1);
  });

  it("the bell: off never rings; a number rings at most once per that many seconds", async () => {
    let now = 0;
    const limited = await started("me", { bell: { atMostEveryMs: 10_000 }, monotonic: () => now });
    for (let i = 0; i < 20; i++)
      limited.client.fire("broadcast", { from: "bot", message: `me ${i}`, self: false });
    now += 10_000;
    limited.client.fire("broadcast", { from: "bot", message: "me again", self: false });
    expect(limited.view.bells).toBe(2);
    const off = await started("me", { bell: "off" });
    off.client.fire("private", { from: "bob", message: "me?" });
    expect(off.view.bells).toBe(0);
  });
});
