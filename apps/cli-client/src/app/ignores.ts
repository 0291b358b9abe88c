import { foldName, nameSkeleton } from "@chat/protocol";

/*
 * /ignore as the server sees names: "Mallory", "mallory" and "mаllory" (Cyrillic а) are
 * one user to it (case folding, then the look-alike skeleton, docs/protocol.md#revision-2),
 * so they are one entry here, and a look-alike cannot slip past an ignore.
 */

const keyOf = (name: string) => nameSkeleton(foldName(name));

export class Ignores {
  readonly #names = new Map<string, string>();

  constructor(
    names: readonly string[] = [],
    /** Keeps the list (config.json); returns a problem to show, if it could not. */
    readonly save: (names: string[]) => string | undefined = () => undefined,
  ) {
    for (const name of names) this.#names.set(keyOf(name), name);
  }

  get names(): string[] {
    return [...this.#names.values()];
  }

  has(name: string): boolean {
    return this.#names.has(keyOf(name));
  }

  /** The entry `name` matches (itself, another case, a look-alike), if any. */
  find(name: string): string | undefined {
    return this.#names.get(keyOf(name));
  }

  add(name: string): { added: boolean; problem?: string } {
    if (this.has(name)) return { added: false };
    this.#names.set(keyOf(name), name);
    const problem = this.save(this.names);
    return problem ? { added: true, problem } : { added: true };
  }

  remove(name: string): { removed?: string; problem?: string } {
    const entry = this.find(name);
    if (entry === undefined) return {};
    this.#names.delete(keyOf(name));
    const problem = this.save(this.names);
    return problem ? { removed: entry, problem } : { removed: entry };
  }
}
