/*
 * How many terminal columns text takes, the way modern terminals (xterm, tmux, kitty,
 * iTerm2, WezTerm) draw it: East Asian Wide and Fullwidth characters and emoji with
 * emoji presentation take two, combining marks none. The screen teaches blessed the same
 * rules, so what we measure here is what the terminal draws.
 */

const COMBINING = /^[\p{Mn}\p{Me}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;

// East Asian Wide (W) and Fullwidth (F) ranges, Unicode 15 (emoji are covered above).
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function inWideRange(point: number): boolean {
  let low = 0;
  let high = WIDE_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = WIDE_RANGES[middle] as readonly [number, number];
    if (point < start) high = middle - 1;
    else if (point > end) low = middle + 1;
    else return true;
  }
  return false;
}

/** Columns one code point takes on its own: 0, 1 or 2. */
export function codePointWidth(point: number): 0 | 1 | 2 {
  if (point < 0x20 || (point >= 0x7f && point < 0xa0)) return 0;
  if (point < 0x300) return 1;
  const char = String.fromCodePoint(point);
  if (point === 0x200b || COMBINING.test(char)) return 0;
  if ((point >= 0x1160 && point <= 0x11ff) || (point >= 0xd7b0 && point <= 0xd7ff)) return 0;
  if (inWideRange(point) || EMOJI_PRESENTATION.test(char)) return 2;
  return 1;
}

/**
 * Columns `text` takes; `text` must be free of control characters and presentation
 * selectors (see sanitize.ts), whose width terminals disagree on.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0) as number);
  return width;
}

/**
 * Splits text into display clusters: a character with the combining marks (variation
 * selectors among them) that follow it. A cluster is never split when wrapping or truncating.
 */
export function clusters(text: string): string[] {
  const out: string[] = [];
  for (const char of text) {
    const point = char.codePointAt(0) as number;
    if (out.length > 0 && codePointWidth(point) === 0) {
      out[out.length - 1] += char;
    } else {
      out.push(char);
    }
  }
  return out;
}

/**
 * Columns the screen library reserves for a cluster: it counts UTF-16 units and adds one
 * for a wide character, so a surrogate pair or a combining mark costs more than it
 * shows. Rows are laid out so this never passes the pane width, and so the library never
 * wraps or cuts them behind our back. Never less than displayWidth.
 */
export function layoutWidth(cluster: string): number {
  return cluster.length + (displayWidth(cluster) === 2 ? 1 : 0);
}
