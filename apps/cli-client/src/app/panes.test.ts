import { describe, expect, it } from "vitest";
import { queryRows, statusRow, userRows } from "./panes.js";
import { plain } from "./style.js";
import { rowWidth } from "./wrap.js";

describe("userRows", () => {
  it("lists names in the order given, under a count", () => {
    expect(userRows(["alice", "Bob", "carol"], "alice", 20, 10).map(plain)).toEqual([
      "Users (3)",
      "alice",
      "Bob",
      "carol",
    ]);
  });

  it("marks our own name", () => {
    const rows = userRows(["alice", "bob"], "Alice", 20, 10);
    expect(rows[1]?.[0]?.style).toMatchObject({ bold: true });
    expect(rows[2]?.[0]?.style).toMatchObject({ bold: false });
  });

  it("says how many more there are when the list does not fit", () => {
    const names = Array.from({ length: 10 }, (_, i) => `user${i}`);
    const rows = userRows(names, undefined, 20, 5).map(plain);
    expect(rows).toEqual(["Users (10)", "user0", "user1", "user2", "+7 more"]);
  });

  it("escapes names and cuts long ones to the pane", () => {
    const rows = userRows(["\u001b[31mred", "a-very-long-name-indeed"], undefined, 10, 10);
    expect(rows.map(plain)).toContain("\\x1b[31mr…");
    for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(10);
  });
});

describe("queryRows", () => {
  it("shows the other user, and that they are gone", () => {
    expect(queryRows("bob", false, 12, 10).map(plain)).toEqual(["Query", "bob"]);
    expect(queryRows("bob", true, 12, 10).map(plain)).toEqual(["Query", "bob", "(gone)"]);
  });
});

describe("statusRow", () => {
  const base = {
    server: "127.0.0.1:9999",
    name: "alice",
    users: 3,
    rttMs: 2.25,
    window: { number: 1, label: "room" },
    activity: [],
  };

  it("shows name, window, server, users and round-trip time, filling the width", () => {
    const row = statusRow(base, 80);
    expect(plain(row).trimEnd()).toBe(" [alice] [1:room] [127.0.0.1:9999] [3 users] [rtt 2.3 ms]");
    expect(rowWidth(row)).toBe(80);
  });

  it("lists the windows with activity, a highlight in bold yellow", () => {
    const row = statusRow(
      {
        ...base,
        window: { number: 3, label: "carol" },
        activity: [
          { number: 1, activity: "text" },
          { number: 2, activity: "highlight" },
        ],
      },
      100,
    );
    expect(plain(row)).toContain("[alice] [3:carol] [127.0.0.1:9999]");
    expect(plain(row)).toContain("[Act: 1,2]");
    expect(row.find((segment) => segment.text === "2")?.style).toMatchObject({ bold: true });
    expect(row.find((segment) => segment.text === "1")?.style?.bold).toBeFalsy();
  });

  it("shows a connection problem and the rows waiting below a scrolled-back view", () => {
    const text = plain(
      statusRow({ ...base, problem: "lost: 3 keep-alives unanswered", more: 4 }, 120),
    );
    expect(text).toContain("[lost: 3 keep-alives unanswered]");
    expect(text).toContain("[more ↓ 4]");
  });

  it("says when no name is registered yet", () => {
    expect(
      plain(statusRow({ ...base, name: undefined, users: undefined, rttMs: undefined }, 60)),
    ).toContain("[not registered] [1:room] [127.0.0.1:9999]");
  });
});
