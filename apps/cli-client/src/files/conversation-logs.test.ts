import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationLogs, logsDir } from "./conversation-logs.js";

const at = new Date(2026, 10, 30, 9, 5);

describe("ConversationLogs", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const logs = () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-logs-"));
    dirs.push(dir);
    return new ConversationLogs(dir, "127.0.0.1:9999", () => at);
  };

  it("writes nothing until /log on", () => {
    const chat = logs();
    expect(chat.write(undefined, { kind: "notice", at, text: "x" })).toBeUndefined();
    expect(() => statSync(chat.fileFor(undefined))).toThrow();
  });

  it("logs the room and each query to its own file, owner-only, as shown on screen", () => {
    const chat = logs();
    expect(chat.start()).toBeUndefined();
    chat.write(undefined, { kind: "broadcast", at, from: "bob", text: "hi all" });
    chat.write("Bob", { kind: "private", at, direction: "in", peer: "Bob", text: "psst" });
    chat.write("bob", {
      kind: "private",
      at,
      direction: "out",
      peer: "bob",
      text: "ok",
      delivery: "sending",
    });
    chat.stop();
    expect(chat.fileFor("BOB")).toBe(chat.fileFor("bob"));
    expect(readFileSync(chat.fileFor(undefined), "utf8")).toBe(
      "--- log opened 2026-11-30 09:05\n09:05 <bob> hi all\n--- log closed 2026-11-30 09:05\n",
    );
    expect(readFileSync(chat.fileFor("bob"), "utf8")).toBe(
      "--- log opened 2026-11-30 09:05\n09:05 *Bob* psst\n09:05 -> *bob* ok\n" +
        "--- log closed 2026-11-30 09:05\n",
    );
    expect(statSync(chat.fileFor("bob")).mode & 0o777).toBe(0o600);
  });

  it("never writes a control byte a lax server let through", () => {
    const chat = logs();
    chat.start();
    const hostile = "\u001b]52;c;cHduZWQ=\u0007 \u001b[2J\rover\u202Etxt.exe";
    chat.write("mallory", {
      kind: "private",
      at,
      direction: "in",
      peer: "mal\u001bory",
      text: hostile,
    });
    const text = readFileSync(chat.fileFor("mallory"), "utf8");
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/u);
    expect(text).toContain("<U+202E>");
  });

  it("keeps a name that is not a safe file name inside its directory", () => {
    const chat = logs();
    expect(chat.fileFor("../../etc")).toBe(
      join(chat.dir, "127.0.0.1:9999", "msg-%2E.%2F..%2Fetc.log"),
    );
    expect(logsDir({ HOME: "/h" })).toBe("/h/.local/share/chat-udp/logs");
  });

  it("survives a peer whose name folds long (10 × ㌀): a bounded file name, readable prefix and hash", () => {
    const chat = logs();
    chat.start();
    const peer = "㌀".repeat(10); // NFKC: アパート ten times, 360 bytes once %-escaped
    const entry = { kind: "private", at, direction: "in", peer, text: "hi" } as const;
    expect(chat.write(peer, entry)).toBeUndefined();
    const name = basename(chat.fileFor(peer));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name).toMatch(/^msg-(%E3%82%A2%E3%83%91%E3%83%BC%E3%83%88)+[%\w]*-[0-9a-f]{16}\.log$/);
    expect(readFileSync(chat.fileFor(peer), "utf8")).toContain("hi");
    // Another long name with the same prefix gets its own file.
    expect(chat.fileFor(`${peer}x`)).not.toBe(chat.fileFor(peer));
    expect(chat.write(undefined, { kind: "notice", at, text: "still logging" })).toBeUndefined();
    expect(readFileSync(chat.fileFor(undefined), "utf8")).toContain("still logging");
  });

  it("bounds a long server label the same way", () => {
    const chat = new ConversationLogs("/logs", `${"h".repeat(300)}:9999`, () => at);
    const serverDir = basename(dirname(chat.fileFor(undefined)));
    expect(serverDir.length).toBeLessThanOrEqual(200);
    expect(serverDir).toMatch(/^h+-[0-9a-f]{16}$/);
  });

  it("never stops every log because one file failed: it says so once and the others go on", () => {
    const chat = logs();
    chat.start();
    // A directory where bob's file should be: appending to it fails.
    mkdirSync(chat.fileFor("bob"), { recursive: true });
    const entry = { kind: "private", at, direction: "in", peer: "bob", text: "x" } as const;
    expect(chat.write("bob", entry)).toMatch(
      /^cannot log to .*msg-bob\.log: .*; other logs go on$/,
    );
    expect(chat.write("bob", entry)).toBeUndefined(); // reported once, not at every line
    expect(chat.on).toBe(true);
    chat.write(undefined, { kind: "broadcast", at, from: "carol", text: "room goes on" });
    chat.write("carol", { kind: "private", at, direction: "in", peer: "carol", text: "so do I" });
    expect(readFileSync(chat.fileFor(undefined), "utf8")).toContain("room goes on");
    expect(readFileSync(chat.fileFor("carol"), "utf8")).toContain("so do I");
  });
});
