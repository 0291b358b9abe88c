import { foldName } from "@chat/protocol";

/*
 * Each name gets a colour from its hash, so "alice" is the same colour in every window
 * and every session, as in WeeChat. The palette leaves out black, white and grey (the
 * colours of the UI itself) and folds names first, since the server treats "Alice" and
 * "alice" as the same user.
 */
export const NAME_PALETTE: readonly string[] = [
  "cyan",
  "green",
  "yellow",
  "magenta",
  "blue",
  "red",
  "light-cyan",
  "light-green",
  "light-yellow",
  "light-magenta",
  "light-blue",
  "light-red",
];

/** 32-bit FNV-1a over the UTF-16 units of the folded name. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function nameColour(name: string): string {
  return NAME_PALETTE[fnv1a(foldName(name)) % NAME_PALETTE.length] as string;
}
