import { randomBytes } from "node:crypto";
import {
  FrameRefusal,
  foldName,
  inspectFrame,
  Opcode,
  type RawPacket,
  SERVER_OPCODES,
} from "@chat/protocol";
import { AddressCheckPolicy, AddressTokens, tokenMatches } from "./address-check.js";
import { ClusterSeam } from "./cluster-seam.js";
import { DenyList } from "./deny-list.js";
import type { ClaimOutcome, Directory, PrivateOutcome } from "./directory.js";
import { broadcast } from "./handlers/broadcast.js";
import { overLimit } from "./handlers/common.js";
import { info } from "./handlers/info.js";
import { list } from "./handlers/list.js";
import { logout } from "./handlers/logout.js";
import { sendPrivate } from "./handlers/private.js";
import { joined, register } from "./handlers/register.js";
import { InfoCache } from "./info.js";
import { ListCache } from "./list-cache.js";
import { Outbox } from "./outbox.js";
import { RateLimits, Verdict } from "./rate-limits.js";
import { BANNED, REMOVED_BY_OPERATOR } from "./refusals.js";
import { endpointKey, Registry, type User } from "./registry.js";
import { SHUTTING_DOWN_PACKET } from "./replies.js";
import type { Request } from "./request.js";
import type { ServerState } from "./server-state.js";
import { resolveSettings, type ServerSettings } from "./settings.js";
import { type CoreStats, emptyCounters, NO_OPCODE } from "./stats.js";
import type { CoreEvent, Datagram, Endpoint } from "./types.js";

/**
 * The CHAT UDP server as a pure state machine (docs/protocol.md#4-who-is-who to
 * #6-abuse-limits): bytes, the sender and the time in; datagrams to send and events out.
 * It never touches a socket or a clock; the daemon calls `receive` per datagram and `tick`
 * when `nextTimerAt` says. This file admits, decodes and dispatches; handlers/ holds one
 * handler per packet kind.
 */
export class ChatServer {
  readonly settings: ServerSettings;
  private readonly state: ServerState;
  /** Refilled for every datagram: handling one allocates no context. */
  private readonly req: Request = {
    from: { address: "", port: 0 },
    key: "",
    user: undefined,
    now: 0,
  };
  private nextListAt: number | undefined;

  /** `options.directory` turns on cluster mode (see directory.ts); without it, one process. */
  constructor(settings?: Partial<ServerSettings>, options: ChatServerOptions = {}) {
    this.settings = resolveSettings(settings);
    const registry = new Registry();
    const counters = emptyCounters();
    const limits = new RateLimits(this.settings);
    const out = new Outbox(counters, limits);
    const { directory } = options;
    const tokens = new AddressTokens(options.addressSecret ?? randomBytes(32));
    const policy = new AddressCheckPolicy(this.settings, () => registry.boundCount);
    counters.listIntervalEffectiveMs = this.settings.listIntervalMs;
    this.state = {
      settings: this.settings,
      registry,
      limits,
      counters,
      out,
      lists: new ListCache(registry, undefined, directory),
      info: new InfoCache(this.settings.serverName, this.settings.version),
      tokens,
      policy,
      deny: DenyList.EMPTY,
      cluster:
        directory &&
        new ClusterSeam(
          directory,
          registry,
          out,
          counters,
          this.settings.maxMessageBytes,
          (req, added) => joined(this.state, req, added),
        ),
    };
  }

