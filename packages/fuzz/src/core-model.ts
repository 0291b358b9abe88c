import type { ChatServer, CoreEvent, Datagram, Endpoint } from "@chat/core";
import {
  checkMessageBytes,
  decode,
  decodeFrame,
  encode,
  foldName,
  lookAlikeKey,
  MAX_UNREGISTERED_REPLY_BYTES,
  Opcode,
  type RawPacket,
} from "@chat/protocol";

/*
 * A model of who is registered, rebuilt only from what ChatServer reports (its events and
 * users()), and the invariants every step must keep. A violation throws InvariantError with
 * what was seen, so fast-check shrinks to the shortest sequence that breaks it.
 */

export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

function fail(message: string): never {
  throw new InvariantError(message);
}

interface ModelUser {
  name: string;
  endpoint: Endpoint;
  lastHeard: number;
}

/** An endpoint of the generated traffic with its per-IP group (IPv4 address, IPv6 /64). */
export interface Peer extends Endpoint {
  readonly group: string;
}

const keyOf = (e: Endpoint) => `${e.address}|${e.port}`;

export class CoreModel {
  /** By endpoint key, in registration order. */
  private readonly users = new Map<string, ModelUser>();
  /** Bytes sent to nameless endpoints per address group, and when the group was first heard. */
  private readonly namelessBytes = new Map<
    string,
    { first: number; bytes: number; count: number }
  >();

  constructor(
    private readonly server: ChatServer,
    /** Whether the per-IP reply budget can be checked exactly (no limiter state evicted). */
    private readonly checkReplyBudget: boolean,
  ) {}

  receive(bytes: Uint8Array, from: Peer, now: number): void {
    const before = this.users.get(keyOf(from));
    if (before !== undefined) before.lastHeard = now;
    const registeredBefore = new Set(this.users.keys());
    const out = this.server.receive(bytes, from, now);
    this.apply(this.server.takeEvents(), now, from);
    this.checkUsers();
    // A REGISTER that succeeds is answered as to a user: what forged REGISTERs can reflect is
    // bounded by the per-IP REGISTER caps instead of the reply limit.
    const nameless = before === undefined && !this.users.has(keyOf(from));
    this.checkDatagrams(out, registeredBefore, from, nameless, now);
    const frame = frameOf(bytes);
    if (frame?.opcode === Opcode.BROADCAST) {
      this.checkBroadcast(out, frame.message, before !== undefined, registeredBefore);
    }
  }

  tick(now: number): void {
    const registeredBefore = new Set(this.users.keys());
    const out = this.server.tick(now);
    this.apply(this.server.takeEvents(), now, undefined);
    this.checkUsers();
    this.checkDatagrams(out, registeredBefore, undefined, false, now);
    const timeout = this.server.settings.userTimeoutMs;
    if (timeout === 0) return;
    for (const user of this.users.values()) {
      if (now - user.lastHeard >= timeout) {
        fail(
          `${user.name} silent for ${now - user.lastHeard} ms survived a tick (timeout ${timeout})`,
        );
      }
    }
  }

  /** Every registered user answers by endpoint, and is found by name: a PRIVATE to itself. */
  probeEveryUser(now: number): void {
    for (const user of [...this.users.values()]) {
      user.lastHeard = now;
      const probe = encodePrivate(user.name, "probe");
      const out = this.server.receive(probe, user.endpoint, now);
      this.apply(this.server.takeEvents(), now, user.endpoint);
      const forwards = out.filter((d) => d.bytes[0] === Opcode.PRIVATE_FWD);
      const to = forwards.flatMap((d) => d.to.map(keyOf));
      if (forwards.length !== 1 || to.length !== 1 || to[0] !== keyOf(user.endpoint)) {
        fail(`PRIVATE from ${user.name} to itself reached [${to.join(", ")}]`);
      }
    }
  }

  private checkDatagrams(
    out: readonly Datagram[],
    registeredBefore: ReadonlySet<string>,
    from: Peer | undefined,
    fromNameless: boolean,
    now: number,
  ): void {
    for (const datagram of out) {
      try {
        decode(datagram.bytes, { direction: "toClient" });
      } catch (error) {
        fail(`server sent an undecodable datagram: ${String(error)}`);
      }
      for (const to of datagram.to) {
        const key = keyOf(to);
        if (from !== undefined && key === keyOf(from) && fromNameless) {
          this.chargeNameless(from, datagram.bytes.length, now);
          continue;
        }
        // Anything else may only go to a user registered before or after this step.
        if (!this.users.has(key) && !registeredBefore.has(key)) {
          fail(`datagram to ${key}, which holds no name`);
        }
      }
    }
  }

