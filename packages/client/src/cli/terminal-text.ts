import { INVISIBLE_CLASS } from "@chat/protocol";

/*
 * Received names and messages must never drive the terminal (docs/protocol.md#messages): a
 * server less strict than ours may forward escape sequences, bidi overrides that reorder
 * what follows, or invisible characters that make one name look like another. Like irssi
 * and WeeChat, we show such characters as visible escapes instead of dropping them, so
 * the reader sees that something odd was sent. Every command prints server-supplied text
 * (names, messages, ERROR and INFO texts) through here, on stdout and stderr alike: the
 * terminal client, `chat --send`/`--listen` and `chat-healthcheck`.
 */

const TAB_SPACES = "    ";

// C0 and C1 controls and DEL: shown as \xNN, the form a programmer recognises.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/*
 * Invisible or reordering characters: every format character (Cf: bidi embeddings,
 * overrides and isolates, zero-width space, joiners, BOM, soft hyphen, tags), line and
 * paragraph separators, lone surrogates, and every character that draws nothing by the
 * protocol's list (docs/protocol.md#revision-3-identity: Default_Ignorable_Code_Point, so
 * the Hangul fillers, and U+2800 BRAILLE PATTERN BLANK and the other blanks), except the
 * presentation selectors U+FE0E and U+FE0F, which are dropped (below). Shown as <U+XXXX>.
 */
const INVISIBLE = new RegExp(
  `(?![\\uFE0E\\uFE0F])(?:[\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]|${INVISIBLE_CLASS})`,
  "u",
);

function hex(point: number, digits: number): string {
  return point.toString(16).toUpperCase().padStart(digits, "0");
}

const UNSAFE = new RegExp(`${CONTROL.source}|${INVISIBLE.source}`, "gu");

function escapeChar(char: string): string {
  const point = char.codePointAt(0) as number;
  if (CONTROL.test(char)) return `\\x${hex(point, 2).toLowerCase()}`;
  return `<U+${hex(point, 4)}>`;
}

/*
 * Variation selectors 15 and 16 ask for text or emoji presentation ("❤" vs "❤️"), and
 * terminals disagree on whether that changes the character's width, so a row holding one
 * can come out a column too long. They carry no meaning of their own: drop them.
 */
const VARIATION_SELECTORS = /[\uFE0E\uFE0F]/gu;

/*
 * A flag is a pair of regional indicator letters, drawn as one two-column glyph by some
 * terminals (tmux among them) and as two by others, so its width cannot be known. Show
 * the letters instead: 🇫🇷 becomes [FR].
 */
const REGIONAL_INDICATORS = /(\p{Regional_Indicator})(\p{Regional_Indicator})?/gu;
const REGIONAL_A = 0x1f1e6;

function regionLetter(indicator: string): string {
  return String.fromCharCode(0x41 + ((indicator.codePointAt(0) as number) - REGIONAL_A));
}

/**
 * Text whose width every terminal agrees on: no presentation selectors, flags as letters.
 */
export function stableWidthForm(text: string): string {
  return text
    .replace(VARIATION_SELECTORS, "")
    .replace(
      REGIONAL_INDICATORS,
      (_, first: string, second: string | undefined) =>
        `[${regionLetter(first)}${second ? regionLetter(second) : ""}]`,
    );
}

/**
 * A single-line form of untrusted text that is safe to print: every control, format or
 * invisible character becomes a visible escape (and presentation selectors are dropped,
 * see above). Use for names and anything else that
 * must stay on one line.
 */
export function sanitizeLine(text: string): string {
  // With the u flag, a lone surrogate matches \p{Cs} as one unit.
  return stableWidthForm(text.replace(UNSAFE, escapeChar));
}

/**
 * A message as lines that are safe to print. TAB and LF are allowed in messages by the
 * protocol: LF starts a new line and TAB becomes spaces; everything else as in
 * sanitizeLine (a CR is shown as \x0d, so it cannot return the cursor over a line).
 */
export function sanitizeMessage(text: string): string[] {
  return text.split("\n").map((line) => sanitizeLine(line.replaceAll("\t", TAB_SPACES)));
}

/** True when sanitizeLine would change nothing. */
export function isPrintable(text: string): boolean {
  return sanitizeLine(text) === text;
}

/**
 * One line of JSON whose strings cannot drive a terminal: JSON.stringify escapes C0
 * controls; every other character sanitizeLine would escape (C1, DEL, format, separators,
 * blanks) is written as \\uXXXX too, so a script reading the JSON gets the text exactly.
 */
export function jsonLine(value: unknown): string {
  const toUnicodeEscapes = (char: string) =>
    char
      .split("")
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)
      .join("");
  return `${JSON.stringify(value).replace(UNSAFE, toUnicodeEscapes)}\n`;
}
