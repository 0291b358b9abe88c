import { foldName } from "@chat/protocol";

/*
 * Tab completion of user names, as in irssi and WeeChat: a name completed at the start of
 * the line becomes "name: " (addressing someone), anywhere else just the name. Pressing
 * Tab again replaces it with the next match, in alphabetical order, wrapping around.
 */

export interface CompletionState {
  /** Where the completed word starts. */
  start: number;
  matches: string[];
  index: number;
  /** The text and cursor the last completion produced; another Tab on them cycles. */
  text: string;
  cursor: number;
  /** What followed a word completed at the start of the line; cycling keeps it. */
  startSuffix: string;
}

export interface Completed {
  text: string;
  cursor: number;
  state: CompletionState;
}

/** What follows a name completed at the start of the line: "alice: " addresses alice. */
export const ADDRESS_SUFFIX = ": ";

function apply(
  text: string,
  start: number,
  end: number,
  name: string,
  startSuffix: string,
): { text: string; cursor: number } {
  const suffix = start === 0 ? startSuffix : "";
  const rest = text.slice(end);
  const replaced = text.slice(0, start) + name + suffix;
  return { text: replaced + rest, cursor: replaced.length };
}

/**
 * Completes the word before the cursor from `names`; undefined when none matches.
 * `startSuffix` follows a word completed at the start of the line (" " for commands).
 */
export function complete(
  text: string,
  cursor: number,
  names: readonly string[],
  previous: CompletionState | undefined,
  startSuffix = ADDRESS_SUFFIX,
): Completed | undefined {
  if (
    previous &&
    previous.text === text &&
    previous.cursor === cursor &&
    previous.matches.length > 0
  ) {
    const index = (previous.index + 1) % previous.matches.length;
    const name = previous.matches[index] as string;
    const replaced = apply(text, previous.start, cursor, name, previous.startSuffix);
    return { ...replaced, state: { ...previous, index, ...replaced } };
  }
  const before = text.slice(0, cursor);
  const start = before.search(/\S*$/u);
  const prefix = foldName(before.slice(start));
  const matches = [...new Set(names)]
    .filter((name) => foldName(name).startsWith(prefix))
    .sort((a, b) => foldName(a).localeCompare(foldName(b)));
  const first = matches[0];
  if (first === undefined) return undefined;
  const replaced = apply(text, start, cursor, first, startSuffix);
  return { ...replaced, state: { start, matches, index: 0, ...replaced, startSuffix } };
}
