import { encodeUtf8 } from "@chat/protocol";
import { type Linked, RecencyList } from "./recency-list.js";
import type { Endpoint } from "./types.js";

/** A registered user. The registry owns these; callers read them. */
export interface User extends Linked<User> {
  /** NFC form, as stored and shown. */
  readonly name: string;
  /** NFKC_Casefold: the form names clash in and a PRIVATE's receiver is looked up by. */
  readonly folded: string;
  /** Look-alike key, NFKC_Casefold(skeleton(NFKC(name))) (often the same string as `folded`). */
  readonly skeleton: string;
  /** UTF-8 of `name`, so forwards need no re-encoding. */
  readonly nameBytes: Uint8Array;
  readonly endpoint: Endpoint;
  /** `[endpoint]`, kept so a reply to this user allocates no array. */
  readonly self: readonly Endpoint[];
  readonly key: string;
  /** Per-IP limits count by this (the IPv4 address or the IPv6 /64). */
  readonly groupKey: string;
  lastSeen: number;
  /** Revision 3: the session token of a checked user (the cookie it registered with). */
  readonly token: Uint8Array | undefined;
  /**
   * Bytes the server may still send this user in answer to its own requests (QUIC's 3x
   * rule): Infinity for a checked or exempt user, whom the rule does not bind.
   */
  replyBudget: number;
}

/** How a name was registered (revision 3): checked with a token, or bound by the 3x rule. */
export interface Session {
  readonly token: Uint8Array | undefined;
  readonly replyBudget: number;
}

/** A user the 3x rule does not bind and who sends no token: exempt, or with the check off. */
export const TRUSTED: Session = Object.freeze({ token: undefined, replyBudget: Infinity });

/** A name as stored (NFC), as compared (NFKC_Casefold) and as checked for look-alikes. */
export interface NameForms {
  readonly name: string;
  readonly folded: string;
  readonly skeleton: string;
}

/** The map key of an endpoint. The port follows the last "|", so IPv6 colons cannot clash. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.address}|${endpoint.port}`;
}

/**
 * UTF-8 of a name. An ASCII name (at most 32 bytes) gets a `new Uint8Array`, which V8 keeps
 * on its own heap: cheaper to make and to collect than TextEncoder's off-heap buffer.
 */
function nameUtf8(name: string): Uint8Array {
  const length = name.length;
  for (let i = 0; i < length; i++) if (name.charCodeAt(i) > 0x7f) return encodeUtf8(name);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = name.charCodeAt(i);
  return bytes;
}

/**
 * Who is registered: O(1) look-up by endpoint key and by folded name, registration order
 * (for LIST_RESPONSE) and last-seen order (for expiry: the stalest user is first, so
 * expiring costs only what it removes). Arrays handed out are replaced, never edited,
 * when membership changes.
 */
export class Registry {
  /**
   * By address, then port, so the sender of a datagram is found without building its key
   * string. A user alone at its address is held as is; a Map of ports only where several
   * share an address (NAT, one machine).
   */
  private readonly byAddress = new Map<string, User | Map<number, User>>();
  /** Also registration order: a Map iterates in insertion order. */
  private readonly byFolded = new Map<string, User>();
  /** Look-alike check of a new name, by look-alike key: one entry per user, O(1) per REGISTER. */
  private readonly bySkeleton = new Map<string, User>();
  /** Least recently seen first. */
  private readonly bySeen = new RecencyList<User>();
  /** Names per address group, checked and unchecked apart (revision 3). */
  private readonly perGroup = new Map<string, number>();
  private readonly uncheckedPerGroup = new Map<string, number>();
  private endpointCache: readonly Endpoint[] | undefined;
  private pushOrderCache: readonly Endpoint[] | undefined;
  private nameCache: readonly string[] | undefined;
  /** Bumped on every membership change; caches compare it. */
  version = 0;
  /** Users holding a session token (checked), and users the 3x rule binds (revision 3). */
  checkedCount = 0;
  boundCount = 0;

  get size(): number {
    return this.byFolded.size;
  }

  byEndpointKey(key: string): User | undefined {
    const bar = key.lastIndexOf("|");
    return this.byEndpoint({ address: key.slice(0, bar), port: Number(key.slice(bar + 1)) });
  }

  /** The user at `endpoint`: what `byEndpointKey(endpointKey(endpoint))` finds, allocation-free. */
  byEndpoint(endpoint: Endpoint): User | undefined {
    const slot = this.byAddress.get(endpoint.address);
    if (slot === undefined) return undefined;
    if (slot instanceof Map) return slot.get(endpoint.port);
    return slot.endpoint.port === endpoint.port ? slot : undefined;
  }

  byFoldedName(folded: string): User | undefined {
    return this.byFolded.get(folded);
  }

  /**
   * Whether a new name clashes with a held one: an equal fold or an equal look-alike key
   * (docs/protocol.md#revision-3-identity). Equal folds need not have equal keys ("BILL" and
   * "bill": I looks like l), so this is two look-ups, whatever the number of users.
   */
  clashesWith(folded: string, skeleton: string): boolean {
    return this.byFolded.has(folded) || this.bySkeleton.has(skeleton);
  }

  /** Names held from one address group: checked ones, or plain (unchecked) ones apart. */
  countInGroup(groupKey: string, checked: boolean): number {
    return (checked ? this.perGroup : this.uncheckedPerGroup).get(groupKey) ?? 0;
  }

