import { describe, expect, it } from "vitest";
import { plain, type Row } from "./style.js";
import { padRow, rowWidth, truncateRow, wrapRow } from "./wrap.js";

const text = (value: string): Row => [{ text: value }];
const lines = (rows: Row[]) => rows.map(plain);

describe("wrapRow", () => {
  it("leaves a row that fits alone", () => {
    expect(lines(wrapRow(text("hello world"), 20))).toEqual(["hello world"]);
  });

  it("breaks after the last space that fits", () => {
    expect(lines(wrapRow(text("the quick brown fox"), 10))).toEqual(["the quick", "brown fox"]);
  });

  it("breaks a word longer than the row wherever it must", () => {
    expect(lines(wrapRow(text("abcdefghijkl"), 5))).toEqual(["abcde", "fghij", "kl"]);
  });

  it("indents continuation rows under the message", () => {
    const rows = wrapRow(text("12:00 <bob> one two three four five six"), 24, 12);
    expect(lines(rows)).toEqual([
      "12:00 <bob> one two",
      "            three four",
      "            five six",
    ]);
  });

  it("keeps every row within the width, counting wide characters as two columns", () => {
    const rows = wrapRow(text("中文中文中文中文"), 7);
    for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(7);
    expect(lines(rows).join("")).toBe("中文中文中文中文");
  });

  it("never splits an emoji or a letter from its combining accent", () => {
    const rows = wrapRow(text("e\u0301e\u0301e\u0301😀😀"), 4);
    expect(lines(rows).join("")).toBe("e\u0301e\u0301e\u0301😀😀");
    for (const row of lines(rows)) expect(row.startsWith("\u0301")).toBe(false);
  });

  it("starts a word longer than a row on the nick's row, not under it (CJK has no spaces)", () => {
    const sentence = "这是一个没有空格的很长的中文句子需要换行显示";
    const rows = lines(wrapRow(text(`12:00 <bob> ${sentence}`), 30, 12));
    expect(rows[0]).toMatch(/^12:00 <bob> 这是/u);
    for (const row of rows.slice(1)) expect(row).toMatch(/^ {12}\S/u);
    expect(rows.map((row, i) => (i === 0 ? row.slice(12) : row.trim())).join("")).toBe(sentence);
  });

  it("still moves a word that fits a row down whole", () => {
    const rows = lines(wrapRow(text("12:00 <bob> hello wonderful"), 24, 12));
    expect(rows).toEqual(["12:00 <bob> hello", "            wonderful"]);
  });

  it("keeps styles on the pieces they came from", () => {
    const rows = wrapRow(
      [{ text: "<bob> ", style: { fg: "red" } }, { text: "hi there friend" }],
      12,
    );
    expect(rows[0]?.[0]).toEqual({ text: "<bob> ", style: { fg: "red" } });
    expect(lines(rows)).toEqual(["<bob> hi", "there friend"]);
  });
});

describe("truncateRow and padRow", () => {
  it("cuts with an ellipsis", () => {
    expect(plain(truncateRow(text("abcdefgh"), 5))).toBe("abcd…");
  });

  it("does not cut a row that fits", () => {
    expect(plain(truncateRow(text("abc"), 5))).toBe("abc");
  });

  it("pads to the exact width", () => {
    expect(plain(padRow(text("ab"), 5))).toBe("ab   ");
    expect(rowWidth(padRow(text("中文中文"), 5))).toBe(5);
  });
});
