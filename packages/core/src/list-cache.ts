import { encodeFrame, MAX_DATA_BYTES, Opcode } from "@chat/protocol";
import type { Directory } from "./directory.js";
import type { Registry } from "./registry.js";

/**
 * LIST_RESPONSE packets for the current membership, encoded once per change and shared by
 * every LIST_REQUEST and list push until the next change.
 */
export class ListCache {
  private packets: readonly Uint8Array[] = [];
  private packetBytes = 0;
  private builtFor = -1;

  constructor(
    private readonly registry: Registry,
    private readonly maxDataBytes = MAX_DATA_BYTES,
    /** Cluster mode: the list is the directory's (every node's users). */
    private readonly directory?: Directory,
  ) {}

  /** One packet, or several when the names do not fit one DATA; whole names in each. */
  get(): readonly Uint8Array[] {
    const directory = this.directory;
    const version = directory === undefined ? this.registry.version : directory.listVersion();
    if (this.builtFor !== version) {
      const names =
        directory === undefined
          ? Array.from(this.registry.values(), (u) => u.nameBytes)
          : directory.listNames();
      this.packets = buildListPackets(names, this.maxDataBytes);
      this.packetBytes = this.packets.reduce((sum, packet) => sum + packet.length, 0);
      this.builtFor = version;
    }
    return this.packets;
  }

  /** The bytes of one whole list (every packet of `get()`): what one copy of it costs. */
  bytes(): number {
    this.get();
    return this.packetBytes;
  }
}

/**
 * Packs names, in order, into as few LIST_RESPONSE packets as fit: a packet's DATA is its
 * names joined by NUL and never passes `maxDataBytes`. An empty list is one empty packet.
 */
export function buildListPackets(
  names: readonly Uint8Array[],
  maxDataBytes: number = MAX_DATA_BYTES,
): readonly Uint8Array[] {
  const packets: Uint8Array[] = [];
  let start = 0;
  do {
    let length = 0;
    let end = start;
    while (end < names.length) {
      const extra = (end > start ? 1 : 0) + (names[end] as Uint8Array).length;
      if (length + extra > maxDataBytes && end > start) break;
      length += extra;
      end++;
    }
    packets.push(encodeFrame(Opcode.LIST_RESPONSE, names.slice(start, end)));
    start = end;
  } while (start < names.length);
  return Object.freeze(packets);
}
