import { foldName, lookAlikeKey } from "@chat/protocol";

/*
 * /ignore catches what the server counts as one name (revision 3: equal folds or equal
 * look-alike keys, docs/protocol.md#revision-3-identity), and the look-alike key of the folded
 * form too: "Mallory" keys as "mallory" but "mаllory" (Cyrillic а) as "rnallory", since
 * confusables.txt maps a small m to "rn" and not a capital M. So "Mallory", "MALLORY" and
 * "mаllory" are one entry here, and a look-alike cannot slip past an ignore.
 */

interface Entry {
  readonly name: string;
  readonly forms: readonly string[];
}

function entryOf(name: string): Entry {
  const folded = foldName(name);
  return { name, forms: [folded, lookAlikeKey(name, folded), lookAlikeKey(folded, folded)] };
}

export class Ignores {
  /** In the order added; found by fold or by look-alike key, as the server compares names. */
  readonly #entries: Entry[] = [];

  constructor(
    names: readonly string[] = [],
    /** Keeps the list (config.json); returns a problem to show, if it could not. */
    readonly save: (names: string[]) => string | undefined = () => undefined,
  ) {
    for (const name of names) if (!this.has(name)) this.#entries.push(entryOf(name));
  }

  get names(): string[] {
    return this.#entries.map((entry) => entry.name);
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The entry `name` matches (itself, another case, a look-alike), if any. */
  find(name: string): string | undefined {
    return this.#find(entryOf(name))?.name;
  }

  add(name: string): { added: boolean; problem?: string } {
    if (this.has(name)) return { added: false };
    this.#entries.push(entryOf(name));
    const problem = this.save(this.names);
    return problem ? { added: true, problem } : { added: true };
  }

  remove(name: string): { removed?: string; problem?: string } {
    const entry = this.#find(entryOf(name));
    if (entry === undefined) return {};
    this.#entries.splice(this.#entries.indexOf(entry), 1);
    const problem = this.save(this.names);
    return problem ? { removed: entry.name, problem } : { removed: entry.name };
  }

  #find(wanted: Entry): Entry | undefined {
    return this.#entries.find((e) => e.forms.some((form) => wanted.forms.includes(form)));
  }
}
