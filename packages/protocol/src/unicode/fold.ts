import { CASE_FOLDING, DEFAULT_IGNORABLE } from "./case-folding.generated.js";
import { parseCodePointMap, parseRanges } from "./tables.js";

/*
 * NFKC_Casefold (Unicode's NFKC_CF, UAX #44): NFKC, full case folding (CaseFolding.txt
 * statuses C and F) and removal of Default_Ignorable_Code_Point characters, repeated until
 * the text stops changing, since each step can expose work for the others ("ǅ" folds to
 * "ǆ", U+FFA0 normalizes to the ignorable U+3164). The result is NFC, as NFKC's output is.
 * NFKC comes from the JavaScript engine (ICU); the folding data is Unicode 17.0.0, the
 * version of Node 20's ICU. A test checks every code point against Unicode's
 * Changes_When_NFKC_Casefolded property.
 */

let folding: Map<number, string> | undefined;
let isIgnorable: ((codePoint: number) => boolean) | undefined;

function foldAndStrip(text: string): string {
  folding ??= parseCodePointMap(CASE_FOLDING);
  isIgnorable ??= parseRanges(DEFAULT_IGNORABLE);
  let out = "";
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    if (codePoint > 0xac && isIgnorable(codePoint)) continue;
    out += folding.get(codePoint) ?? char;
  }
  return out;
}

/**
 * The NFKC_Casefold form of `text`: "STRASSE" and "straße", "ς" and "σ", "ǅ" and "ǆ" meet.
 * As UAX #44 defines it for strings: each character mapped on its own, then NFC (mapping
 * the whole string at once would let NFKC reorder U+0345 before it folds to a starter).
 */
export function nfkcCasefold(text: string): string {
  let out = "";
  for (const char of text) out += foldCharacter(char);
  return out.normalize("NFC");
}

/*
 * Folding one character costs two ICU calls; names repeat their characters, so the answers
 * are kept, for at most CACHED_CHARACTERS code points (bounded whatever names arrive).
 */
const CACHED_CHARACTERS = 4096;
const folded = new Map<string, string>();

/** NFKC_Casefold of one character: NFKC, fold, strip ignorables, until nothing changes. */
function foldCharacter(char: string): string {
  const known = folded.get(char);
  if (known !== undefined) return known;
  const result = foldUncached(char);
  if (folded.size < CACHED_CHARACTERS) folded.set(char, result);
  return result;
}

function foldUncached(char: string): string {
  let current = char.normalize("NFKC");
  for (;;) {
    const next = foldAndStrip(current).normalize("NFKC");
    if (next === current) return next;
    current = next;
  }
}
