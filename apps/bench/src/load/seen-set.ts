/**
 * Which (sender, sequence number) pairs one receiver has seen: a growable bitmap per
 * sender, so telling a duplicate from a first delivery costs one bit test, not a hash.
 */
export class SeenSet {
  /** Indexed by sender (a dense small integer): cheaper than a Map on every delivery. */
  #bits: Array<Uint8Array | undefined> = [];

  /** Marks the pair seen; true if it was not seen before. */
  add(sender: number, seq: number): boolean {
    if (seq < 0 || !Number.isInteger(seq) || sender < 0 || !Number.isInteger(sender)) return false;
    let bits = this.#bits[sender];
    const byte = seq >>> 3;
    if (!bits || byte >= bits.length) {
      const grown = new Uint8Array(Math.max(64, (byte + 1) * 2));
      if (bits) grown.set(bits);
      bits = grown;
      this.#bits[sender] = bits;
    }
    const mask = 1 << (seq & 7);
    const old = bits[byte] as number;
    if (old & mask) return false;
    bits[byte] = old | mask;
    return true;
  }

  clear(): void {
    this.#bits = [];
  }
}
