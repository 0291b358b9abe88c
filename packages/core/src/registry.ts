import { encodeUtf8, foldName } from "@chat/protocol";
import { type Linked, RecencyList } from "./recency-list.js";
import type { Endpoint } from "./types.js";

/** A registered user. The registry owns these; callers read them. */
export interface User extends Linked<User> {
  /** NFC form, as stored and shown. */
  readonly name: string;
  /** NFKC + lower case: the form names clash in. */
  readonly folded: string;
  /** UTF-8 of `name`, so forwards need no re-encoding. */
  readonly nameBytes: Uint8Array;
  readonly endpoint: Endpoint;
  /** `[endpoint]`, kept so a reply to this user allocates no array. */
  readonly self: readonly Endpoint[];
  readonly key: string;
  /** Per-IP limits count by this (the IPv4 address or the IPv6 /64). */
  readonly groupKey: string;
  lastSeen: number;
}

/** The map key of an endpoint. The port follows the last "|", so IPv6 colons cannot clash. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.address}|${endpoint.port}`;
}

/**
 * Who is registered: O(1) look-up by endpoint key and by folded name, registration order
 * (for LIST_RESPONSE) and last-seen order (for expiry: the stalest user is first, so
 * expiring costs only what it removes). Arrays handed out are replaced, never edited,
 * when membership changes.
 */
export class Registry {
  private readonly byKey = new Map<string, User>();
  private readonly byFolded = new Map<string, User>();
  /** Least recently seen first. */
  private readonly bySeen = new RecencyList<User>();
  private readonly perGroup = new Map<string, number>();
  private endpointCache: readonly Endpoint[] | undefined;
  private nameCache: readonly string[] | undefined;
  /** Bumped on every membership change; caches compare it. */
  version = 0;

  get size(): number {
    return this.byKey.size;
  }

  byEndpointKey(key: string): User | undefined {
    return this.byKey.get(key);
  }

  byFoldedName(folded: string): User | undefined {
    return this.byFolded.get(folded);
  }

  /** Names held from one address group. */
  countInGroup(groupKey: string): number {
    return this.perGroup.get(groupKey) ?? 0;
  }

  /** Adds a user; the caller has checked the name is valid, NFC and free. */
  add(name: string, endpoint: Endpoint, key: string, groupKey: string, now: number): User {
    const stored: Endpoint = { address: endpoint.address, port: endpoint.port };
    const user: User = {
      name,
      folded: foldName(name),
      nameBytes: encodeUtf8(name),
      endpoint: stored,
      self: Object.freeze([stored]),
      key,
      groupKey,
      lastSeen: now,
      prev: undefined,
      next: undefined,
    };
    this.byKey.set(key, user);
    this.byFolded.set(user.folded, user);
    this.bySeen.push(user);
    this.perGroup.set(groupKey, this.countInGroup(groupKey) + 1);
    this.changed();
    return user;
  }

  remove(user: User): void {
    if (this.byKey.get(user.key) !== user) return;
    this.byKey.delete(user.key);
    this.byFolded.delete(user.folded);
    this.bySeen.remove(user);
    const count = this.countInGroup(user.groupKey) - 1;
    if (count > 0) this.perGroup.set(user.groupKey, count);
    else this.perGroup.delete(user.groupKey);
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
    return this.byKey.values();
  }

  /** Every user's endpoint, registration order; a new array after each membership change. */
  endpoints(): readonly Endpoint[] {
    this.endpointCache ??= Object.freeze(Array.from(this.byKey.values(), (u) => u.endpoint));
    return this.endpointCache;
  }

  /** Every name, registration order; a new array after each membership change. */
  names(): readonly string[] {
    this.nameCache ??= Object.freeze(Array.from(this.byKey.values(), (u) => u.name));
    return this.nameCache;
  }

  clear(): void {
    this.byKey.clear();
    this.byFolded.clear();
    this.bySeen.clear();
    this.perGroup.clear();
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.endpointCache = undefined;
    this.nameCache = undefined;
  }
}
