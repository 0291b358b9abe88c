/** How fast a bucket refills and how much it holds. Shared by every bucket of one kind. */
export interface BucketSpec {
  readonly perSecond: number;
  readonly burst: number;
}

/** Milliseconds after its last use when a bucket of this spec is full again. */
export function refillMs(spec: BucketSpec): number {
  return Math.ceil((spec.burst / spec.perSecond) * 1000);
}

/**
 * A token bucket: it starts full, refills at `perSecond` by elapsed time, and holds at
 * most `burst`. Time is whatever clock the caller passes, in milliseconds; a clock that
 * steps back refills nothing.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.updatedAt = now;
  }

  /** Takes `cost` tokens if that many are there; false (and takes nothing) otherwise. */
  take(now: number, cost = 1): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Tokens there at `now`. */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.updatedAt = now;
    const tokens = this.tokens + (elapsed * this.spec.perSecond) / 1000;
    this.tokens = Math.min(tokens, this.spec.burst);
  }
}
