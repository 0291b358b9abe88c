import { describe, expect, it, vi } from "vitest";
import { started, tick, unwrap } from "../test-support/app-harness.js";
import { plain } from "./style.js";

describe("ChatApp", () => {
  it("registers the --name at once and fills the user list", async () => {
    const { client, app } = await started("me");
    expect(client.calls).toContain("register me");
    expect(client.calls).toContain("list");
    expect(app.frame().users.map(plain)).toEqual(["Users (3)", "alice", "bob", "me"]);
    expect(plain(app.frame().status)).toContain(
      "[me] [1:room] [127.0.0.1:9999] [3 users] [rtt 1.5 ms]",
    );
  });

  it("asks for a name, shows why one is refused, and asks again", async () => {
    const { client, app, type, log } = await started(null);
    expect(app.frame().prompt).toBe("name: ");
    client.refuseNames.set("bob", "username is already present");
    await type("bob", "enter");
    expect(log()).toContain("12:30 -!- cannot register as bob: username is already present");
    expect(app.frame().prompt).toBe("name: ");
    await type("has space", "enter");
    expect(log().at(-1)).toContain("username is invalid: contains whitespace");
    app.input.clear();
    await type("carol", "enter");
    expect(client.name).toBe("carol");
    expect(app.frame().prompt).toBe("> ");
  });

  it("keeps the line while a name is being registered", async () => {
    const { client, app, type } = await started(null);
    let finish: () => void = () => {};
    client.register = (name: string) =>
      new Promise<void>((resolve) => {
        finish = () => {
          client.name = name;
          resolve();
        };
      });
    await type("slow", "enter");
    expect(app.frame().prompt).toBe("… ");
    await type("early words", "enter");
    expect(app.input.text).toBe("early words");
    expect(client.calls.some((call) => call.startsWith("broadcast"))).toBe(false);
    finish();
    await tick();
    await tick();
    expect(app.frame().prompt).toBe("> ");
  });

  it("sends plain text as a broadcast and marks it delivered in place", async () => {
    const { client, type, log } = await started();
    let deliver: (value: { status: "delivered" }) => void = () => {};
    client.nextResult = new Promise((resolve) => {
      deliver = resolve;
    });
    await type("hello all", "enter");
    expect(client.calls).toContain("broadcast hello all");
    expect(log().at(-1)).toBe("12:30 <me> hello all …");
    deliver({ status: "delivered" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log().at(-1)).toBe("12:30 <me> hello all ✓");
  });

  it("shows a refused message as failed with the server's reason, in its window", async () => {
    const { client, type, log } = await started();
    client.nextResult = { status: "failed", error: "user not found: zed" };
    await type("/msg zed hi", "enter");
    expect(client.calls).toContain("private zed hi");
    await type("", { name: "2", meta: true });
    expect(log().at(-1)).toBe("12:30 -> *zed* hi ✗ failed: user not found: zed");
  });

  it("shows received broadcasts in the room and private messages in their own window", async () => {
    const { client, view, type, log, status } = await started();
    client.fire("broadcast", { from: "bob", message: "hi all", self: false });
    client.fire("private", { from: "alice", message: "psst" });
    await tick();
    expect(log().at(-1)).toBe("12:30 <bob> hi all");
    expect(status()).toContain("[Act: 2]");
    expect(view.bells).toBe(1);
    await type("", { name: "2", meta: true });
    expect(log().at(-1)).toBe("12:30 *alice* psst");
    expect(status()).toContain("[2:alice]");
    expect(status()).not.toContain("Act");
  });

  it("does not show our own broadcast twice when the server echoes it", async () => {
    const { client, type, log } = await started();
    await type("once", "enter");
    client.fire("broadcast", { from: "me", message: "once", self: true });
    await tick();
    expect(log().filter((line) => line.includes("once"))).toHaveLength(1);
  });

  it("highlights and rings the bell for a line that mentions us", async () => {
    const { client, view, app } = await started();
    client.fire("broadcast", { from: "bob", message: "hey ME, look", self: false });
    await tick();
    expect(view.bells).toBe(1);
    expect(app.frame().log.at(-1)?.at(-1)?.style).toMatchObject({ bold: true });
  });

  it("announces who joined and left when a new user list arrives, by name", async () => {
    const { client, app, log } = await started();
    client.fire("users", { names: ["alice", "me", "dave", "erin"] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- dave and erin joined");
    // A leave is said when the next list confirms it (a stale list may bring a name back).
    client.fire("users", { names: ["alice", "me", "dave", "erin"] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- bob left");
    expect(app.frame().users.map(plain)).toEqual(["Users (4)", "alice", "dave", "erin", "me"]);
  });

  it("names the first of many joins or leaves and counts the rest", async () => {
    const { client, log } = await started();
    const crowd = Array.from({ length: 40 }, (_, i) => `guest${i}`);
    client.fire("users", { names: ["bob", "alice", "me", ...crowd] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- guest0, guest1 and 38 others joined");
    client.fire("users", { names: ["me"] });
    client.fire("users", { names: ["me"] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- bob, alice and 40 others left");
  });

  it("shows one name gone and the newest one new as a rename", async () => {
    const { client, log } = await started();
    client.fire("users", { names: ["alice", "me", "robert"] });
    await tick();
    expect(log().at(-1)).toBe("12:30 -!- bob is now known as robert");
  });

  it("a name a stale list brings back never left; a rename split across two lists is still a rename; an unconfirmed leave is said after 2 s", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { client, log } = await started();
      client.fire("users", { names: ["alice", "me"] });
      client.fire("users", { names: ["alice", "me", "bob"] }); // a push crossing a LIST
      client.fire("users", { names: ["alice", "me"] });
      await tick();
      expect(log().some((line) => / bob (left|joined)/.test(line))).toBe(false);
      client.fire("users", { names: ["alice", "me", "bob"] });
      client.fire("users", { names: ["alice", "me"] }); // bob's LOGOUT
      await tick();
      expect(log().some((line) => line.includes("bob left"))).toBe(false);
      client.fire("users", { names: ["alice", "me", "robert"] }); // and REGISTER
      await tick();
      expect(log().at(-1)).toBe("12:30 -!- bob is now known as robert");
      client.users = ["me", "robert"];
      client.fire("users", { names: ["me", "robert"] }); // alice really leaves
      await vi.advanceTimersByTimeAsync(2_000);
      await tick();
      expect(log().at(-1)).toBe("12:30 -!- alice left");
      expect(log().filter((line) => line.includes("left"))).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says at once that a sender it did not know joined, asks for the list, and adds no second line", async () => {
    const { client, app, log } = await started();
    const lists = () => client.calls.filter((call) => call === "list").length;
    const before = lists();
    client.users.push("erin"); // on the server, not yet in our list
    client.fire("broadcast", { from: "erin", message: "hi, new here", self: false });
    await tick();
    expect(app.frame().users.map(plain)).toContain("erin");
    expect(log().slice(-2)).toEqual(["12:30 -!- erin joined", "12:30 <erin> hi, new here"]);
    expect(lists()).toBe(before + 1);
    client.fire("users", { names: ["alice", "bob", "me", "erin"] });
    await tick();
    expect(log().filter((line) => line.includes("erin joined"))).toHaveLength(1);
  });

  it("asks for the list when a keep-alive comes back, to see joins before the next push", async () => {
    const { client, log } = await started();
    const before = client.calls.filter((call) => call === "list").length;
    client.users = ["bob", "alice", "me", "frank"];
    client.fire("rtt", { ms: 2 });
    await tick();
    await tick();
    expect(client.calls.filter((call) => call === "list").length).toBe(before + 1);
    expect(log().at(-1)).toBe("12:30 -!- frank joined");
  });

  it("answers /who, /info, unknown commands and usage errors in the window shown", async () => {
    const { type, log } = await started();
    await type("/who", "enter");
    expect(log().at(-1)).toBe("12:30 -!- 3 online: bob, alice, me");
    await type("/info", "enter");
    expect(log().at(-1)).toBe(
      "12:30 -!- server: 2026-11-26T05:40:00Z chat-server/1.0.0 (rtt 1.5 ms)",
    );
    await type("/frobnicate", "enter");
    expect(log().at(-1)).toContain("unknown command /frobnicate");
    await type("/msg bob", "enter");
    expect(log().at(-1)).toBe("12:30 -!- usage: /msg <user> <text>");
  });

  it("clears the log with /clear", async () => {
    const { type, log } = await started();
    await type("/clear", "enter");
    expect(log()).toEqual([]);
  });

  it("completes names with Tab and cycles on repeated Tab", async () => {
    const { app, type } = await started();
    await type("b", "tab");
    expect(app.input.text).toBe("bob: ");
    app.input.clear();
    await type("/msg a", "tab");
    expect(app.input.text).toBe("/msg alice");
  });

  it("starts a reply to the last private message on Tab in an empty line", async () => {
    const { client, app, type } = await started();
    client.fire("private", { from: "alice", message: "psst" });
    await type("", "tab");
    expect(app.input.text).toBe("/msg alice ");
  });

  it("never completes a name that carries control or invisible characters", async () => {
    const { client, app, type } = await started();
    client.fire("users", { names: ["me", "\u001b[31mred", "r\u202eob"] });
    client.fire("private", { from: "\u001b[31mred", message: "x" });
    await type("", "tab");
    expect(app.input.text).toBe("");
    await type("r", "tab");
    expect(app.input.text).toBe("r");
  });

  it("completes command names at the start of the line", async () => {
    const { app, type } = await started();
    await type("/in", "tab");
    expect(app.input.text).toBe("/info ");
  });

  it("Tab again cycles the commands that match, each followed by a space, never by a colon", async () => {
    const { app, type } = await started();
    await type("/w", "tab");
    const first = app.input.text;
    await type("", "tab");
    const second = app.input.text;
    await type("", "tab");
    expect([first, second].sort()).toEqual(["/who ", "/window "]);
    expect(app.input.text).toBe(first);
  });

  it("recalls sent lines with Up and Down", async () => {
    const { app, type } = await started();
    await type("first", "enter");
    await type("second", "enter");
    await type("draft", "up");
    expect(app.input.text).toBe("second");
    await type("", "up");
    expect(app.input.text).toBe("first");
    await type("", "down", "down");
    expect(app.input.text).toBe("draft");
  });

  it("scrolls back with PgUp, shows how much is below, and returns with PgDn", async () => {
    const { client, app, type } = await started();
    for (let i = 0; i < 60; i++)
      client.fire("broadcast", { from: "bob", message: `n${i}`, self: false });
    await type("", "pageup");
    expect(app.frame().log.map(plain).at(-1)).not.toContain("n59");
    client.fire("broadcast", { from: "bob", message: "late", self: false });
    expect(plain(app.frame().status)).toContain("[more ↓ 1]");
    await type("", "pagedown", "pagedown", "pagedown", "pagedown");
    expect(app.frame().log.map(plain).at(-1)).toContain("late");
  });

  it("logs out, closes the client and exits 0 on /quit", async () => {
    const { client, exits, type } = await started();
    await type("/quit", "enter");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.calls.slice(-2)).toEqual(["logout", "close"]);
    expect(exits).toEqual([0]);
  });

  it("quits the same way on Ctrl-C", async () => {
    const { client, exits, app } = await started();
    app.handleKey({ name: "c", ctrl: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.calls).toContain("logout");
    expect(exits).toEqual([0]);
  });

  it("shows connection trouble in the status line until registered again", async () => {
    const { client, app } = await started();
    client.fire("connection", { state: "lost", reason: "3 keep-alives unanswered" });
    expect(plain(app.frame().status)).toContain("[lost: 3 keep-alives unanswered]");
    client.fire("connection", { state: "reregistering" });
    client.fire("connection", { state: "lost", reason: "no answer" });
    expect(plain(app.frame().status)).toContain("[lost: no answer]");
    expect(
      app
        .frame()
        .log.map(plain)
        .filter((line) => line.includes("connection lost")),
    ).toHaveLength(1);
    client.fire("connection", { state: "reregistered" });
    expect(plain(app.frame().status)).not.toContain("lost");
  });

  it("says in one line that it registered again, and why", async () => {
    const { client, app, log } = await started();
    const before = log().length;
    const reason = "the server had forgotten us after 2 unanswered keep-alives";
    client.fire("connection", { state: "reregistering", reason });
    expect(plain(app.frame().status)).toContain("[registering again…]");
    client.fire("connection", { state: "reregistered", reason });
    const added = log().slice(before);
    expect(added.filter((row) => row.startsWith("12:30 "))).toHaveLength(1); // one line, wrapped
    expect(unwrap(added)).toBe(`12:30 -!- registered again as me (${reason})`);
    expect(plain(app.frame().status)).not.toContain("registering");
  });

  it("stays quiet when a list refresh nobody typed fails, but answers a failed /who", async () => {
    const { client, type, log } = await started();
    client.listError = new Error("not registered");
    const before = log().length;
    client.fire("connection", { state: "reregistered", reason: "it restarted" });
    await tick();
    expect(log().slice(before)).toEqual(["12:30 -!- registered again as me (it restarted)"]);
    await type("/who", "enter");
    expect(log().at(-1)).toBe("12:30 -!- /who: not registered");
  });

  it("asks for another name when the server will not give ours back", async () => {
    const { client, app, type, log } = await started();
    client.name = undefined; // the SDK has dropped it
    client.fire("connection", { state: "refused", reason: "username is already present" });
    expect(log().slice(-2)).toEqual([
      "12:30 -!- cannot get the name me back: username is already present",
      "12:30 -!- Choose a name and press Enter.",
    ]);
    expect(app.frame().prompt).toBe("name: ");
    expect(app.frame().users.map(plain)).toEqual(["Users (0)"]);
    await type("me2", "enter");
    expect(client.calls).toContain("register me2");
    expect(log()).toContain("12:30 -!- You are me2.");
    expect(app.frame().prompt).toBe("> ");
  });

  it("warns, naming --keepalive, when the server forgets us between keep-alives", async () => {
    const { client, log } = await started();
    client.fire("keepAliveTooLong", { keepAliveMs: 30_000, forgottenAfterMs: 21_400 });
    const rows = log();
    const start = rows.findLastIndex((row) => row.startsWith("12:30 "));
    expect(unwrap(rows.slice(start))).toBe(
      "12:30 -!- the server forgot you 21.4 s after confirming your name, though no" +
        " keep-alive was missed: its user timeout looks shorter than the keep-alive (30 s)," +
        " unless it restarted. Try a shorter --keepalive, e.g. --keepalive 10.7.",
    );
  });

  it("hides the user list on a narrow terminal and reflows the log", async () => {
    const { client, view, app } = await started();
    client.fire("broadcast", { from: "bob", message: "word ".repeat(20), self: false });
    const wide = app.frame().log.length;
    view.columns = 40;
    expect(app.frame().layout.users).toBeUndefined();
    expect(app.frame().log.length).toBeGreaterThan(wide);
  });
});
