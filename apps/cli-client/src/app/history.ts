/**
 * Input history with readline's behaviour: Up walks back through what was sent, Down
 * walks forward, and walking past the newest entry returns the line being typed before
 * Up was first pressed. Bounded, oldest dropped first; an entry equal to the one before
 * it is not stored twice.
 */
export class History {
  readonly #entries: string[] = [];
  #index = 0;
  #draft = "";

  /** `earlier`: lines from before (a previous run), oldest first. */
  constructor(
    readonly limit = 100,
    earlier: readonly string[] = [],
  ) {
    for (const line of earlier) this.add(line);
  }

  get size(): number {
    return this.#entries.length;
  }

  add(line: string): void {
    if (line.trim() !== "" && this.#entries[this.#entries.length - 1] !== line) {
      this.#entries.push(line);
      if (this.#entries.length > this.limit) this.#entries.shift();
    }
    this.#index = this.#entries.length;
    this.#draft = "";
  }

  /** The older entry, or undefined at the oldest. `current` is what the input holds now. */
  previous(current: string): string | undefined {
    if (this.#index === 0) return undefined;
    if (this.#index === this.#entries.length) this.#draft = current;
    this.#index--;
    return this.#entries[this.#index];
  }

  /** The newer entry, the saved draft past the newest, or undefined when already there. */
  next(): string | undefined {
    if (this.#index >= this.#entries.length) return undefined;
    this.#index++;
    return this.#index === this.#entries.length ? this.#draft : this.#entries[this.#index];
  }
}
