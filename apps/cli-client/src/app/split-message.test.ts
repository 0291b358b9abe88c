import { checkMessage, DEFAULT_MAX_MESSAGE_BYTES } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { splitMessage } from "./split-message.js";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("splitMessage", () => {
  it("leaves a line that fits alone", () => {
    expect(splitMessage("hello", 1024)).toEqual(["hello"]);
  });

  it("cuts a 1,100-byte line into pieces the server takes, losing nothing", () => {
    const line = "word ".repeat(220);
    const pieces = splitMessage(line, DEFAULT_MAX_MESSAGE_BYTES);
    expect(pieces.length).toBe(2);
    for (const piece of pieces) expect(checkMessage(piece)).toBeUndefined();
    expect(pieces.join("")).toBe(line);
    expect(pieces[0]?.endsWith(" ")).toBe(true); // after a space, not inside a word
  });

  it("cuts CJK text between characters, never inside one", () => {
    const line = "中文字".repeat(200); // 1,800 bytes, no spaces
    const pieces = splitMessage(line, 1024);
    expect(pieces.join("")).toBe(line);
    for (const piece of pieces) {
      expect(bytes(piece)).toBeLessThanOrEqual(1024);
      expect(piece.isWellFormed()).toBe(true);
    }
  });

  it("keeps a letter with its combining marks and an emoji whole", () => {
    const line = `${"e\u0301".repeat(300)}${"😀".repeat(100)}`;
    const pieces = splitMessage(line, 100);
    expect(pieces.join("")).toBe(line);
    for (const piece of pieces) {
      expect(piece.startsWith("\u0301")).toBe(false);
      expect(piece.isWellFormed()).toBe(true);
      expect(bytes(piece)).toBeLessThanOrEqual(100);
    }
  });
});
