import { setTimeout as sleepTimer } from "node:timers/promises";

/** How long to wait for an answer and how often to try again. */
export interface RetryPolicy {
  /** Wait after the first try; doubles after each retransmission. */
  timeoutMs: number;
  /** Retransmissions after the first try. */
  retries: number;
  /** Cap on the doubled wait. */
  maxDelayMs: number;
}

/** The wait after try number `attempt` (0 for the first): timeout x 2^attempt, capped. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.timeoutMs * 2 ** attempt, policy.maxDelayMs);
}

export interface ExchangeOptions {
  /** Puts the request on the wire (again). */
  transmit: () => void;
  /** Called once, when the last try went unanswered. */
  onGiveUp: (tries: number) => void;
  /** Total tries, the first included (1: sent once). */
  maxTries: number;
  /** Wait after try number `attempt` (0-based). */
  waitMs: (attempt: number) => number;
}

/**
 * One request on the wire: sends it, waits, sends again with longer waits, gives up.
 * The owner calls `finish()` when the answer arrives. Timers are unref'd so a pending
 * request never keeps a process alive by itself.
 */
export class Exchange {
  tries = 0;
  firstSentAt = 0;
  lastSentAt = 0;
  /** Raised by a caller that needs retransmission on a request first sent once. */
  maxTries: number;
  #timer: NodeJS.Timeout | undefined;
  #done = false;
  readonly #options: ExchangeOptions;

  constructor(options: ExchangeOptions) {
    this.#options = options;
    this.maxTries = options.maxTries;
  }

  get done(): boolean {
    return this.#done;
  }

  /** True once the request went out more than once: an answer is then ambiguous (Karn). */
  get retransmitted(): boolean {
    return this.tries > 1;
  }

  start(): this {
    this.#send();
    return this;
  }

  /** Stops the timers; the answer arrived or the request is abandoned. */
  finish(): void {
    this.#done = true;
    clearTimeout(this.#timer);
  }

  #send(): void {
    if (this.#done) return;
    const now = performance.now();
    if (this.tries === 0) this.firstSentAt = now;
    this.lastSentAt = now;
    this.tries++;
    this.#options.transmit();
    this.#timer = setTimeout(() => this.#expire(), this.#options.waitMs(this.tries - 1));
    this.#timer.unref();
  }

  #expire(): void {
    if (this.#done) return;
    if (this.tries < this.maxTries) {
      this.#send();
      return;
    }
    this.finish();
    this.#options.onGiveUp(this.tries);
  }
}

/** Waits `ms` without keeping the process alive; resolves false if `signal` aborts first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleepTimer(ms, undefined, { signal, ref: false });
    return true;
  } catch {
    return false;
  }
}
