import type { BusMessage } from "./bus.js";

export interface BusHandlers {
  /** The next message in the bus's order. */
  apply(message: BusMessage): void;
  /** A broadcast from before a snapshot that this node had not delivered yet. */
  deliver(forward: Uint8Array): void;
  /** Numbers were skipped: this node missed messages and must resync. */
  gap(): void;
}

/**
 * The bus's numbering as one node sees it: each message applied once, in order; a skipped
 * number noticed (and counted); messages held while a snapshot is taken, then caught up.
 */
export class BusOrder {
  #last = 0;
  #held: BusMessage[] | undefined;
  /** Bus numbers this node never received. */
  missed = 0;

  constructor(private readonly handlers: BusHandlers) {}

  /** From now until `resume`, messages are held (a snapshot is being taken). */
  hold(): void {
    this.#held = [];
  }

  /** The snapshot failed: what was held is dropped; the next sync holds afresh. */
  abandon(): void {
    this.#held = undefined;
  }

  receive(message: BusMessage): void {
    if (this.#held !== undefined) this.#held.push(message);
    else this.#next(message);
  }

  /**
   * After a snapshot at bus position `seq`: the snapshot holds every membership change up to
   * it, but not the broadcasts. Held broadcasts up to `seq` not delivered before are
   * delivered now; later messages are applied in order.
   */
  resume(seq: number): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    // A counter below ours: Redis restarted empty, and numbering began again.
    const delivered = seq < this.#last ? 0 : this.#last;
    let received = 0;
    for (const message of held) {
      if (message.seq <= delivered || message.seq > seq) continue;
      received++;
      if (message.kind === "B") this.handlers.deliver(message.forward);
    }
    if (delivered > 0) this.missed += seq - delivered - received;
    this.#last = seq;
    for (const message of held) if (message.seq > seq) this.#next(message);
  }

  #next(message: BusMessage): void {
    if (message.seq <= this.#last) return;
    const gap = message.seq > this.#last + 1;
    if (gap) this.missed += message.seq - this.#last - 1;
    this.#last = message.seq;
    this.handlers.apply(message);
    if (gap) this.handlers.gap();
  }
}
