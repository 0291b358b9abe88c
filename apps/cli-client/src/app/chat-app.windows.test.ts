import { describe, expect, it } from "vitest";
import { started, tick } from "../test-support/app-harness.js";
import type { Key } from "./keys.js";
import { plain } from "./style.js";

const alt = (digit: number): Key => ({ name: String(digit), meta: true });
const ctrl = (name: string): Key => ({ name, ctrl: true });

describe("ChatApp windows", () => {
  it("opens a window for an incoming private message, a highlight in the activity list", async () => {
    const { client, app, log, status } = await started();
    client.fire("private", { from: "alice", message: "psst" });
    await tick();
    expect(app.windows.count).toBe(2);
    expect(log().some((line) => line.includes("psst"))).toBe(false); // not in the room
    expect(status()).toContain("[1:room]");
    expect(status()).toContain("[Act: 2]");
    const number = app.frame().status.find((segment) => segment.text === "2");
    expect(number?.style).toMatchObject({ bold: true, fg: "light-yellow" });
  });

  it("/query opens and shows a window where plain text goes to that user only", async () => {
    const { client, type, log, status, users } = await started();
    await type("/query bob", "enter");
    expect(status()).toContain("[2:bob]");
    expect(log().at(-1)).toBe("12:30 -!- talking to bob; plain text goes to them only");
    expect(users()).toEqual(["Query", "bob"]);
    await type("hello you", "enter");
    expect(client.calls).toContain("private bob hello you");
    expect(client.calls.some((call) => call.startsWith("broadcast"))).toBe(false);
    expect(log().at(-1)).toBe("12:30 -> *bob* hello you ✓");
  });

  it("/msg from the room echoes the line and its fate there, files it in their window, which enters [Act]", async () => {
    const { app, type, log, status } = await started();
    await type("/msg alice lunch?", "enter");
    expect(status()).toContain("[1:room]");
    expect(log().at(-1)).toBe("12:30 -> *alice* lunch? ✓");
    expect(app.windows.find("alice")?.log.entries()).toMatchObject([
      { kind: "private", direction: "out", peer: "alice", text: "lunch?", delivery: "delivered" },
    ]);
    expect(status()).toContain("[Act: 2]");
  });

  it("/msg to someone who is not there shows the refusal where it was typed", async () => {
    const { client, type, log } = await started();
    client.nextResult = { status: "failed", error: "user not found: nobody" };
    await type("/msg nobody hello?", "enter");
    expect(log().at(-1)).toBe("12:30 -> *nobody* hello? ✗ failed: user not found: nobody");
  });

  it("/msg typed in the user's own window shows the line once", async () => {
    const { type, log } = await started();
    await type("/query alice", "enter");
    await type("/msg alice once", "enter");
    expect(log().filter((line) => line.includes("once"))).toEqual(["12:30 -> *alice* once ✓"]);
  });

  it("switches with Alt+1..9 and Alt+0 for window 10, ignoring a window that is not there", async () => {
    const { type, status } = await started();
    for (let i = 2; i <= 10; i++) await type(`/query u${i}`, "enter");
    await type("", alt(3));
    expect(status()).toContain("[3:u3]");
    await type("", alt(0));
    expect(status()).toContain("[10:u10]");
    await type("", alt(1));
    expect(status()).toContain("[1:room]");
    await type("/close", "enter"); // the room stays
    await type("", alt(9), alt(9));
    expect(status()).toContain("[9:u9]");
  });

  it("steps through the windows with Ctrl-N and Ctrl-P, wrapping around", async () => {
    const { type, status } = await started();
    await type("/query bob", "enter");
    await type("/query alice", "enter");
    await type("", ctrl("n"));
    expect(status()).toContain("[1:room]");
    await type("", ctrl("n"));
    expect(status()).toContain("[2:bob]");
    await type("", ctrl("p"), ctrl("p"));
    expect(status()).toContain("[3:alice]");
  });

  it("/window <n> switches, and says so when there is no such window", async () => {
    const { type, status, log } = await started();
    await type("/query bob", "enter");
    await type("/window 1", "enter");
    expect(status()).toContain("[1:room]");
    await type("/window 7", "enter");
    expect(log().at(-1)).toBe("12:30 -!- no window 7 (there are 2)");
    await type("/window 2", "enter");
    expect(status()).toContain("[2:bob]");
  });

  it("/close and /wc close a query window; the room cannot be closed", async () => {
    const { app, type, status, log } = await started();
    await type("/query bob", "enter");
    await type("/query alice", "enter");
    await type("/close", "enter");
    expect(app.windows.count).toBe(2);
    expect(status()).toContain("[2:bob]");
    await type("/wc", "enter");
    expect(status()).toContain("[1:room]");
    await type("/close", "enter");
    expect(log().at(-1)).toBe("12:30 -!- window 1 is the room; it cannot be closed (/quit leaves)");
  });

  it("shows the room's activity while looking at a query: a mention is a highlight", async () => {
    const { client, app, type, status } = await started();
    await type("/query bob", "enter");
    client.fire("broadcast", { from: "alice", message: "anyone?", self: false });
    await tick();
    expect(status()).toContain("[Act: 1]");
    expect(app.frame().status.find((segment) => segment.text === "1")?.style?.bold).toBeFalsy();
    client.fire("broadcast", { from: "alice", message: "me: look", self: false });
    await tick();
    expect(app.frame().status.find((segment) => segment.text === "1")?.style?.bold).toBe(true);
    await type("", alt(1));
    expect(status()).not.toContain("Act");
  });

  it("keeps history, scrollback and Tab completion per window", async () => {
    const { client, app, type, log } = await started();
    await type("in the room", "enter");
    await type("/query bob", "enter");
    await type("to bob", "enter");
    await type("", "up");
    expect(app.input.text).toBe("to bob");
    await type("", "up");
    expect(app.input.text).toBe("to bob"); // "/query bob" was typed in the room
    app.input.clear();
    await type("", alt(1), "up");
    expect(app.input.text).toBe("/query bob");
    await type("", "up");
    expect(app.input.text).toBe("in the room");
    app.input.clear();

    for (let i = 0; i < 40; i++)
      client.fire("broadcast", { from: "alice", message: `n${i}`, self: false });
    await type("", "pageup");
    expect(log().at(-1)).not.toContain("n39");
    await type("", alt(2));
    expect(log().at(-1)).toBe("12:30 -> *bob* to bob ✓"); // bob's window did not scroll
    await type("b", "tab");
    expect(app.input.text).toBe("bob: ");
    await type("", alt(1));
    expect(plain(app.frame().status)).toContain("[scrolled back ↓]"); // the room kept its place
  });

  it("marks a user who leaves in their window, and uses the same window when they return", async () => {
    const { client, app, type, log, users } = await started();
    await type("/query bob", "enter");
    client.fire("users", { names: ["alice", "me"] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- bob has left");
    expect(users()).toEqual(["Query", "bob", "(gone)"]);
    await type("", alt(1));
    client.fire("private", { from: "bob", message: "back again" });
    await tick();
    expect(app.windows.count).toBe(2);
    await type("", alt(2));
    expect(log().slice(-2)).toEqual(["12:30 -!- bob is back", "12:30 *bob* back again"]);
    expect(users()).toEqual(["Query", "bob"]);
  });

  it("lists the room in window 1 and the other user in a query", async () => {
    const { type, users } = await started();
    expect(users()).toEqual(["Users (3)", "alice", "bob", "me"]);
    await type("/query alice", "enter");
    expect(users()).toEqual(["Query", "alice"]);
  });

  it("says when /query names someone who is not online, and refuses an invalid name", async () => {
    const { app, type, log, users } = await started();
    await type("/query zed", "enter");
    expect(log().at(-1)).toBe("12:30 -!- zed is not online");
    expect(users()).toEqual(["Query", "zed", "(gone)"]);
    app.input.set("/query bad\u202ename"); // pasted: typing could not insert U+202E
    await type("", "enter");
    expect(log().at(-1)).toContain("/query: username is invalid");
  });
});
