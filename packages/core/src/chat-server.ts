import {
  decodeFrame,
  isProtocolError,
  Opcode,
  type ProtocolError,
  type RawPacket,
  SERVER_OPCODES,
} from "@chat/protocol";
import { InfoCache } from "./info.js";
import { ListCache } from "./list-cache.js";
import { Outbox } from "./outbox.js";
import { RateLimits, Verdict } from "./rate-limits.js";
import { endpointKey, Registry, type User } from "./registry.js";
import { OK_PACKET, SHUTTING_DOWN_PACKET } from "./replies.js";
import { Requests } from "./requests.js";
import { resolveSettings, type ServerSettings } from "./settings.js";
import { type CoreStats, emptyStats } from "./stats.js";
import type { CoreEvent, Datagram, Endpoint } from "./types.js";

/**
 * The CHAT UDP server as a pure state machine (protocol.md sections 3 to 5): bytes, the
 * sender and the time in; datagrams to send and events out. It never touches a socket or
 * a clock; the daemon calls `receive` per datagram and `tick` when `nextTimerAt` says.
 */
export class ChatServer {
  readonly settings: ServerSettings;
  private readonly registry = new Registry();
  private readonly lists: ListCache;
  private readonly info: InfoCache;
  private readonly limits: RateLimits;
  private readonly counters: CoreStats = emptyStats();
  private readonly outbox: Outbox;
  private readonly requests: Requests;
  private nextListAt: number | undefined;

  constructor(settings?: Partial<ServerSettings>) {
    this.settings = resolveSettings(settings);
    this.lists = new ListCache(this.registry);
    this.info = new InfoCache(this.settings.serverName, this.settings.version);
    this.limits = new RateLimits(this.settings);
    this.outbox = new Outbox(this.counters, this.limits);
    this.requests = new Requests(
      this.settings,
      this.registry,
      this.limits,
      this.outbox,
      this.counters,
    );
  }

  /** Handles one datagram from `from` at `now` (ms since the epoch); returns what to send. */
  receive(bytes: Uint8Array, from: Endpoint, now: number): readonly Datagram[] {
    this.counters.packetsIn++;
    this.counters.bytesIn += bytes.length;
    this.startTimers(now);
    // A user's key is stored; only a nameless sender's is built (a string per datagram).
    const user = this.registry.byEndpoint(from);
    const key = user === undefined ? endpointKey(from) : user.key;
    if (user !== undefined) this.registry.touch(user, now);
    // Revision 2: what only a server sends is never answered, whatever its size, so two
    // servers that one forged datagram sets talking cannot bounce ERRORs forever.
    if (bytes.length > 0 && SERVER_OPCODES.has(bytes[0] as number)) {
      this.counters.drops["server-opcode"]++;
      return this.outbox.flush();
    }

    const verdict = this.limits.admitPacket(key, now);
    if (verdict !== Verdict.Admit) {
      this.requests.overLimit(verdict, from, user, now);
      return this.outbox.flush();
    }
    let frame: RawPacket;
    try {
      frame = decodeFrame(bytes, "toServer");
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      this.refuseFrame(error, from, user, now);
      return this.outbox.flush();
    }
    switch (frame.opcode) {
      case Opcode.REGISTER:
        this.requests.register(frame.name, from, key, user, now);
        break;
      case Opcode.LOGOUT:
        this.requests.logout(user);
        this.outbox.reply(OK_PACKET, from, user, now);
        break;
      case Opcode.BROADCAST:
        if (this.requests.requireUser(from, user, now))
          this.requests.broadcast(frame.message, from, key, user, now);
        break;
      case Opcode.PRIVATE:
        if (this.requests.requireUser(from, user, now)) {
          this.requests.sendPrivate(frame.receiver, frame.message, from, user, now);
        }
        break;
      case Opcode.INFO_REQUEST:
        this.outbox.reply(this.info.get(now), from, user, now);
        break;
      case Opcode.LIST_REQUEST:
        if (this.requests.requireUser(from, user, now)) {
          for (const packet of this.lists.get()) this.outbox.send(packet, user.self);
        }
        break;
      // decodeFrame("toServer") has refused every other opcode.
    }
    return this.outbox.flush();
  }

  /** Expires silent users, pushes the list when due, forgets idle limiter state. */
  tick(now: number): readonly Datagram[] {
    this.startTimers(now);
    const timeout = this.settings.userTimeoutMs;
    if (timeout > 0) {
      for (const user of this.registry.expire(now, timeout)) {
        this.counters.expired++;
        this.outbox.event({ type: "expired", name: user.name, endpoint: user.endpoint });
      }
    }
    if (this.nextListAt !== undefined && now >= this.nextListAt) {
      const interval = this.settings.listIntervalMs;
      this.nextListAt += interval;
      // After a stall, resume the rhythm from now rather than pushing a burst of lists.
      if (this.nextListAt <= now) this.nextListAt = now + interval;
      if (this.registry.size > 0) {
        this.counters.listPushes++;
        const everyone = this.registry.endpoints();
        for (const packet of this.lists.get()) this.outbox.send(packet, everyone);
      }
    }
    this.limits.sweep(now);
    return this.outbox.flush();
  }

  /** ERROR "server shutting down" to every user; the registry is emptied. */
  shutdown(): readonly Datagram[] {
    this.outbox.send(SHUTTING_DOWN_PACKET, this.registry.endpoints());
    this.registry.clear();
    return this.outbox.flush();
  }

  /** The events since the last call, oldest first (a shared empty array when there are none). */
  takeEvents(): readonly CoreEvent[] {
    return this.outbox.takeEvents();
  }

  stats(): CoreStats {
    const c = this.counters;
    return {
      ...c,
      drops: { ...c.drops },
      users: this.registry.size,
      trackedEndpoints: this.limits.trackedEndpoints,
      trackedAddresses: this.limits.trackedAddresses,
    };
  }

  /** Registered names, oldest registration first. The array is never changed afterwards. */
  users(): readonly string[] {
    return this.registry.names();
  }

  /** The earliest time `tick` has work: an expiry, a list push or limiter clean-up. */
  nextTimerAt(): number | undefined {
    let at = this.nextListAt;
    const oldest = this.registry.oldestLastSeen();
    if (oldest !== undefined && this.settings.userTimeoutMs > 0) {
      at = earliest(at, oldest + this.settings.userTimeoutMs);
    }
    return earliest(at, this.limits.nextSweepAt());
  }

  private startTimers(now: number): void {
    if (this.nextListAt === undefined && this.settings.listIntervalMs > 0) {
      this.nextListAt = now + this.settings.listIntervalMs;
    }
  }

  private refuseFrame(error: ProtocolError, from: Endpoint, user: User | undefined, now: number) {
    if (error.code === "UNKNOWN_OPCODE") {
      this.counters.drops["unknown-opcode"]++;
    } else {
      this.counters.malformed++;
      this.counters.drops.malformed++;
    }
    this.outbox.refuse(error.message, from, user, now, error.code);
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
