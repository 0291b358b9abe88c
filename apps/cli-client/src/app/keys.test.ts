import { describe, expect, it } from "vitest";
import { keyAction } from "./keys.js";

describe("keyAction", () => {
  it("maps editing and navigation keys", () => {
    expect(keyAction({ name: "enter" })).toBe("submit");
    expect(keyAction({ name: "return" })).toBeUndefined();
    expect(keyAction({ name: "tab", ch: "\t" })).toBe("complete");
    expect(keyAction({ name: "pageup" })).toBe("page-up");
    expect(keyAction({ name: "up" })).toBe("history-previous");
  });

  it("maps Ctrl-C to quit and the readline control keys", () => {
    expect(keyAction({ name: "c", ctrl: true })).toBe("quit");
    expect(keyAction({ name: "w", ctrl: true })).toBe("delete-word");
    expect(keyAction({ name: "x", ctrl: true })).toBeUndefined();
  });

  it("maps Alt+1..9 and Alt+0 to windows 1..10, Ctrl-N and Ctrl-P to the next and previous", () => {
    expect(keyAction({ name: "1", meta: true })).toEqual({ window: 1 });
    expect(keyAction({ name: "9", meta: true })).toEqual({ window: 9 });
    expect(keyAction({ name: "0", meta: true })).toEqual({ window: 10 });
    expect(keyAction({ name: "b", meta: true })).toBeUndefined();
    expect(keyAction({ name: "n", ctrl: true })).toBe("next-window");
    expect(keyAction({ name: "p", ctrl: true })).toBe("previous-window");
  });

  it("maps Alt+A to the most active window and Alt+Left/Right to the previous and next", () => {
    expect(keyAction({ name: "a", meta: true })).toBe("active-window");
    expect(keyAction({ name: "left", meta: true })).toBe("previous-window");
    expect(keyAction({ name: "right", meta: true })).toBe("next-window");
    expect(keyAction({ name: "left" })).toBe("left");
  });

  it("inserts printable characters, including emoji and accents", () => {
    expect(keyAction({ name: "a", ch: "a" })).toEqual({ insert: "a" });
    expect(keyAction({ name: "undefined", ch: "😀" })).toEqual({ insert: "😀" });
  });

  it("refuses control and invisible characters typed or pasted", () => {
    expect(keyAction({ name: "escape", ch: "\u001b" })).toBeUndefined();
    expect(keyAction({ name: "x", ch: "a\u202eb" })).toEqual({ insert: "ab" });
  });
});
