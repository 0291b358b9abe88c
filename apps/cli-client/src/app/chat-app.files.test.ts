import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationLogs } from "../files/conversation-logs.js";
import { HistoryStore } from "../files/history-store.js";
import { started, tick } from "../test-support/app-harness.js";

describe("ChatApp settings, history across runs and /log", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-app-files-"));
    dirs.push(dir);
    return dir;
  };

  it("shows no HH:MM with timestamps off", async () => {
    const { client, log } = await started("me", { timestamps: false });
    client.fire("broadcast", { from: "bob", message: "hi", self: false });
    await tick();
    expect(log().at(-1)).toBe("<bob> hi");
  });

  it("draws no colour anywhere with colours off, the status line inverse", async () => {
    const { client, app } = await started("me", { colours: false });
    client.fire("private", { from: "bob", message: "psst" });
    client.fire("broadcast", { from: "bob", message: "me: look", self: false });
    await tick();
    const frame = app.frame();
    const segments = [...frame.log, ...frame.users, frame.status].flat();
    expect(segments.some((segment) => segment.style?.fg || segment.style?.bg)).toBe(false);
    expect(frame.status.every((segment) => segment.style?.inverse)).toBe(true);
    expect(frame.log.at(-1)?.some((segment) => segment.style?.bold)).toBe(true); // the mention
  });

  it("says what was wrong with config.json first, in window 1", async () => {
    const problem =
      '/h/.config/chat-udp/config.json: "keepalive": must be a number of seconds; using the default';
    const { app } = await started("me", { problems: [problem] });
    expect(app.windows.room.log.entries()[0]).toMatchObject({
      kind: "notice",
      level: "error",
      text: problem,
    });
  });

  it("has the last run's input history, per window", async () => {
    const path = join(tempDir(), "history");
    const first = await started("me", { history: HistoryStore.open(path).store });
    await first.type("hello room", "enter");
    await first.type("/query bob", "enter");
    await first.type("hello bob", "enter");

    const second = await started("me", { history: HistoryStore.open(path).store });
    await second.type("", "up");
    expect(second.app.input.text).toBe("/query bob"); // not the --name
    await second.type("", "up");
    expect(second.app.input.text).toBe("hello room");
    await second.type("", "up");
    await second.type("", "up");
    expect(second.app.input.text).toBe("hello room");
    second.app.input.clear();
    await second.type("/query bob", "enter");
    await second.type("", "up");
    expect(second.app.input.text).toBe("hello bob");
  });

  it("autolog (config.json) turns /log on at start", async () => {
    const dir = tempDir();
    const logs = new ConversationLogs(dir, "127.0.0.1:9999", () => new Date(2026, 10, 26, 12, 30));
    const { log } = await started("me", { logs, autolog: true });
    expect(log().some((row) => row.includes("-!- logging the room and each query to"))).toBe(true);
  });

  it("/log on writes the room and each query to its own file, sanitised; /log off stops", async () => {
    const dir = tempDir();
    const logs = new ConversationLogs(dir, "127.0.0.1:9999", () => new Date(2026, 10, 26, 12, 30));
    const { client, type, log } = await started("me", { logs });
    await type("/log on", "enter");
    expect(log().at(-1)).toBe(
      `12:30 -!- logging the room and each query to ${join(dir, "127.0.0.1:9999")}/`,
    );
    client.fire("broadcast", { from: "bob", message: "hi \u001b[2Jall\u202e", self: false });
    client.fire("private", { from: "alice", message: "psst" });
    await tick();
    await type("/log off", "enter");
    client.fire("broadcast", { from: "bob", message: "not logged", self: false });
    await tick();
    expect(readdirSync(join(dir, "127.0.0.1:9999")).sort()).toEqual(["msg-alice.log", "room.log"]);
    const room = readFileSync(logs.fileFor(undefined), "utf8");
    expect(room).toContain("12:30 <bob> hi \\x1b[2Jall<U+202E>\n");
    expect(room).not.toContain("\u001b");
    expect(room).not.toContain("not logged");
    expect(readFileSync(logs.fileFor("alice"), "utf8")).toContain("12:30 *alice* psst\n");
  });

  it("/log says so when it has nowhere to write", async () => {
    const { type, log } = await started();
    await type("/log on", "enter");
    expect(log().at(-1)).toBe("12:30 -!- /log: this client has nowhere to write logs");
  });
});
