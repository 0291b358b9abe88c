import { describe, expect, it } from "vitest";
import { InputLine } from "./input-line.js";

function typed(text: string): InputLine {
  const line = new InputLine();
  line.insert(text);
  return line;
}

describe("InputLine", () => {
  it("inserts at the cursor", () => {
    const line = typed("helo");
    line.left();
    line.insert("l");
    expect(line.text).toBe("hello");
    expect(line.cursor).toBe(4);
  });

  it("deletes an emoji or an accented letter as one with Backspace", () => {
    const line = typed("a😀e\u0301");
    line.backspace();
    expect(line.text).toBe("a😀");
    line.backspace();
    expect(line.text).toBe("a");
  });

  it("moves over an emoji as one step", () => {
    const line = typed("😀x");
    line.home();
    line.right();
    expect(line.cursor).toBe(2);
    line.deleteForward();
    expect(line.text).toBe("😀");
  });

  it("does nothing at the edges", () => {
    const line = typed("ab");
    line.right();
    line.deleteForward();
    line.home();
    line.left();
    line.backspace();
    expect(line.text).toBe("ab");
    expect(line.cursor).toBe(0);
  });

  it("deletes the word before the cursor with Ctrl-W", () => {
    const line = typed("hello big world  ");
    line.deleteWordBefore();
    expect(line.text).toBe("hello big ");
    line.deleteWordBefore();
    expect(line.text).toBe("hello ");
  });

  it("deletes to the start with Ctrl-U and to the end with Ctrl-K", () => {
    const line = typed("left|right");
    line.home();
    for (let i = 0; i < 5; i++) line.right();
    line.deleteToEnd();
    expect(line.text).toBe("left|");
    line.left();
    line.deleteToStart();
    expect(line.text).toBe("|");
    expect(line.cursor).toBe(0);
  });

  it("shows the end of a long line with the cursor at the end", () => {
    const view = typed("abcdefghij").view(5);
    expect(view).toEqual({ before: "ghij", at: "", after: "" });
  });

  it("scrolls so the cursor stays visible when it moves left", () => {
    const line = typed("abcdefghij");
    line.home();
    expect(line.view(4)).toEqual({ before: "", at: "a", after: "bcd" });
  });
});
