/**
 * A minimal typed event emitter: each event name maps to one payload type, so listeners
 * need no casts. Listeners run synchronously in the order they were added.
 */
export type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Array<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    // Copy on write: emit() can then walk the array it got without copying it.
    const list = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...list, listener]);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs at most once. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const index = list.indexOf(listener);
    if (index >= 0) this.#listeners.set(event, list.toSpliced(index, 1));
  }

  /** Whether anyone listens, so callers can skip building a payload nobody reads. */
  hasListeners(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#listeners.get(event) as Array<Listener<Events[K]>> | undefined;
    if (!list || list.length === 0) return;
    for (const listener of list) listener(payload);
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
