import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Env, stateDir } from "./xdg.js";

/** Lines kept across runs, all windows together; the oldest go first. */
export const STORED_LINES = 1_000;

/** The key of the room's history; a query's is the other user's folded name. */
export const ROOM_KEY = "";

export const historyPath = (env: Env) => join(stateDir(env), "history");

/**
 * The input history on disk, so Up reaches last run's lines: one line per entry,
 * "<window key> TAB <line>" (names and typed lines hold no tab or newline). Bounded; the
 * file is rewritten whole (at most STORED_LINES short lines) through a temporary file,
 * readable by its owner only, as it holds private conversations.
 */
export class HistoryStore {
  readonly #entries: Array<readonly [string, string]> = [];

  private constructor(
    readonly path: string,
    readonly limit: number,
  ) {}

  /** Loads the file (a missing one is empty); `problem` says why it could not be read. */
  static open(path: string, limit = STORED_LINES): { store: HistoryStore; problem?: string } {
    const store = new HistoryStore(path, limit);
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") return { store, problem: `cannot read ${path} (${code})` };
    }
    for (const row of text.split("\n")) {
      const tab = row.indexOf("\t");
      if (tab >= 0 && row.length > tab + 1)
        store.#entries.push([row.slice(0, tab), row.slice(tab + 1)]);
    }
    store.#entries.splice(0, Math.max(0, store.#entries.length - limit));
    return { store };
  }

  /** The stored lines of one window, oldest first. */
  lines(key: string): string[] {
    return this.#entries.filter(([k]) => k === key).map(([, line]) => line);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Records a line and saves; returns why saving failed, or undefined. */
  add(key: string, line: string): string | undefined {
    if (/[\t\n\r]/u.test(key) || /[\n\r]/u.test(line) || line.trim() === "") return undefined;
    this.#entries.push([key, line]);
    if (this.#entries.length > this.limit) this.#entries.shift();
    return this.#save();
  }

  #save(): string | undefined {
    const text = this.#entries.map(([key, line]) => `${key}\t${line}\n`).join("");
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, text, { mode: 0o600 });
      renameSync(temporary, this.path);
      return undefined;
    } catch (error) {
      return `cannot save the input history to ${this.path}: ${(error as Error).message}`;
    }
  }
}