  /** Adds a user; the caller has checked the name is valid, NFC and free. */
  add(
    name: NameForms,
    endpoint: Endpoint,
    key: string,
    groupKey: string,
    now: number,
    session: Session = TRUSTED,
  ): User {
    const stored: Endpoint = { address: endpoint.address, port: endpoint.port };
    const user: User = {
      name: name.name,
      folded: name.folded,
      skeleton: name.skeleton,
      nameBytes: nameUtf8(name.name),
      endpoint: stored,
      self: Object.freeze([stored]),
      key,
      groupKey,
      lastSeen: now,
      token: session.token,
      replyBudget: session.replyBudget,
      prev: undefined,
      next: undefined,
    };
    this.addByAddress(user);
    this.byFolded.set(user.folded, user);
    this.bySkeleton.set(user.skeleton, user);
    this.bySeen.push(user);
    const groups = this.groupsOf(user);
    groups.set(groupKey, (groups.get(groupKey) ?? 0) + 1);
    if (user.token !== undefined) this.checkedCount++;
    if (user.replyBudget !== Infinity) this.boundCount++;
    this.changed();
    return user;
  }

  remove(user: User): void {
    if (this.byFolded.get(user.folded) !== user) return;
    this.removeByAddress(user);
    this.byFolded.delete(user.folded);
    this.bySkeleton.delete(user.skeleton);
    this.bySeen.remove(user);
    if (user.token !== undefined) this.checkedCount--;
    if (user.replyBudget !== Infinity) this.boundCount--;
    const groups = this.groupsOf(user);
    const count = (groups.get(user.groupKey) ?? 0) - 1;
    if (count > 0) groups.set(user.groupKey, count);
    else groups.delete(user.groupKey);
    this.changed();
  }

  /** Marks the user heard from at `now`. */
  touch(user: User, now: number): void {
    // A clock that steps back must not reorder bySeen.
    if (now <= user.lastSeen) return;
    user.lastSeen = now;
    this.bySeen.touch(user);
  }

  /** Removes and returns every user with `now - lastSeen >= timeoutMs`, stalest first. */
  expire(now: number, timeoutMs: number): User[] {
    const expired: User[] = [];
    for (let user = this.bySeen.first; user !== undefined; user = this.bySeen.first) {
      if (now - user.lastSeen < timeoutMs) break;
      this.remove(user);
      expired.push(user);
    }
    return expired;
  }

  /** The last-seen time of the stalest user. */
  oldestLastSeen(): number | undefined {
    return this.bySeen.first?.lastSeen;
  }

  /** Every user, in registration order. */
  values(): IterableIterator<User> {
    return this.byFolded.values();
  }

  /** Every user's endpoint, registration order; a new array after each membership change. */
  endpoints(): readonly Endpoint[] {
    this.endpointCache ??= Object.freeze(Array.from(this.byFolded.values(), (u) => u.endpoint));
    return this.endpointCache;
  }

  /**
   * Every endpoint for the list push: users the 3x rule does not bind first, unchecked ones
   * last (revision 3), so a push cut short by the send buffer reaches the checked ones.
   */
  pushOrder(): readonly Endpoint[] {
    // With no unchecked user the order is registration order: the array endpoints() keeps.
    if (this.boundCount === 0) return this.endpoints();
    if (this.pushOrderCache === undefined) {
      const first: Endpoint[] = [];
      const last: Endpoint[] = [];
      for (const user of this.byFolded.values()) {
        (user.replyBudget === Infinity ? first : last).push(user.endpoint);
      }
      this.pushOrderCache = Object.freeze(last.length === 0 ? first : first.concat(last));
    }
    return this.pushOrderCache;
  }

  /** Every name, registration order; a new array after each membership change. */
  names(): readonly string[] {
    this.nameCache ??= Object.freeze(Array.from(this.byFolded.values(), (u) => u.name));
    return this.nameCache;
  }

  clear(): void {
    this.byAddress.clear();
    this.byFolded.clear();
    this.bySkeleton.clear();
    this.bySeen.clear();
    this.perGroup.clear();
    this.uncheckedPerGroup.clear();
    this.checkedCount = 0;
    this.boundCount = 0;
    this.changed();
  }

  private addByAddress(user: User): void {
    const { address, port } = user.endpoint;
    const slot = this.byAddress.get(address);
    if (slot === undefined) this.byAddress.set(address, user);
    else if (slot instanceof Map) slot.set(port, user);
    else {
      const ports = new Map<number, User>();
      ports.set(slot.endpoint.port, slot);
      ports.set(port, user);
      this.byAddress.set(address, ports);
    }
  }

  private removeByAddress(user: User): void {
    const { address, port } = user.endpoint;
    const slot = this.byAddress.get(address);
    if (slot === user) {
      this.byAddress.delete(address);
    } else if (slot instanceof Map && slot.get(port) === user) {
      slot.delete(port);
      // Back to the lone form, so memory stays as if the others had never been there.
      if (slot.size === 1) this.byAddress.set(address, slot.values().next().value as User);
    }
  }

  private changed(): void {
    this.version++;
    this.endpointCache = undefined;
    this.pushOrderCache = undefined;
    this.nameCache = undefined;
  }

  /** The per-group counts a user is in: checked names and plain ones are counted apart. */
  private groupsOf(user: User): Map<string, number> {
    return user.token === undefined ? this.uncheckedPerGroup : this.perGroup;
  }
}
