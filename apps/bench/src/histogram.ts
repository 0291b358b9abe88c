/**
 * A log-bucketed latency histogram in the spirit of HdrHistogram: values below 2^SUB_BITS
 * are counted exactly, larger ones in buckets whose width is 1/2^SUB_BITS of their value,
 * so every percentile is within 1/128 (0.8 %) of the true one at any scale. Recording is
 * O(1) with no allocation, and histograms from several workers merge by adding counts.
 */

const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS;
/** Enough buckets for any value up to 2^63 (about 292 years in nanoseconds). */
const BUCKET_COUNT = (64 - SUB_BITS) * SUB_COUNT;

/** The plain-data form a histogram crosses a worker boundary or lands in a JSON file as. */
export interface HistogramData {
  /** Pairs of [bucket index, count] for non-empty buckets. */
  readonly buckets: Array<[number, number]>;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class Histogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  #sum = 0;

  /** Records one value (negative values count as 0; fractions are truncated). */
  record(value: number): void {
    const v = value > 0 ? Math.floor(value) : 0;
    const index = bucketIndex(v);
    this.#counts[index] = (this.#counts[index] as number) + 1;
    this.#count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  get count(): number {
    return this.#count;
  }

  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  get mean(): number {
    return this.#count === 0 ? Number.NaN : this.#sum / this.#count;
  }

  /**
   * The value at or below which `percent` % of the recorded values fall: the highest value
   * of the bucket holding that rank, clamped to the exact min and max. NaN when empty.
   */
  percentile(percent: number): number {
    if (this.#count === 0) return Number.NaN;
    if (percent >= 100) return this.#max;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, bucketHighest(i)));
    }
    return this.#max;
  }

  summary(): Summary {
    return {
      count: this.#count,
      min: this.min,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.max,
    };
  }

  /** Adds every value recorded in `other` to this histogram. */
  merge(other: Histogram | HistogramData): this {
    const data = other instanceof Histogram ? other.toData() : other;
    if (data.count === 0) return this;
    for (const [index, count] of data.buckets) {
      this.#counts[index] = (this.#counts[index] as number) + count;
    }
    this.#count += data.count;
    this.#sum += data.sum;
    if (data.min < this.#min) this.#min = data.min;
    if (data.max > this.#max) this.#max = data.max;
    return this;
  }

  toData(): HistogramData {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const count = this.#counts[i] as number;
      if (count > 0) buckets.push([i, count]);
    }
    return { buckets, count: this.#count, min: this.min, max: this.#max, sum: this.#sum };
  }

  static fromData(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}

/** floor(log2(v)) for v >= 1, exact for every integer a double holds. */
function log2Floor(v: number): number {
  if (v < 2 ** 32) return 31 - Math.clz32(v);
  let e = Math.floor(Math.log2(v));
  // Math.log2 may round across a power of two for values next to it.
  if (2 ** e > v) e--;
  else if (2 ** (e + 1) <= v) e++;
  return e;
}

function bucketIndex(v: number): number {
  if (v < SUB_COUNT) return v;
  const e = log2Floor(v);
  const shift = e - SUB_BITS;
  const sub = Math.floor(v / 2 ** shift); // in [SUB_COUNT, 2 * SUB_COUNT)
  return Math.min(BUCKET_COUNT - 1, (shift + 1) * SUB_COUNT + (sub - SUB_COUNT));
}

/** The largest value that lands in bucket `index`. */
function bucketHighest(index: number): number {
  if (index < SUB_COUNT) return index;
  const shift = Math.floor(index / SUB_COUNT) - 1;
  const sub = (index % SUB_COUNT) + SUB_COUNT;
  return (sub + 1) * 2 ** shift - 1;
}
