/*
 * Received names and messages must never drive the terminal (docs/protocol.md#messages): a
 * server less strict than ours may forward escape sequences, bidi overrides that reorder
 * what follows, or invisible characters that make one name look like another. Like irssi
 * and WeeChat, we show such characters as visible escapes instead of dropping them, so
 * the reader sees that something odd was sent.
 */

const TAB_SPACES = "    ";

// C0 and C1 controls and DEL: shown as \xNN, the form a programmer recognises.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/*
 * Invisible or reordering characters: every format character (Cf: bidi embeddings,
 * overrides and isolates, zero-width space, joiners, BOM, soft hyphen, tags), line and
 * paragraph separators, the Hangul fillers and lone surrogates. Shown as <U+XXXX>.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\p{Cs}]/u;

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
 * Escapes blessed's tag syntax, so "{red-fg}" typed by someone is shown, not obeyed.
 * Apply last, to text that is about to become blessed content.
 */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (brace) => (brace === "{" ? "{open}" : "{close}"));
}
