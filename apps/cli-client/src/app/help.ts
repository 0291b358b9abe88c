import { COMMANDS } from "./commands.js";

/** Keys the client understands, for /help and the README. */
export const KEYS: ReadonlyArray<readonly [string, string]> = [
  ["Enter", "send the line"],
  ["Tab", "complete a user name (again: next match)"],
  ["Up / Down", "walk through what you sent (100 lines)"],
  ["PgUp / PgDn", "scroll back through the log (5,000 lines)"],
  ["Left / Right, Home / End, Ctrl-A / Ctrl-E", "move in the line"],
  ["Backspace / Delete, Ctrl-W / Ctrl-U / Ctrl-K", "delete a character, word, to start, to end"],
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
