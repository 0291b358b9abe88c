import type { SendResult } from "./types.js";

interface PendingBroadcast {
  message: string;
  sentAt: number;
  timer: NodeJS.Timeout;
  resolve: (result: SendResult) => void;
}

/**
 * Broadcasts waiting for their own copy, the server's only acknowledgement. Several may
 * be out at once; a copy confirms the oldest pending one with the same text. Bounded:
 * past `limit`, the oldest is given up as unconfirmed.
 */
export class PendingBroadcasts {
  readonly #pending: PendingBroadcast[] = [];
  readonly #timeoutMs: number;
  readonly #limit: number;

  constructor(timeoutMs: number, limit = 1024) {
    this.#timeoutMs = timeoutMs;
    this.#limit = limit;
  }

  /** When the oldest pending broadcast was sent, or undefined if none is pending. */
  get oldestSentAt(): number | undefined {
    return this.#pending[0]?.sentAt;
  }

  /** Tracks a broadcast just sent; resolves with its result. */
  track(message: string): Promise<SendResult> {
    return new Promise((resolve) => {
      if (this.#pending.length >= this.#limit) this.#settleAt(0, { status: "unconfirmed" });
      const entry: PendingBroadcast = {
        message,
        sentAt: performance.now(),
        resolve,
        timer: setTimeout(() => {
          const index = this.#pending.indexOf(entry);
          if (index >= 0) this.#settleAt(index, { status: "unconfirmed" });
        }, this.#timeoutMs),
      };
      entry.timer.unref();
      this.#pending.push(entry);
    });
  }

  /** Our own copy came back; returns whether it confirmed a pending broadcast. */
  confirm(message: string): boolean {
    const index = this.#pending.findIndex((entry) => entry.message === message);
    if (index < 0) return false;
    this.#settleAt(index, { status: "delivered" });
    return true;
  }

  /** An ERROR was routed to the oldest pending broadcast. */
  failOldest(text: string): void {
    if (this.#pending.length > 0) this.#settleAt(0, { status: "failed", error: text });
  }

  /** Gives every pending broadcast up as unconfirmed (the client is closing). */
  clear(): void {
    while (this.#pending.length > 0) this.#settleAt(0, { status: "unconfirmed" });
  }

  #settleAt(index: number, result: SendResult): void {
    const [entry] = this.#pending.splice(index, 1);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.resolve(result);
  }
}
