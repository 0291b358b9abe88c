import { foldName } from "@chat/protocol";

/**
 * Merges the LIST_RESPONSE packets of one list: a long list comes as several packets
 * back to back, so the list is complete once `mergeMs` passes with no further packet.
 * A name seen twice (a pushed list crossing an asked-for one) is kept once.
 */
export class UserListCollector {
  #names: string[] = [];
  readonly #seen = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #mergeMs: number;
  readonly #onComplete: (names: string[]) => void;

  constructor(mergeMs: number, onComplete: (names: string[]) => void) {
    this.#mergeMs = mergeMs;
    this.#onComplete = onComplete;
  }

  add(names: readonly string[]): void {
    for (const name of names) {
      const folded = foldName(name);
      if (this.#seen.has(folded)) continue;
      this.#seen.add(folded);
      this.#names.push(name);
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#complete(), this.#mergeMs);
    this.#timer.unref();
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#names = [];
    this.#seen.clear();
  }

  #complete(): void {
    const names = this.#names;
    this.#timer = undefined;
    this.#names = [];
    this.#seen.clear();
    this.#onComplete(names);
  }
}
