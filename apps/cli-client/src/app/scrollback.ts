import { type FormatOptions, formatEntry, type LogEntry } from "./format.js";
import type { Row } from "./style.js";

interface Stored {
  id: number;
  entry: LogEntry;
  /** Rows at `width`, recomputed when the width or the entry changes. */
  rows?: Row[];
  width?: number;
}

/**
 * The message log: a bounded list of entries (the oldest dropped first) and a view onto
 * it that can scroll back. The scroll position counts rows from the bottom, so new lines
 * arriving while the user reads old ones do not move what they read (as in irssi).
 */
export class Scrollback {
  readonly #entries: Stored[] = [];
  readonly #byId = new Map<number, Stored>();
  #nextId = 1;
  #offset = 0;
  #width = 80;
  /** Rows that arrived below the view while scrolled back. */
  #unseenRows = 0;

  constructor(
    readonly limit = 5_000,
    readonly format: FormatOptions = {},
  ) {}

  get size(): number {
    return this.#entries.length;
  }

  /** How far back the view is, in rows; 0 is the bottom (following new lines). */
  get offset(): number {
    return this.#offset;
  }

  get atBottom(): boolean {
    return this.#offset === 0;
  }

  get unseenRows(): number {
    return this.#unseenRows;
  }

  add(entry: LogEntry): number {
    const stored: Stored = { id: this.#nextId++, entry };
    this.#entries.push(stored);
    this.#byId.set(stored.id, stored);
    if (this.#entries.length > this.limit) {
      const dropped = this.#entries.shift() as Stored;
      this.#byId.delete(dropped.id);
    }
    if (this.#offset > 0) {
      const rows = this.#rowsOf(stored, this.#width).length;
      this.#offset += rows;
      this.#unseenRows += rows;
    }
    return stored.id;
  }

  /** Changes an entry in place (a delivery status that arrived); false if it is gone. */
  update(id: number, change: (entry: LogEntry) => LogEntry): boolean {
    const stored = this.#byId.get(id);
    if (!stored) return false;
    stored.entry = change(stored.entry);
    stored.rows = undefined;
    return true;
  }

  get(id: number): LogEntry | undefined {
    return this.#byId.get(id)?.entry;
  }

  entries(): LogEntry[] {
    return this.#entries.map((stored) => stored.entry);
  }

  clear(): void {
    this.#entries.length = 0;
    this.#byId.clear();
    this.#offset = 0;
    this.#unseenRows = 0;
  }

  #rowsOf(stored: Stored, width: number): Row[] {
    if (!stored.rows || stored.width !== width) {
      stored.rows = formatEntry(stored.entry, width, this.format);
      stored.width = width;
    }
    return stored.rows;
  }

  #totalRows(width: number): number {
    let total = 0;
    for (const stored of this.#entries) total += this.#rowsOf(stored, width).length;
    return total;
  }

  /** Scrolls back by `rows` (forward when negative), kept within the log. */
  scroll(rows: number, width: number, height: number): void {
    this.#width = width;
    const maxOffset = Math.max(0, this.#totalRows(width) - height);
    this.#offset = Math.max(0, Math.min(maxOffset, this.#offset + rows));
    if (this.#offset === 0) this.#unseenRows = 0;
  }

  pageUp(width: number, height: number): void {
    this.scroll(Math.max(1, height - 1), width, height);
  }

  pageDown(width: number, height: number): void {
    this.scroll(-Math.max(1, height - 1), width, height);
  }

  toBottom(): void {
    this.#offset = 0;
    this.#unseenRows = 0;
  }

  /** The `height` rows to show at `width`, bottom-aligned like a terminal. */
  view(width: number, height: number): Row[] {
    this.#width = width;
    const maxOffset = Math.max(0, this.#totalRows(width) - height);
    if (this.#offset > maxOffset) this.#offset = maxOffset;
    const rows: Row[] = [];
    let skip = this.#offset;
    for (let i = this.#entries.length - 1; i >= 0 && rows.length < height; i--) {
      const entryRows = this.#rowsOf(this.#entries[i] as Stored, width);
      for (let r = entryRows.length - 1; r >= 0 && rows.length < height; r--) {
        if (skip > 0) skip--;
        else rows.unshift(entryRows[r] as Row);
      }
    }
    return rows;
  }
}
