import { describe, expect, it } from "vitest";
import { clusters, codePointWidth, displayWidth } from "./width.js";

describe("displayWidth", () => {
  it("counts ASCII and Latin letters as one column each", () => {
    expect(displayWidth("hello")).toBe(5);
    expect(displayWidth("café")).toBe(4);
  });

  it("counts combining marks as zero columns", () => {
    expect(displayWidth("e\u0301")).toBe(1);
    expect(displayWidth("a\u0308\u0301")).toBe(1);
  });

  it("counts CJK, Hangul and fullwidth forms as two columns", () => {
    expect(displayWidth("中文")).toBe(4);
    expect(displayWidth("한국")).toBe(4);
    expect(displayWidth("ＡＢ")).toBe(4);
    expect(displayWidth("𠀀")).toBe(2);
  });

  it("counts emoji with emoji presentation as two columns, in and beyond the BMP", () => {
    expect(displayWidth("😀")).toBe(2);
    expect(displayWidth("⌚")).toBe(2);
    expect(displayWidth("👍🏽")).toBe(4);
  });

  it("counts a text-style symbol as one column", () => {
    expect(displayWidth("☀")).toBe(1);
    expect(displayWidth("❤")).toBe(1);
  });

  it("counts astral letters that are not wide as one column", () => {
    expect(displayWidth("𝐀")).toBe(1);
  });

  it("gives control characters no width (they are escaped before display)", () => {
    expect(codePointWidth(0x1b)).toBe(0);
  });
});

describe("clusters", () => {
  it("keeps combining marks and VS16 with their base", () => {
    expect(clusters("e\u0301x❤\uFE0F")).toEqual(["e\u0301", "x", "❤\uFE0F"]);
  });

  it("keeps surrogate pairs whole", () => {
    expect(clusters("😀a")).toEqual(["😀", "a"]);
  });
});
