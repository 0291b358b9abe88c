/** A node of a RecencyList: the links live in the item itself, so moving it allocates nothing. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A doubly linked list kept in order of last use: `touch` moves an item to the back, so
 * the least recently used is always `first`. Every operation is O(1). (A Map re-inserted
 * on use is not: V8 iterates over the holes deletions leave, so taking its first entry
 * over and over grows slower with churn.)
 */
export class RecencyList<T extends Linked<T>> {
  private head: T | undefined;
  private tail: T | undefined;

  get first(): T | undefined {
    return this.head;
  }

  /** Appends an item that is not in the list. */
  push(item: T): void {
    item.prev = this.tail;
    item.next = undefined;
    if (this.tail === undefined) this.head = item;
    else this.tail.next = item;
    this.tail = item;
  }

  /** Unlinks an item that is in the list. */
  remove(item: T): void {
    if (item.prev === undefined) this.head = item.next;
    else item.prev.next = item.next;
    if (item.next === undefined) this.tail = item.prev;
    else item.next.prev = item.prev;
    item.prev = undefined;
    item.next = undefined;
  }

  /** Moves an item that is in the list to the back. */
  touch(item: T): void {
    if (this.tail === item) return;
    this.remove(item);
    this.push(item);
  }

  clear(): void {
    this.head = undefined;
    this.tail = undefined;
  }
}
