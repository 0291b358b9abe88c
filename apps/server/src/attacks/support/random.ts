import { seededRandom } from "@chat/protocol/testing";

const POOL_BYTES = 256 * 1024;

/** Seeded randomness (protocol's mulberry32), so an attack run can be replayed from its seed. */
export class Random {
  readonly next: () => number;
  #pool: Buffer | undefined;

  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** `length` random bytes; long runs are slices of a pool made once, as noise need not be fresh. */
  bytes(length: number): Buffer {
    if (length > 256) {
      this.#pool ??= this.fresh(POOL_BYTES);
      const start = this.int(0, POOL_BYTES - length);
      return this.#pool.subarray(start, start + length);
    }
    return this.fresh(length);
  }

  private fresh(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 4) {
      const word = (this.next() * 4294967296) >>> 0;
      out[i] = word & 0xff;
      if (i + 1 < length) out[i + 1] = (word >>> 8) & 0xff;
      if (i + 2 < length) out[i + 2] = (word >>> 16) & 0xff;
      if (i + 3 < length) out[i + 3] = word >>> 24;
    }
    return out;
  }
}

/** The seed for a run: CHAT_ATTACK_SEED if set (to replay), else the clock. */
export function attackSeed(): number {
  const fromEnv = process.env.CHAT_ATTACK_SEED;
  return fromEnv === undefined ? Date.now() >>> 0 : Number(fromEnv) >>> 0;
}
