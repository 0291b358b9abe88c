import { describe, expect, it } from "vitest";
import type { LogEntry } from "./format.js";
import { Scrollback } from "./scrollback.js";
import { plain } from "./style.js";

const at = new Date(2026, 10, 26, 12, 0);
const line = (text: string): LogEntry => ({ kind: "notice", at, text });
const texts = (log: Scrollback, width: number, height: number) =>
  log.view(width, height).map((row) => plain(row).replace("12:00 -!- ", ""));

function filled(count: number): Scrollback {
  const log = new Scrollback();
  for (let i = 1; i <= count; i++) log.add(line(`line ${i}`));
  return log;
}

describe("Scrollback", () => {
  it("shows the newest rows at the bottom", () => {
    expect(texts(filled(10), 80, 3)).toEqual(["line 8", "line 9", "line 10"]);
  });

  it("shows everything when the log is shorter than the pane", () => {
    expect(texts(filled(2), 80, 5)).toEqual(["line 1", "line 2"]);
  });

  it("pages back with PgUp and forward with PgDn, a page minus one row at a time", () => {
    const log = filled(20);
    log.pageUp(80, 5);
    expect(texts(log, 80, 5)).toEqual(["line 12", "line 13", "line 14", "line 15", "line 16"]);
    log.pageDown(80, 5);
    expect(texts(log, 80, 5)).toEqual(["line 16", "line 17", "line 18", "line 19", "line 20"]);
    expect(log.atBottom).toBe(true);
  });

  it("stops at the top of the log", () => {
    const log = filled(6);
    for (let i = 0; i < 10; i++) log.pageUp(80, 4);
    expect(texts(log, 80, 4)).toEqual(["line 1", "line 2", "line 3", "line 4"]);
  });

  it("keeps the view still when new lines arrive while scrolled back, and counts them", () => {
    const log = filled(20);
    log.pageUp(80, 5);
    const before = texts(log, 80, 5);
    log.add(line("new one"));
    log.add(line("new two"));
    expect(texts(log, 80, 5)).toEqual(before);
    expect(log.unseenRows).toBe(2);
    log.toBottom();
    expect(texts(log, 80, 5).at(-1)).toBe("new two");
    expect(log.unseenRows).toBe(0);
  });

  it("keeps at most its limit of entries, dropping the oldest", () => {
    const log = new Scrollback(5_000);
    for (let i = 1; i <= 5_100; i++) log.add(line(`line ${i}`));
    expect(log.size).toBe(5_000);
    expect(log.entries()[0]).toMatchObject({ text: "line 101" });
  });

  it("updates an entry in place, re-rendering its rows", () => {
    const log = new Scrollback();
    const id = log.add({
      kind: "broadcast",
      at,
      from: "me",
      text: "hi",
      own: true,
      delivery: "sending",
    });
    log.add(line("after"));
    log.update(id, (entry) => ({ ...entry, delivery: "delivered" }) as LogEntry);
    expect(log.view(80, 5).map(plain)).toEqual(["12:00 <me> hi ✓", "12:00 -!- after"]);
  });

  it("reflows to a new width", () => {
    const log = new Scrollback();
    log.add(line("alpha beta gamma delta"));
    expect(log.view(80, 5)).toHaveLength(1);
    expect(log.view(20, 5).length).toBeGreaterThan(1);
  });

  it("empties on clear", () => {
    const log = filled(5);
    log.clear();
    expect(log.view(80, 5)).toEqual([]);
  });
});
