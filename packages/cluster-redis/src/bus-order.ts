import type { BusMessage } from "./bus.js";

export interface BusHandlers {
  /** The next message in the bus's order (a broadcast to deliver, a change to the list). */
  apply(message: BusMessage): void;
  /** Numbers were skipped past the last snapshot: this node missed changes and must resync. */
  gap(): void;
}

/**
 * The bus's numbering as one node sees it: each message taken once, in order; a skipped
 * number counted. While a snapshot is taken messages are held. A snapshot at `seq` holds
 * every membership change up to `seq`, so later messages numbered up to it only deliver
 * their broadcasts: a node that fell behind catches up on what it missed, once, and a
 * membership change it missed is covered by the snapshot rather than applied twice.
 */
export class BusOrder {
  #last = 0;
  #snapshotAt = 0;
  #held: BusMessage[] | undefined;
  /** Bus numbers this node never received (trimmed off the stream before it read them). */
  missed = 0;

  constructor(private readonly handlers: BusHandlers) {}

  /** The highest number taken or held: where the reader is. */
  get position(): number {
    return Math.max(this.#last, this.#held?.at(-1)?.seq ?? 0);
  }

  /**
   * From now until `resume`, messages are held (a snapshot is being taken). What a failed
   * snapshot held stays held for the next: the reader has moved past it.
   */
  hold(): void {
    this.#held ??= [];
  }

  receive(message: BusMessage): void {
    if (this.#held !== undefined) this.#held.push(message);
    else this.#take(message);
  }

  /**
   * After a snapshot at bus position `seq`. With `restartAt`, the reader starts again
   * from another place (numbering that went back: Redis lost entries or everything):
   * what was held is dropped, since it is read again, and numbering goes on from there.
   */
  resume(seq: number, restartAt?: number): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#snapshotAt = seq;
    if (restartAt !== undefined) {
      this.#last = restartAt;
      return;
    }
    for (const message of held) this.#take(message);
  }

  #take(message: BusMessage): void {
    if (message.seq <= this.#last) return;
    const skipped = message.seq - this.#last - 1;
    this.missed += skipped;
    this.#last = message.seq;
    // Up to the snapshot, membership is known already; only a broadcast is news.
    if (message.seq <= this.#snapshotAt) {
      if (message.kind === "B") this.handlers.apply(message);
      return;
    }
    this.handlers.apply(message);
    if (skipped > 0 && message.seq - 1 > this.#snapshotAt) this.handlers.gap();
  }
}
