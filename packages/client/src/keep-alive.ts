/**
 * Sends a probe every `intervalMs` and counts the periods in which nothing at all came
 * back from the server; each probe is told how many came just before it. After
 * `deadAfterMissed` such periods in a row the server counts as lost and the keep-alive
 * stops; the owner decides what to do next.
 */
export class KeepAlive {
  #timer: NodeJS.Timeout | undefined;
  #missed = 0;
  #heard = true;
  readonly #intervalMs: number;
  readonly #deadAfterMissed: number;
  readonly #probe: (missed: number) => void;
  readonly #onDead: (missed: number) => void;

  constructor(
    intervalMs: number,
    deadAfterMissed: number,
    probe: (missed: number) => void,
    onDead: (missed: number) => void,
  ) {
    this.#intervalMs = intervalMs;
    this.#deadAfterMissed = Math.max(1, deadAfterMissed);
    this.#probe = probe;
    this.#onDead = onDead;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts (or restarts) probing; a no-op when the interval is 0. */
  start(): void {
    this.stop();
    if (this.#intervalMs <= 0) return;
    this.#missed = 0;
    this.#heard = true;
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Something arrived from the server: it is alive. */
  heard(): void {
    this.#heard = true;
    this.#missed = 0;
  }

  #tick(): void {
    if (!this.#heard && ++this.#missed >= this.#deadAfterMissed) {
      this.stop();
      this.#onDead(this.#missed);
      return;
    }
    this.#heard = false;
    this.#probe(this.#missed);
  }
}
