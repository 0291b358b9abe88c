import { describe, expect, it } from "vitest";
import { Windows } from "./windows.js";

describe("Windows", () => {
  it("starts with the room as window 1, shown", () => {
    const windows = new Windows();
    expect(windows.count).toBe(1);
    expect(windows.current).toBe(windows.room);
    expect(windows.room.label).toBe("room");
  });

  it("opens one query window per user, found again whatever the case of the name", () => {
    const windows = new Windows();
    const bob = windows.query("Bob");
    expect(windows.query("bob")).toBe(bob);
    expect(windows.find("BOB")).toBe(bob);
    expect(windows.numberOf(bob)).toBe(2);
    expect(windows.current).toBe(windows.room); // opening does not switch
  });

  it("selects by number, refuses a window that does not exist, and steps around", () => {
    const windows = new Windows();
    const bob = windows.query("bob");
    const carol = windows.query("carol");
    expect(windows.select(3)).toBe(true);
    expect(windows.current).toBe(carol);
    expect(windows.select(4)).toBe(false);
    expect(windows.select(0)).toBe(false);
    windows.step(1);
    expect(windows.current).toBe(windows.room);
    windows.step(-1);
    expect(windows.current).toBe(carol);
    windows.step(-1);
    expect(windows.current).toBe(bob);
  });

  it("closes a query, renumbering the rest, and never closes the room", () => {
    const windows = new Windows();
    const bob = windows.query("bob");
    const carol = windows.query("carol");
    windows.show(bob);
    expect(windows.close(windows.room)).toBe(false);
    expect(windows.close(bob)).toBe(true);
    expect(windows.current).toBe(windows.room);
    expect(windows.numberOf(carol)).toBe(2);
    windows.show(carol);
    windows.query("dave");
    expect(windows.close(windows.find("dave")!)).toBe(true);
    expect(windows.current).toBe(carol);
  });

  it("lists activity of the windows not shown, the highest level kept, cleared on a visit", () => {
    const windows = new Windows();
    const bob = windows.query("bob");
    const carol = windows.query("carol");
    windows.touch(windows.room, "text");
    windows.touch(bob, "highlight");
    windows.touch(bob, "text");
    // The room is shown: what arrives there is seen at once.
    expect(windows.activityList()).toEqual([{ number: 2, activity: "highlight" }]);
    windows.show(carol);
    windows.touch(windows.room, "text");
    expect(windows.activityList()).toEqual([
      { number: 1, activity: "text" },
      { number: 2, activity: "highlight" },
    ]);
    windows.show(bob);
    expect(windows.activityList()).toEqual([{ number: 1, activity: "text" }]);
  });

  it("gives each window its own history, seeded from earlier runs", () => {
    const windows = new Windows({}, (peer) => (peer === undefined ? ["hi all"] : [`hi ${peer}`]));
    expect(windows.room.history.previous("")).toBe("hi all");
    expect(windows.query("bob").history.previous("")).toBe("hi bob");
  });
});
