import { encodeUtf8 } from "@chat/protocol";
import { isListable } from "./bus.js";

/** One user of the cluster as this node knows it. */
export interface RosterEntry {
  readonly node: string;
  /** The bus sequence number of its registration: the cluster's registration order. */
  readonly regSeq: number;
  readonly folded: string;
  readonly name: string;
}

interface Held extends RosterEntry {
  readonly nameBytes: Uint8Array;
}

/**
 * Every user of every node, by folded name, kept current by bus events; LIST reads it
 * without a round trip. The sorted list is rebuilt only after a change (`version`).
 */
export class Roster {
  private readonly byFolded = new Map<string, Held>();
  private sorted: readonly Uint8Array[] | undefined;
  version = 0;

  get size(): number {
    return this.byFolded.size;
  }

  has(folded: string): boolean {
    return this.byFolded.has(folded);
  }

  /** Adds or replaces; an older registration never replaces a newer one. */
  put(entry: RosterEntry): void {
    const held = this.byFolded.get(entry.folded);
    if (held !== undefined && held.regSeq > entry.regSeq) return;
    this.byFolded.set(entry.folded, { ...entry, nameBytes: encodeUtf8(entry.name) });
    this.changed();
  }

  /** Removes the entry if it is still that registration (a newer one stays). */
  remove(folded: string, node: string, regSeq?: number): void {
    const held = this.byFolded.get(folded);
    if (held === undefined || held.node !== node) return;
    if (regSeq !== undefined && held.regSeq !== regSeq) return;
    this.byFolded.delete(folded);
    this.changed();
  }

  /** Every user of a node that left or died. */
  removeNode(node: string): void {
    let removed = false;
    for (const [folded, held] of this.byFolded) {
      if (held.node !== node) continue;
      this.byFolded.delete(folded);
      removed = true;
    }
    if (removed) this.changed();
  }

  /** Replaces everything (a resync). */
  reset(entries: Iterable<RosterEntry>): void {
    this.byFolded.clear();
    for (const entry of entries) this.put(entry);
    this.changed();
  }

  entries(): IterableIterator<RosterEntry> {
    return this.byFolded.values();
  }

  /** UTF-8 names, oldest registration first. */
  names(): readonly Uint8Array[] {
    if (this.sorted === undefined) {
      const held = [...this.byFolded.values()].sort((a, b) => a.regSeq - b.regSeq);
      this.sorted = Object.freeze(held.map((h) => h.nameBytes));
    }
    return this.sorted;
  }

  private changed(): void {
    this.version++;
    this.sorted = undefined;
  }
}

/** Reads a names entry, "node\nregSeq\nfolded\nname\nlookAlikeKey" (the key is not kept);
 * undefined unless the list may show it. */
export function parseEntry(entry: string): RosterEntry | undefined {
  const parts = entry.split("\n");
  if (parts.length !== 5) return undefined;
  const [node, regSeq, folded, name] = parts as [string, string, string, string];
  const parsed = { node, regSeq: Number(regSeq), folded, name };
  return isListable(parsed) ? parsed : undefined;
}
