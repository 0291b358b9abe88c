/** A key press as the app sees it, whatever library read it from the terminal. */
export interface Key {
  /** "enter", "tab", "up", "pageup", "backspace", "a", … */
  name: string;
  /** The character typed, for printable keys. */
  ch?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

export type KeyAction =
  | "submit"
  | "complete"
  | "history-previous"
  | "history-next"
  | "page-up"
  | "page-down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "backspace"
  | "delete"
  | "delete-word"
  | "delete-to-start"
  | "delete-to-end"
  | "redraw"
  | "quit"
  | "next-window"
  | "previous-window"
  /** Alt+A: the window with the most important news (irssi's "most active"). */
  | "active-window"
  | { insert: string }
  /** Alt+1..9, Alt+0 for 10. */
  | { window: number }
  | undefined;

// Typed text may not carry controls or invisible characters into a message.
const UNTYPEABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const CTRL: Record<string, KeyAction> = {
  c: "quit",
  a: "home",
  e: "end",
  w: "delete-word",
  u: "delete-to-start",
  k: "delete-to-end",
  l: "redraw",
  h: "backspace",
  n: "next-window",
  p: "previous-window",
};

const NAMED: Record<string, KeyAction> = {
  // blessed reports Enter ("\r") twice, as "return" and then "enter": act on "enter" only.
  enter: "submit",
  linefeed: "submit",
  tab: "complete",
  up: "history-previous",
  down: "history-next",
  pageup: "page-up",
  pagedown: "page-down",
  left: "left",
  right: "right",
  home: "home",
  end: "end",
  backspace: "backspace",
  delete: "delete",
};

export function keyAction(key: Key): KeyAction {
  if (key.ctrl) return CTRL[key.name];
  if (key.meta && /^[0-9]$/u.test(key.name)) return { window: Number(key.name) || 10 };
  if (key.meta && key.name === "a") return "active-window";
  if (key.meta && key.name === "left") return "previous-window";
  if (key.meta && key.name === "right") return "next-window";
  if (key.name === "tab" && key.shift) return undefined;
  const named = NAMED[key.name];
  if (named) return named;
  if (key.meta || key.ch === undefined) return undefined;
  const text = key.ch.replace(UNTYPEABLE, "");
  return text === "" ? undefined : { insert: text };
}
