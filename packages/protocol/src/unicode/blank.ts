import { BLANKS } from "./blanks.generated.js";
import { DEFAULT_IGNORABLE } from "./case-folding.generated.js";

/*
 * Characters a name may not hold because they draw nothing (docs/protocol.md#revision-3-identity):
 * every Default_Ignorable_Code_Point (the Hangul fillers, variation selectors, U+034F …) and
 * the graphic blanks of blanks.generated.ts (U+2800 BRAILLE PATTERN BLANK …). White_Space and
 * format characters are refused before, with their own reasons. One regular expression built
 * from the generated (Unicode 17.0.0) tables, so the answer does not depend on the engine's ICU.
 */

const point = (hex: string) => `\\u{${hex}}`;

/**
 * The characters that draw nothing as a regular expression character class ("[…]", for
 * the u flag), so a client can build them into its own escaping.
 */
export const INVISIBLE_CLASS = `[${[
  ...DEFAULT_IGNORABLE.split(";").map((range) => {
    const [first, last] = range.split("-") as [string, string];
    return first === last ? point(first) : `${point(first)}-${point(last)}`;
  }),
  ...BLANKS.split(";").map(point),
].join("")}]`;

let invisible: RegExp | undefined;

function pattern(): RegExp {
  invisible ??= new RegExp(INVISIBLE_CLASS, "u");
  return invisible;
}

/** The first character of `text` that draws nothing, or `undefined`. */
export function invisibleCharacter(text: string): string | undefined {
  return pattern().exec(text)?.[0];
}

/** Every code point that draws nothing, for a client that shows them escaped. */
export function isInvisible(codePoint: number): boolean {
  return pattern().test(String.fromCodePoint(codePoint));
}
