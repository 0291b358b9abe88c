import { COMMANDS } from "./commands.js";

/** Keys the client understands, for /help and the README. */
export const KEYS: ReadonlyArray<readonly [string, string]> = [
  ["Enter", "send the line"],
  ["Tab", "complete a name or a command; again: the next"],
  ["Tab on an empty line", "answer the last private message"],
  ["Alt+1..9 Alt+0", "show window 1..9, 10 (1 is the room)"],
  ["Ctrl-N Ctrl-P", "the next, the previous window"],
  ["Alt+Right Alt+Left", "the next, the previous window"],
  ["Alt+A", "the window with the most important news"],
  ["Up Down", "what you sent in this window before"],
  ["PgUp PgDn", "scroll the log back and forth (5,000 lines)"],
  ["Left Right Home End", "move in the line (also Ctrl-A, Ctrl-E)"],
  ["Backspace Delete", "delete a character"],
  ["Ctrl-W Ctrl-U Ctrl-K", "delete a word, to the start, to the end"],
  ["Ctrl-L", "redraw the screen"],
  ["Ctrl-C", "quit, like /quit"],
];

/** The lines /help prints. */
export function helpLines(): string[] {
  const usageWidth = Math.max(...COMMANDS.map((command) => command.usage.length));
  const keyWidth = Math.max(...KEYS.map(([key]) => key.length));
  return [
    "Commands (plain text is sent to everyone; //text sends /text):",
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(usageWidth)}  ${command.description}`),
    "Keys:",
    ...KEYS.map(([key, what]) => `  ${key.padEnd(keyWidth)}  ${what}`),
  ];
}