  /** Handles one datagram from `from` at `now` (ms since the epoch); returns what to send. */
  receive(bytes: Uint8Array, from: Endpoint, now: number): readonly Datagram[] {
    const { counters, registry, out } = this.state;
    counters.packetsIn++;
    counters.bytesIn += bytes.length;
    const opcode = bytes.length > 0 ? bytes[0]! : NO_OPCODE;
    counters.datagramsInByOpcode[opcode]!++;
    counters.bytesInByOpcode[opcode]! += bytes.length;
    this.startTimers(now);
    const req = this.req;
    req.from = from;
    req.now = now;
    // A user's key is stored; only a nameless sender's is built (a string per datagram).
    const user = registry.byEndpoint(from);
    req.user = user;
    if (user !== undefined) {
      req.key = user.key;
      // A checked user is refreshed only by packets that carry its token (dispatch).
      if (user.token === undefined) registry.touch(user, now);
      // QUIC's 3x rule: what an unchecked user sends is what the server may answer it, x3.
      if (user.replyBudget !== Infinity) user.replyBudget += 3 * bytes.length;
    }
    // Revision 2: what only a server sends is never answered, whatever its size, so two
    // servers that one forged datagram sets talking cannot bounce ERRORs forever.
    if (bytes.length > 0 && SERVER_OPCODES.has(bytes[0] as number)) {
      counters.drops["server-opcode"]++;
      return out.flush();
    }
    // A user's address cannot be banned (deny() removed it), so only the nameless are checked.
    const deny = this.state.deny;
    if (req.user === undefined && deny.bansAddresses && deny.bansAddress(from.address)) {
      // Only a REGISTER is answered, so a banned client learns why; the rest is dropped.
      if (bytes[0] === Opcode.REGISTER) out.refuse(BANNED, req);
      else counters.drops.banned++;
      return out.flush();
    }
    if (user === undefined) {
      // Revision 3: nameless packets are limited per source IP before any per-endpoint state
      // is made for them, so a sweep over every port of an address costs minutes and no memory.
      if (!this.state.limits.admitNameless(from.address, now)) {
        counters.drops["nameless-rate-limited"]++;
        return out.flush();
      }
      req.key = endpointKey(from);
    }
    const verdict = this.state.limits.admitPacket(req.key, now);
    if (verdict !== Verdict.Admit) overLimit(this.state, req, verdict);
    else this.dispatch(bytes, req);
    return out.flush();
  }

  private dispatch(bytes: Uint8Array, req: Request): void {
    let frame = inspectFrame(bytes, "toServer");
    // Revision 3: a token means something only from a checked user. From a plain user the
    // packet reads as the RFC reads it (a message holding a NUL, DATA where none belongs), so
    // a plain client meets exactly the answers it always had. From an endpoint with no name
    // it is read as revision 3 shapes it: a checked client the server forgot (a restart, an
    // expiry) hears `not registered`, as the RFC would tell it, and registers again.
    if (hasToken(frame) && req.user !== undefined && req.user.token === undefined) {
      frame = inspectFrame(bytes, "toServer", "rfc");
    }
    if (frame instanceof FrameRefusal) {
      this.state.counters.drops[frame.code === "UNKNOWN_OPCODE" ? "unknown-opcode" : "malformed"]++;
      this.state.out.refuseWith(frame, req);
      return;
    }
    const state = this.state;
    switch (frame.opcode) {
      case Opcode.REGISTER:
        register(state, req, frame.name, frame.cookie, bytes.length);
        return;
      case Opcode.LOGOUT:
        if (this.authentic(req, frame.token)) logout(state, req);
        return;
      case Opcode.BROADCAST:
        if (this.authentic(req, frame.token)) broadcast(state, req, frame.message);
        return;
      case Opcode.PRIVATE:
        if (this.authentic(req, frame.token)) {
          sendPrivate(state, req, frame.receiver, frame.message);
        }
        return;
      case Opcode.INFO_REQUEST:
        info(state, req);
        return;
      case Opcode.LIST_REQUEST:
        if (this.authentic(req, frame.token)) list(state, req);
        return;
      // inspectFrame("toServer") has refused every other opcode.
    }
  }

  /**
   * Revision 3: a checked user's LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE carry its session
   * token. Without it, or with a wrong one, the packet is dropped and counted, never answered,
   * and does not keep the user alive: so a blind forger can neither log it out nor speak as it.
   */
  private authentic(req: Request, token: Uint8Array | undefined): boolean {
    const user = req.user;
    if (user?.token === undefined) return true;
    if (tokenMatches(token, user.token)) {
      this.state.registry.touch(user, req.now);
      return true;
    }
    this.state.counters.drops["bad-token"]++;
    return false;
  }

