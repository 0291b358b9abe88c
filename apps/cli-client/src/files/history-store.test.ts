import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HistoryStore, historyPath, ROOM_KEY } from "./history-store.js";

describe("HistoryStore", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempPath = () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-history-"));
    dirs.push(dir);
    return join(dir, "state", "chat-udp", "history");
  };

  it("keeps each window's lines across runs, in a file only its owner can read", () => {
    const path = tempPath();
    const first = HistoryStore.open(path).store;
    expect(first.add(ROOM_KEY, "hello all")).toBeUndefined();
    first.add("bob", "psst bob");
    first.add(ROOM_KEY, "/who");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = HistoryStore.open(path).store;
    expect(second.lines(ROOM_KEY)).toEqual(["hello all", "/who"]);
    expect(second.lines("bob")).toEqual(["psst bob"]);
  });

  it("is bounded: the oldest lines go first, on disk too", () => {
    const path = tempPath();
    const store = HistoryStore.open(path, 3).store;
    for (const line of ["a", "b", "c", "d", "e"]) store.add(ROOM_KEY, line);
    expect(store.lines(ROOM_KEY)).toEqual(["c", "d", "e"]);
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
    expect(HistoryStore.open(path, 2).store.lines(ROOM_KEY)).toEqual(["d", "e"]);
  });

  it("starts empty without a file, and says why an unreadable one is not used", () => {
    const path = tempPath();
    expect(HistoryStore.open(path).store.size).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "chat-history-"));
    dirs.push(dir);
    const opened = HistoryStore.open(dir);
    expect(opened.problem).toBe(`cannot read ${dir} (EISDIR)`);
  });

  it("reports a history it cannot save, and keeps the lines in memory", () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-history-"));
    dirs.push(dir);
    writeFileSync(join(dir, "file"), "");
    const store = HistoryStore.open(join(dir, "file", "history")).store;
    expect(store.add(ROOM_KEY, "x")).toMatch(/^cannot save the input history to .*history: /);
    expect(store.lines(ROOM_KEY)).toEqual(["x"]);
  });

  it("lives in $XDG_STATE_HOME/chat-udp/history", () => {
    expect(historyPath({ HOME: "/h", XDG_STATE_HOME: "/s" })).toBe("/s/chat-udp/history");
  });
});
