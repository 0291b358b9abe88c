import { foldName, lookAlikeKey } from "@chat/protocol";
import { type Network, parseNetwork } from "./cidr.js";
import { parseIp } from "./ip-address.js";

/** The prefix of a name entry: `name:<name>`. */
export const NAME_ENTRY_PREFIX = "name:";

/** One deny-list entry, read: an address or CIDR network, or a name by its look-alike key. */
export type DenyEntry =
  | { readonly kind: "network"; readonly text: string; readonly network: Network }
  | {
      readonly kind: "name";
      readonly text: string;
      /** Its look-alike key: equal for the same name in any case (moderation keys bans by it). */
      readonly skeleton: string;
      /** Every form a REGISTER's fold or key is compared with (`nameForms`). */
      readonly forms: readonly string[];
    };

/** A bad entry: the text as given and why it was refused. */
export class DenyEntryError extends Error {
  override readonly name = "DenyEntryError";
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(entry)} ${reason}`);
  }
}

/**
 * Reads one entry: `192.0.2.7`, `2001:db8::/32`, `name:Mallory`. Throws DenyEntryError.
 * A name is kept by its fold and its look-alike keys (docs/protocol.md#revision-3-identity), so
 * it is refused in any case and in every look-alike form.
 */
export function parseDenyEntry(raw: string): DenyEntry {
  const text = raw.trim();
  if (text.toLowerCase().startsWith(NAME_ENTRY_PREFIX)) {
    const name = text.slice(NAME_ENTRY_PREFIX.length).trim();
    if (name === "") throw new DenyEntryError(raw, "names no user (name:<name>)");
    const forms = nameForms(name);
    const skeleton = forms[1] as string;
    return { kind: "name", text: `${NAME_ENTRY_PREFIX}${name}`, skeleton, forms };
  }
  const network = parseNetwork(text);
  if (network === undefined) {
    throw new DenyEntryError(raw, "is not an address, a CIDR network or name:<name>");
  }
  return { kind: "network", text, network };
}

/**
 * The forms a banned name is matched in: its fold, its look-alike key, and the key of its
 * fold. The server's own clash rule (equal folds or equal keys) needs the first two; the
 * third also catches a small look-alike of a capitalised ban (`mаllory` for `name:Mallory`:
 * confusables.txt maps a small m to "rn", a capital M to itself).
 */
export function nameForms(name: string): readonly string[] {
  const nfc = name.normalize("NFC");
  const folded = foldName(nfc);
  return [folded, lookAlikeKey(nfc, folded), lookAlikeKey(folded, folded)];
}

/**
 * The addresses, networks and names the server refuses. Immutable: a reload or an admin
 * ban builds a new list and hands it to ChatServer.deny().
 */
export class DenyList {
  static readonly EMPTY = new DenyList([]);
  readonly entries: readonly DenyEntry[];
  /**
   * Banned networks by prefix length, each as the set of its masked address keys: a look-up
   * costs one key per distinct length (a few), not one comparison per entry, so a long
   * list does not make every nameless datagram slower (core's bench measures both).
   */
  readonly #byPrefix: ReadonlyArray<readonly [number, ReadonlySet<string>]>;
  readonly #names: ReadonlySet<string>;

  constructor(entries: readonly DenyEntry[]) {
    this.entries = entries;
    const byPrefix = new Map<number, Set<string>>();
    for (const entry of entries) {
      if (entry.kind !== "network") continue;
      const { bytes, prefix } = entry.network;
      const keys = byPrefix.get(prefix) ?? new Set<string>();
      keys.add(maskedKey(bytes, prefix));
      byPrefix.set(prefix, keys);
    }
    this.#byPrefix = Array.from(byPrefix);
    this.#names = new Set(entries.flatMap((entry) => (entry.kind === "name" ? entry.forms : [])));
  }

  /** Reads entries as text; throws DenyEntryError at the first bad one. */
  static parse(texts: readonly string[]): DenyList {
    return new DenyList(texts.map(parseDenyEntry));
  }

  get size(): number {
    return this.entries.length;
  }

  /** False at once when no address is banned, so most datagrams pay one check. */
  get bansAddresses(): boolean {
    return this.#byPrefix.length > 0;
  }

  bansAddress(address: string): boolean {
    if (this.#byPrefix.length === 0) return false;
    const bytes = parseIp(address);
    if (bytes === undefined) return false;
    for (const [prefix, keys] of this.#byPrefix)
      if (keys.has(maskedKey(bytes, prefix))) return true;
    return false;
  }

  /** True when a name with this fold or look-alike key is banned. */
  bansName(folded: string, key: string): boolean {
    return this.#names.size > 0 && (this.#names.has(folded) || this.#names.has(key));
  }
}

/** The first `prefix` bits of a 16-byte address as a string key (one char per byte). */
function maskedKey(bytes: Uint8Array, prefix: number): string {
  const whole = prefix >> 3;
  let key = "";
  for (let i = 0; i < whole; i++) key += String.fromCharCode(bytes[i] as number);
  const rest = prefix & 7;
  if (rest > 0)
    key += String.fromCharCode((bytes[whole] as number) & ((0xff << (8 - rest)) & 0xff));
  return key;
}