  /**
   * A new address-check secret (the daemon rotates it now and then); tokens made under the
   * one before stay valid for their lifetime.
   */
  rotateAddressSecret(secret: Uint8Array): void {
    this.state.tokens.rotate(secret);
  }

  /** Expires silent users, pushes the list when due, forgets idle limiter state. */
  tick(now: number): readonly Datagram[] {
    const { counters, registry, out, lists } = this.state;
    this.startTimers(now);
    const timeout = this.settings.userTimeoutMs;
    if (timeout > 0) {
      for (const user of registry.expire(now, timeout)) {
        counters.expired++;
        this.state.cluster?.released(user);
        out.event({ type: "expired", name: user.name, endpoint: user.endpoint });
      }
    }
    if (this.nextListAt !== undefined && now >= this.nextListAt) {
      let interval = this.settings.listIntervalMs;
      if (registry.size > 0) {
        const packets = lists.get();
        interval = this.pushInterval();
        counters.listPushes++;
        // Checked and trusted users first, unchecked ones last (revision 3).
        const everyone = registry.pushOrder();
        for (const packet of packets) out.send(packet, everyone);
      }
      counters.listIntervalEffectiveMs = interval;
      this.nextListAt += interval;
      // After a stall, resume the rhythm from now rather than pushing a burst of lists.
      if (this.nextListAt <= now) this.nextListAt = now + interval;
    }
    this.state.limits.sweep(now);
    return out.flush();
  }

  /*
   * Cluster mode: the directory's answers and the other nodes' traffic. Each returns what
   * to send, as receive() does; they do nothing without a directory.
   */

  /** The cluster's answer to a claim (REGISTER of a new name). */
  settleClaim(id: number, outcome: ClaimOutcome, now: number): readonly Datagram[] {
    this.state.cluster?.settleClaim(id, outcome, now);
    return this.state.out.flush();
  }

  /** The cluster has released a LOGOUT's name: its OK goes out now. */
  settleRelease(id: number): readonly Datagram[] {
    this.state.cluster?.settleRelease(id);
    return this.state.out.flush();
  }

  /** The cluster's answer to a PRIVATE for a user of another node. */
  settlePrivate(id: number, outcome: PrivateOutcome, now: number): readonly Datagram[] {
    this.state.cluster?.settlePrivate(id, outcome, now);
    return this.state.out.flush();
  }

  /** A BROADCAST_FWD in the cluster's order (this node's own too), to every local user. */
  deliverBroadcast(forward: Uint8Array): readonly Datagram[] {
    this.state.cluster?.deliverBroadcast(forward);
    return this.state.out.flush();
  }

  /** A PRIVATE_FWD from another node for the local user with this folded name. */
  deliverPrivate(receiverFolded: string, forward: Uint8Array): readonly Datagram[] {
    this.state.cluster?.deliverPrivate(receiverFolded, forward);
    return this.state.out.flush();
  }

  /** The cluster gave a local user's name to another: ERROR `username is already present`, out. */
  evict(folded: string): readonly Datagram[] {
    this.state.cluster?.evict(folded);
    return this.state.out.flush();
  }

  /*
   * The operator's tools (docs/operations.md#moderation): the daemon calls them from its
   * admin channel and on a reload. Each returns what to send, as receive() does.
   */

  /** Replaces the deny list; users it now matches are removed with ERROR `banned`. */
  deny(list: DenyList): readonly Datagram[] {
    this.state.deny = list;
    if (list.size > 0) {
      for (const user of Array.from(this.state.registry.values())) {
        const banned =
          list.bansName(user.folded, user.skeleton) || list.bansAddress(user.endpoint.address);
        if (banned) this.remove(user, BANNED.packet, "banned");
      }
    }
    return this.state.out.flush();
  }

  /** The deny list in force. */
  denied(): DenyList {
    return this.state.deny;
  }

  /**
   * Removes the local user with this name (compared folded) with ERROR `removed by the
   * operator`; undefined when no such user is here. The name is free again at once.
   */
  kick(name: string): readonly Datagram[] | undefined {
    const user = this.state.registry.byFoldedName(foldName(name.normalize("NFC")));
    if (user === undefined) return undefined;
    this.remove(user, REMOVED_BY_OPERATOR.packet, "kicked");
    return this.state.out.flush();
  }

