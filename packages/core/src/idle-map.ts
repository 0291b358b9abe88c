import { type Linked, RecencyList } from "./recency-list.js";

interface Slot<V> extends Linked<Slot<V>> {
  readonly key: string;
  readonly value: V;
  lastUsed: number;
}

/**
 * A Map bounded in size whose entries leave when idle. Entries are kept in last-use order,
 * so inserting past `capacity` evicts the least recently used one, and `sweep` drops
 * every entry idle for `idleMs`, stopping at the first that is not: its cost is what it
 * removes.
 */
export class IdleMap<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private readonly order = new RecencyList<Slot<V>>();

  constructor(
    private readonly capacity: number,
    private readonly idleMs: number,
    private readonly create: (now: number) => V,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** The entry for `key`, marked used at `now`, created if absent. */
  use(key: string, now: number): V {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.slots.size >= this.capacity && this.order.first !== undefined) {
        this.delete(this.order.first);
      }
      slot = { key, value: this.create(now), lastUsed: now, prev: undefined, next: undefined };
      this.slots.set(key, slot);
      this.order.push(slot);
    } else {
      // A clock that steps back must not break the order sweep relies on.
      if (now > slot.lastUsed) slot.lastUsed = now;
      this.order.touch(slot);
    }
    return slot.value;
  }

  /** Removes entries unused for `idleMs` or longer. */
  sweep(now: number): void {
    for (let slot = this.order.first; slot !== undefined; slot = this.order.first) {
      if (now - slot.lastUsed < this.idleMs) return;
      this.delete(slot);
    }
  }

  /** When the least recently used entry becomes idle, or `undefined` when empty. */
  nextIdleAt(): number | undefined {
    const first = this.order.first;
    return first === undefined ? undefined : first.lastUsed + this.idleMs;
  }

  private delete(slot: Slot<V>): void {
    this.slots.delete(slot.key);
    this.order.remove(slot);
  }
}
