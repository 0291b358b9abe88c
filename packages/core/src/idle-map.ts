/**
 * A Map bounded in size whose entries leave when idle: it is kept in last-use order
 * (an entry is re-inserted when used), so the least recently used entry is always first.
 * Inserting past `capacity` evicts that entry; `sweep` drops every entry idle for
 * `idleMs`, stopping at the first that is not, so its cost is what it removes.
 */
export class IdleMap<V extends { lastUsed: number }> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly capacity: number,
    private readonly idleMs: number,
    private readonly create: (now: number) => V,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, marked used at `now`, created if absent. */
  use(key: string, now: number): V {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.capacity) this.evictOldest();
      entry = this.create(now);
    } else {
      this.entries.delete(key);
    }
    entry.lastUsed = now;
    this.entries.set(key, entry);
    return entry;
  }

  /** Removes entries unused for `idleMs` or longer. */
  sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsed < this.idleMs) return;
      this.entries.delete(key);
    }
  }

  /** When the least recently used entry becomes idle, or `undefined` when empty. */
  nextIdleAt(): number | undefined {
    for (const entry of this.entries.values()) return entry.lastUsed + this.idleMs;
    return undefined;
  }

  private evictOldest(): void {
    for (const key of this.entries.keys()) {
      this.entries.delete(key);
      return;
    }
  }
}