  private remove(user: User, notice: Uint8Array, reason: "kicked" | "banned"): void {
    const { registry, counters, out } = this.state;
    out.send(notice, user.self);
    registry.remove(user);
    counters.removed++;
    this.state.cluster?.released(user);
    out.event({ type: "removed", name: user.name, endpoint: user.endpoint, reason });
  }

  /** ERROR "server shutting down" to every user; the registry is emptied. */
  shutdown(): readonly Datagram[] {
    const { registry, out } = this.state;
    out.send(SHUTTING_DOWN_PACKET, registry.endpoints());
    registry.clear();
    return out.flush();
  }

  /** The events since the last call, oldest first (a shared empty array when there are none). */
  takeEvents(): readonly CoreEvent[] {
    return this.state.out.takeEvents();
  }

  stats(): CoreStats {
    const { counters: c, registry, limits } = this.state;
    return {
      ...c,
      drops: { ...c.drops },
      refusedByReason: { ...c.refusedByReason },
      malformed: c.drops.malformed,
      rateLimited: c.drops["rate-limited"],
      datagramsInByOpcode: c.datagramsInByOpcode.slice(),
      bytesInByOpcode: c.bytesInByOpcode.slice(),
      datagramsOutByOpcode: c.datagramsOutByOpcode.slice(),
      bytesOutByOpcode: c.bytesOutByOpcode.slice(),
      users: registry.size,
      checkedUsers: registry.checkedCount,
      uncheckedUsers: registry.size - registry.checkedCount,
      trackedEndpoints: limits.trackedEndpoints,
      trackedAddresses: limits.trackedAddresses,
    };
  }

  /** Registered users with their endpoints, oldest registration first (the admin `users`). */
  members(): { readonly name: string; readonly endpoint: Endpoint }[] {
    return Array.from(this.state.registry.values(), ({ name, endpoint }) => ({ name, endpoint }));
  }

  /** Registered names, oldest registration first. The array is never changed afterwards. */
  users(): readonly string[] {
    return this.state.registry.names();
  }

  /** The earliest time `tick` has work: an expiry, a list push or limiter clean-up. */
  nextTimerAt(): number | undefined {
    let at = this.nextListAt;
    const oldest = this.state.registry.oldestLastSeen();
    if (oldest !== undefined && this.settings.userTimeoutMs > 0) {
      at = earliest(at, oldest + this.settings.userTimeoutMs);
    }
    return earliest(at, this.state.limits.nextSweepAt());
  }

  /**
   * Revision 3: a push is users x names, so it grows as the square of the users. All pushes
   * together send at most listPushBytesPerSecond: a push larger than one interval's share
   * stretches the interval until the next one. The RFC's "at regular intervals" holds.
   */
  private pushInterval(): number {
    const total = this.state.lists.bytes() * this.state.registry.size;
    const needed = Math.ceil((total * 1000) / this.settings.listPushBytesPerSecond);
    if (needed <= this.settings.listIntervalMs) return this.settings.listIntervalMs;
    this.state.counters.listPushesStretched++;
    return needed;
  }

  private startTimers(now: number): void {
    if (this.nextListAt === undefined && this.settings.listIntervalMs > 0) {
      this.nextListAt = now + this.settings.listIntervalMs;
    }
  }
}

export interface ChatServerOptions {
  readonly directory?: Directory;
  /**
   * The address check's secret (revision 3), at least 16 bytes. Core reads no randomness of
   * its own, as it reads no clock: without one it takes 32 random bytes once, here. A cluster
   * gives every node the same secret, so a token works on any of them.
   */
  readonly addressSecret?: Uint8Array;
}

/** Whether a frame carries revision 3's session token. */
function hasToken(frame: RawPacket | FrameRefusal): boolean {
  return !(frame instanceof FrameRefusal) && "token" in frame && frame.token !== undefined;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
