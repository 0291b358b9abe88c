import { foldName } from "@chat/protocol";
import { displayWidth } from "./width.js";

/**
 * Who is online, as the UI needs it: folded names for look-ups (the server's notion of
 * "the same name"), the display order and the widest name, each computed once per change
 * rather than once per frame, since a server may hold 10,000 users.
 */
export class Roster {
  #names: readonly string[] = [];
  #folded = new Set<string>();
  #sorted: string[] | undefined;
  #widest: number | undefined;

  get names(): readonly string[] {
    return this.#names;
  }

  get size(): number {
    return this.#names.length;
  }

  has(name: string): boolean {
    return this.#folded.has(foldName(name));
  }

  /** Replaces the list; returns who joined and who left, in list order. */
  replace(names: readonly string[]): { joined: string[]; left: string[] } {
    const folded = new Set(names.map(foldName));
    const joined = names.filter((name) => !this.#folded.has(foldName(name)));
    const left = this.#names.filter((name) => !folded.has(foldName(name)));
    this.#names = [...names];
    this.#folded = folded;
    this.#changed();
    return { joined, left };
  }

  /** Adds one name if absent; true when it was added. */
  add(name: string): boolean {
    if (this.has(name)) return false;
    this.#names = [...this.#names, name];
    this.#folded.add(foldName(name));
    this.#changed();
    return true;
  }

  /** Names in display order: alphabetical, ignoring case. */
  sorted(): readonly string[] {
    if (!this.#sorted) {
      const keyed = this.#names.map((name) => [foldName(name), name] as const);
      keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      this.#sorted = keyed.map(([, name]) => name);
    }
    return this.#sorted;
  }

  /** Columns the widest name takes. */
  widest(): number {
    if (this.#widest === undefined) {
      let widest = 0;
      for (const name of this.#names) widest = Math.max(widest, displayWidth(name));
      this.#widest = widest;
    }
    return this.#widest;
  }

  #changed(): void {
    this.#sorted = undefined;
    this.#widest = undefined;
  }
}
