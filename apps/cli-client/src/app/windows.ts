import { foldName } from "@chat/protocol";
import type { FormatOptions } from "./format.js";
import { History } from "./history.js";
import { Scrollback } from "./scrollback.js";

/*
 * Conversation windows, as in irssi: window 1 is the room, each private conversation has
 * its own. Numbers follow the order of the list (closing 2 makes 3 the new 2), the
 * current window is the one shown, and every other window remembers how much happened
 * in it since it was last looked at: its activity, for the [Act: 2,4] list.
 */

/** Nothing new; something new; something for you (a mention, a private message). */
export type Activity = "none" | "text" | "highlight";

const RANK: Record<Activity, number> = { none: 0, text: 1, highlight: 2 };

export const SCROLLBACK_LINES = 5_000;
export const HISTORY_LINES = 100;

export class ChatWindow {
  readonly log: Scrollback;
  readonly history: History;
  activity: Activity = "none";
  /** The other user left or expired; their window stays, and is used again when they return. */
  gone = false;

  constructor(
    /** The other user of a query; undefined for the room. */
    public peer: string | undefined,
    format: FormatOptions,
    earlierLines: readonly string[],
  ) {
    this.log = new Scrollback(SCROLLBACK_LINES, format);
    this.history = new History(HISTORY_LINES, earlierLines);
  }

  get isRoom(): boolean {
    return this.peer === undefined;
  }

  /** What the status line calls it: "room" or the other user's name. */
  get label(): string {
    return this.peer ?? "room";
  }
}

export interface ActivityItem {
  number: number;
  activity: Exclude<Activity, "none">;
}

export class Windows {
  readonly #list: ChatWindow[];
  #current = 0;

  constructor(
    readonly format: FormatOptions = {},
    /** Earlier input lines of a window: the room's (peer undefined) or a query's. */
    readonly earlierLines: (peer: string | undefined) => readonly string[] = () => [],
  ) {
    this.#list = [new ChatWindow(undefined, format, earlierLines(undefined))];
  }

  get room(): ChatWindow {
    return this.#list[0] as ChatWindow;
  }

  get current(): ChatWindow {
    return this.#list[this.#current] as ChatWindow;
  }

  get all(): readonly ChatWindow[] {
    return this.#list;
  }

  get count(): number {
    return this.#list.length;
  }

  /** 1-based, as shown. */
  numberOf(window: ChatWindow): number {
    return this.#list.indexOf(window) + 1;
  }

  /** The query window with `peer` (names compared as the server compares them). */
  find(peer: string): ChatWindow | undefined {
    const folded = foldName(peer);
    return this.#list.find(
      (window) => window.peer !== undefined && foldName(window.peer) === folded,
    );
  }

  /** The query window with `peer`, opened at the end of the list if there is none. */
  query(peer: string): ChatWindow {
    const found = this.find(peer);
    if (found) return found;
    const window = new ChatWindow(peer, this.format, this.earlierLines(peer));
    this.#list.push(window);
    return window;
  }

  /** Shows window `number`; false if there is no such window. */
  select(number: number): boolean {
    if (!Number.isInteger(number) || number < 1 || number > this.#list.length) return false;
    this.#current = number - 1;
    this.current.activity = "none";
    return true;
  }

  show(window: ChatWindow): void {
    this.select(this.numberOf(window));
  }

  /** Ctrl-N / Ctrl-P: the next or previous window, wrapping around. */
  step(by: 1 | -1): void {
    const count = this.#list.length;
    this.select(((this.#current + by + count) % count) + 1);
  }

  /** Closes a query window (the room stays); the one before it is shown if it was current. */
  close(window: ChatWindow): boolean {
    const index = this.#list.indexOf(window);
    if (index <= 0) return false;
    const current = this.current;
    this.#list.splice(index, 1);
    this.select(current === window ? index : this.numberOf(current));
    return true;
  }

  /** Something arrived in `window`: unless it is being looked at, remember how much it matters. */
  touch(window: ChatWindow, activity: Exclude<Activity, "none">): void {
    if (window === this.current) return;
    if (RANK[activity] > RANK[window.activity]) window.activity = activity;
  }

  /** Alt+A: shows the window with the most important unseen news (a highlight first, then
   * the lowest number); false when nothing is unseen. */
  selectMostActive(): boolean {
    let best: ChatWindow | undefined;
    for (const window of this.#list) {
      if (window.activity === "none") continue;
      if (!best || RANK[window.activity] > RANK[best.activity]) best = window;
    }
    if (!best) return false;
    this.show(best);
    return true;
  }

  /** Windows with something unseen, in number order, for [Act: 2,4]. */
  activityList(): ActivityItem[] {
    const items: ActivityItem[] = [];
    this.#list.forEach((window, index) => {
      if (window.activity !== "none") items.push({ number: index + 1, activity: window.activity });
    });
    return items;
  }
}
