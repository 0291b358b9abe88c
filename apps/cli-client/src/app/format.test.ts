import { describe, expect, it } from "vitest";
import { nameColour } from "./colours.js";
import { clock, formatEntry, type LogEntry, mentions } from "./format.js";
import { plain } from "./style.js";
import { rowWidth } from "./wrap.js";

const at = new Date(2026, 10, 26, 9, 5);
const show = (entry: LogEntry, width = 80) => formatEntry(entry, width).map(plain);

describe("formatEntry", () => {
  it("shows a broadcast as HH:MM <name> text", () => {
    expect(show({ kind: "broadcast", at, from: "alice", text: "hello" })).toEqual([
      "09:05 <alice> hello",
    ]);
  });

  it("colours the name by its hash", () => {
    const rows = formatEntry({ kind: "broadcast", at, from: "alice", text: "hello" }, 80);
    const name = rows[0]?.find((segment) => segment.text === "alice");
    expect(name?.style?.fg).toBe(nameColour("alice"));
  });

  it("marks our own broadcast with its delivery status", () => {
    const base = { kind: "broadcast", at, from: "me", text: "hi", own: true } as const;
    expect(show({ ...base, delivery: "sending" })).toEqual(["09:05 <me> hi …"]);
    expect(show({ ...base, delivery: "delivered" })).toEqual(["09:05 <me> hi ✓"]);
    expect(show({ ...base, delivery: "unconfirmed" })).toEqual(["09:05 <me> hi ? unconfirmed"]);
    expect(show({ ...base, delivery: "failed", error: "rate limited" })).toEqual([
      "09:05 <me> hi ✗ failed: rate limited",
    ]);
  });

  it("marks private messages in both directions, in their own colour", () => {
    const incoming: LogEntry = { kind: "private", at, direction: "in", peer: "bob", text: "psst" };
    expect(show(incoming)).toEqual(["09:05 *bob* psst"]);
    expect(
      show({
        kind: "private",
        at,
        direction: "out",
        peer: "bob",
        text: "ok",
        delivery: "delivered",
      }),
    ).toEqual(["09:05 -> *bob* ok ✓"]);
    const body = formatEntry(incoming, 80)[0]?.at(-1);
    expect(body?.style?.fg).toBe("light-magenta");
  });

  it("highlights a line that mentions us", () => {
    const rows = formatEntry(
      { kind: "broadcast", at, from: "bob", text: "hi me", mention: true },
      80,
    );
    expect(rows[0]?.at(-1)?.style).toMatchObject({ bold: true });
  });

  it("shows notices with -!-", () => {
    expect(show({ kind: "notice", at, text: "bob left" })).toEqual(["09:05 -!- bob left"]);
  });

  it("escapes control characters in received names and messages", () => {
    const rows = show({ kind: "broadcast", at, from: "ev\u001bil", text: "\u001b[2Jboom\u202e" });
    expect(rows).toEqual(["09:05 <ev\\x1bil> \\x1b[2Jboom<U+202E>"]);
  });

  it("puts each line of a multi-line message on its own row, indented", () => {
    expect(show({ kind: "broadcast", at, from: "bob", text: "one\ntwo" })).toEqual([
      "09:05 <bob> one",
      "            two",
    ]);
  });

  it("wraps long messages under the text with every row within the width", () => {
    const rows = formatEntry({ kind: "broadcast", at, from: "bob", text: "word ".repeat(30) }, 40);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(40);
    expect(plain(rows[1] ?? []).startsWith("            word")).toBe(true);
  });
});

describe("mentions", () => {
  it("finds our name as a word, in any case", () => {
    expect(mentions("hey Alice, look", "alice")).toBe(true);
    expect(mentions("alice: hi", "alice")).toBe(true);
    expect(mentions("ALICE", "alice")).toBe(true);
  });

  it("ignores our name inside another word", () => {
    expect(mentions("malice aforethought", "alice")).toBe(false);
    expect(mentions("alice2 is here", "alice")).toBe(false);
  });

  it("finds a later whole-word mention after an embedded one", () => {
    expect(mentions("malice and alice", "alice")).toBe(true);
  });

  it("never matches without a name", () => {
    expect(mentions("anything", undefined)).toBe(false);
  });
});

describe("clock", () => {
  it("pads hours and minutes", () => {
    expect(clock(new Date(2026, 0, 1, 7, 3))).toBe("07:03");
  });
});