  private chargeNameless(from: Peer, bytes: number, now: number): void {
    if (bytes > MAX_UNREGISTERED_REPLY_BYTES) {
      fail(`${bytes}-byte reply to nameless ${from.address}`);
    }
    const settings = this.server.settings;
    if (!this.checkReplyBudget || !settings.rateLimit) return;
    if (settings.exemptNetworks.length > 0 && isLoopback(from.address)) return;
    const spent = this.namelessBytes.get(from.group) ?? { first: now, bytes: 0, count: 0 };
    spent.bytes += bytes;
    spent.count++;
    this.namelessBytes.set(from.group, spent);
    const seconds = (now - spent.first) / 1000;
    const byteBudget = settings.unregisteredReplyBytesPerSecond * (1 + seconds);
    const countBudget =
      Math.max(1, settings.unregisteredRepliesPerSecond) +
      settings.unregisteredRepliesPerSecond * seconds;
    if (spent.bytes > byteBudget + 1e-6 || spent.count > countBudget + 1e-6) {
      fail(`group ${from.group} got ${spent.count} replies, ${spent.bytes} bytes in ${seconds} s`);
    }
  }

  private apply(events: readonly CoreEvent[], now: number, from: Endpoint | undefined): void {
    const timeout = this.server.settings.userTimeoutMs;
    for (const event of events) {
      if (event.type === "joined") {
        const key = keyOf(event.endpoint);
        if (this.users.has(key)) fail(`${key} joined twice`);
        this.users.set(key, { name: event.name, endpoint: event.endpoint, lastHeard: now });
      } else if (event.type === "left" || event.type === "expired") {
        const key = keyOf(event.endpoint);
        const user = this.users.get(key);
        if (user === undefined || user.name !== event.name) fail(`${event.name} left unknown`);
        if (event.type === "left" && (from === undefined || keyOf(from) !== key)) {
          fail(`${event.name} logged out by another endpoint`);
        }
        if (event.type === "expired" && now - user.lastHeard < timeout) {
          fail(
            `${user.name} expired ${now - user.lastHeard} ms after last heard (timeout ${timeout})`,
          );
        }
        if (event.type === "expired" && timeout === 0) fail("expired with userTimeout 0");
        this.users.delete(key);
      }
    }
  }

  private checkUsers(): void {
    const names = this.server.users();
    const modelled = [...this.users.values()].map((u) => u.name);
    if (names.join("\0") !== modelled.join("\0")) {
      fail(`users() is [${names.join(", ")}], events say [${modelled.join(", ")}]`);
    }
    const folded = new Set(names.map(foldName));
    if (folded.size !== names.length) fail(`two users share a folded name: ${names.join(", ")}`);
    const keys = new Set(names.map((name) => lookAlikeKey(name)));
    if (keys.size !== names.length) fail(`two users look alike: ${names.join(", ")}`);
    if (names.length > this.server.settings.maxUsers) fail(`${names.length} users > maxUsers`);
  }

  private checkBroadcast(
    out: readonly Datagram[],
    message: Uint8Array,
    fromUser: boolean,
    registered: ReadonlySet<string>,
  ): void {
    const forwards = out.filter((d) => d.bytes[0] === Opcode.BROADCAST_FWD);
    if (!fromUser) {
      if (forwards.length > 0) fail("BROADCAST from a nameless endpoint was forwarded");
      return;
    }
    const settings = this.server.settings;
    const valid = checkMessageBytes(message, settings.maxMessageBytes) === undefined;
    if (!valid && forwards.length > 0) fail("an invalid BROADCAST was forwarded");
    if (valid && !settings.rateLimit && forwards.length === 0) fail("a BROADCAST was lost");
    if (forwards.length === 0) return;
    const to = forwards.flatMap((d) => d.to.map(keyOf));
    const once = new Set(to);
    if (to.length !== registered.size || once.size !== to.length) {
      fail(
        `BROADCAST reached ${to.length} endpoints (${once.size} distinct), ${registered.size} users`,
      );
    }
    for (const key of registered) if (!once.has(key)) fail(`BROADCAST missed ${key}`);
  }
}

function frameOf(bytes: Uint8Array): RawPacket | undefined {
  try {
    return decodeFrame(bytes, "toServer");
  } catch {
    return undefined;
  }
}

function encodePrivate(receiver: string, message: string): Uint8Array {
  return encode({ opcode: Opcode.PRIVATE, receiver, message });
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}
