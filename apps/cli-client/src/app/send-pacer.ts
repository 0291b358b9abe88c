import { DEFAULTS, ErrorText } from "@chat/protocol";

/*
 * The server drops what comes faster than its per-endpoint limits (docs/protocol.md#6-abuse-limits:
 * 5 broadcasts/s with bursts of 20, 50 packets/s with bursts of 100) and says `rate
 * limited` at most once a second, so a pasted screenful lost every line past the 20th.
 * The client keeps its own token buckets a little inside those limits, holds the rest
 * back in order, and slows down further whenever the server says it went too fast
 * (a server may be set stricter than the defaults).
 */

export interface Rate {
  perSecond: number;
  burst: number;
}

/** The server's defaults less a margin: network jitter bunches packets up on arrival. */
export const BROADCAST_RATE: Rate = {
  perSecond: DEFAULTS.broadcastsPerSecond,
  burst: DEFAULTS.broadcastBurst - 2,
};
/** Keep-alives, LIST and INFO share the packet budget outside the queue: leave them room. */
export const PACKET_RATE: Rate = {
  perSecond: DEFAULTS.packetsPerSecond * 0.8,
  burst: DEFAULTS.packetBurst - 10,
};
/** After a `rate limited` answer nothing is sent for this long (one ERROR per second at most). */
export const RATE_LIMITED_PAUSE_MS = 1_000;
const SLOWEST: Rate = { perSecond: 0.5, burst: 1 };
/** A line refused as `rate limited` this many times is given up (a server that never lets it in). */
export const RATE_LIMITED_TRIES = 5;

export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    public rate: Rate,
    now: number,
  ) {
    this.#tokens = rate.burst;
    this.#at = now;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(this.rate.burst, this.#tokens + elapsed * this.rate.perSecond);
    this.#at = now;
  }

  /** Milliseconds until a token is there (0: now). */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate.perSecond) * 1000);
  }

  take(now: number): void {
    this.#refill(now);
    this.#tokens -= 1;
  }

  /** The server said too fast: halve the rate and burst, and start from empty after a pause. */
  slowDown(now: number, pauseMs: number): void {
    this.rate = {
      perSecond: Math.max(SLOWEST.perSecond, this.rate.perSecond / 2),
      burst: Math.max(SLOWEST.burst, Math.floor(this.rate.burst / 2)),
    };
    this.#tokens = -(pauseMs / 1000) * this.rate.perSecond;
    this.#at = now;
  }
}

export type SendKind = "broadcast" | "private";

export interface SendOutcome {
  status: "delivered" | "unconfirmed" | "failed";
  error?: string;
}

export interface QueuedSend {
  kind: SendKind;
  /** Sends it (once per call); resolves with the outcome. */
  send: () => Promise<SendOutcome>;
  /** It left the queue: from now on it is on the wire. */
  started: () => void;
  /** Its final outcome (never `rate limited`: that one is sent again). */
  settled: (outcome: SendOutcome) => void;
}

export interface PacerOptions {
  now?: () => number;
  broadcast?: Rate;
  packet?: Rate;
}

/**
 * One queue of lines to send, in the order typed: each leaves when the buckets allow,
 * and one the server refused as `rate limited` goes back to the front.
 */
export class SendPacer {
  readonly #queue: QueuedSend[] = [];
  readonly #now: () => number;
  readonly #broadcasts: TokenBucket;
  readonly #packets: TokenBucket;
  #timer: NodeJS.Timeout | undefined;
  readonly #refusals = new Map<QueuedSend, number>();
  /** When the server last answered `rate limited`. */
  #rateLimitedAt = Number.NEGATIVE_INFINITY;

  constructor(options: PacerOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#broadcasts = new TokenBucket(options.broadcast ?? BROADCAST_RATE, this.#now());
    this.#packets = new TokenBucket(options.packet ?? PACKET_RATE, this.#now());
  }

  /** Lines waiting their turn. */
  get queued(): number {
    return this.#queue.length;
  }

  /** What the pacer currently believes the limits are. */
  get rates(): { broadcast: Rate; packet: Rate } {
    return { broadcast: this.#broadcasts.rate, packet: this.#packets.rate };
  }

  /** Queues a send; true when it leaves at once, false when it waits (show it as queued). */
  submit(item: QueuedSend): boolean {
    this.#queue.push(item);
    this.#pump();
    return !this.#queue.includes(item);
  }

  /** Drops everything still waiting (the client is leaving); each is settled as failed. */
  clear(reason: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const item of this.#queue.splice(0)) item.settled({ status: "failed", error: reason });
  }

  #waitMs(kind: SendKind): number {
    const now = this.#now();
    const packets = this.#packets.waitMs(now);
    return kind === "broadcast" ? Math.max(packets, this.#broadcasts.waitMs(now)) : packets;
  }

  #pump(): void {
    if (this.#timer) return;
    for (;;) {
      const head = this.#queue[0];
      if (!head) return;
      const wait = this.#waitMs(head.kind);
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, wait);
        this.#timer.unref?.();
        return;
      }
      this.#queue.shift();
      this.#start(head);
    }
  }

  #start(item: QueuedSend): void {
    const startedAt = this.#now();
    this.#packets.take(startedAt);
    if (item.kind === "broadcast") this.#broadcasts.take(startedAt);
    item.started();
    item.send().then(
      (outcome) => {
        const refusals = (this.#refusals.get(item) ?? 0) + 1;
        const refused = outcome.status === "failed" && outcome.error === ErrorText.RATE_LIMITED;
        if (refused) this.#learn(item.kind);
        // The server says `rate limited` once a second and drops the rest in silence: a
        // broadcast left unconfirmed while it was refusing was most likely dropped too.
        const dropped = outcome.status === "unconfirmed" && this.#rateLimitedAt >= startedAt;
        if ((refused || dropped) && refusals < RATE_LIMITED_TRIES) {
          this.#refusals.set(item, refusals);
          this.#queue.unshift(item);
          this.#pump();
          return;
        }
        this.#refusals.delete(item);
        item.settled(outcome);
      },
      (error: unknown) =>
        item.settled({
          status: "failed",
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  #learn(kind: SendKind): void {
    const now = this.#now();
    this.#rateLimitedAt = now;
    const bucket = kind === "broadcast" ? this.#broadcasts : this.#packets;
    bucket.slowDown(now, RATE_LIMITED_PAUSE_MS);
  }
}
