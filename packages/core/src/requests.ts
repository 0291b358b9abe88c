import {
  checkMessageBytes,
  decodeFoldedName,
  decodeName,
  decodeUtf8,
  ErrorText,
  encodeFrame,
  foldName,
  isProtocolError,
  messageInvalid,
  nameSkeleton,
  Opcode,
} from "@chat/protocol";
import { addressGroupKey } from "./ip-address.js";
import type { Outbox } from "./outbox.js";
import { type RateLimits, Verdict } from "./rate-limits.js";
import type { Registry, User } from "./registry.js";
import {
  NOT_REGISTERED_PACKET,
  OK_PACKET,
  RATE_LIMITED_PACKET,
  SERVER_FULL_PACKET,
  TOO_MANY_FROM_ADDRESS_PACKET,
  USERNAME_TAKEN_PACKET,
} from "./replies.js";
import type { ServerSettings } from "./settings.js";
import type { CoreStats } from "./stats.js";
import type { Endpoint } from "./types.js";

/**
 * The rules of protocol.md sections 3 and 4 for requests that passed framing, each check
 * in the protocol's order: registration, receiver, message. `user` is who the sender was
 * when the packet arrived.
 */
export class Requests {
  constructor(
    private readonly settings: ServerSettings,
    private readonly registry: Registry,
    private readonly limits: RateLimits,
    private readonly out: Outbox,
    private readonly counters: CoreStats,
  ) {}

  register(
    nameBytes: Uint8Array,
    from: Endpoint,
    key: string,
    user: User | undefined,
    now: number,
  ) {
    const out = this.out;
    let name: string;
    try {
      name = decodeName(nameBytes);
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      out.refuse(error.message, from, user, now, error.code);
      return;
    }
    const folded = foldName(name);
    if (user !== undefined) {
      // A refreshing REGISTER (the name held here): OK, free of the per-IP REGISTER limit.
      if (user.folded === folded) out.reply(OK_PACKET, from, user, now);
      else out.refuse(ErrorText.alreadyRegisteredAs(user.name), from, user, now);
      return;
    }
    // Equal folds have equal skeletons, so one look-up refuses both a taken name and a
    // look-alike of one (revision 2).
    const skeleton = nameSkeleton(folded);
    if (this.registry.bySkeletonKey(skeleton) !== undefined) {
      out.refuse(ErrorText.USERNAME_TAKEN, from, user, now, undefined, USERNAME_TAKEN_PACKET);
    } else if (this.registry.size >= this.settings.maxUsers) {
      out.refuse(ErrorText.SERVER_FULL, from, user, now, undefined, SERVER_FULL_PACKET);
    } else {
      const groupKey = addressGroupKey(from.address);
      if (this.tooManyFrom(from.address, groupKey, now)) {
        const text = ErrorText.TOO_MANY_FROM_ADDRESS;
        out.refuse(text, from, user, now, undefined, TOO_MANY_FROM_ADDRESS_PACKET);
        return;
      }
      const added = this.registry.add({ name, folded, skeleton }, from, key, groupKey, now);
      this.counters.registered++;
      out.event({ type: "joined", name: added.name, endpoint: added.endpoint });
      // The endpoint holds a name now, so its OK skips the reply limit; what a forged
      // REGISTER can reflect is bounded by the per-IP REGISTER caps instead.
      out.reply(OK_PACKET, from, added, now);
    }
  }

  /** The per-IP caps: names held, then REGISTERs in the last minute (only new names count). */
  private tooManyFrom(address: string, groupKey: string, now: number): boolean {
    if (!this.limits.limitsAddress(address)) return false;
    if (this.registry.countInGroup(groupKey) >= this.settings.maxUsersPerIp) return true;
    return !this.limits.admitRegister(groupKey, now);
  }

  logout(user: User | undefined): void {
    if (user === undefined) return;
    this.registry.remove(user);
    this.counters.loggedOut++;
    this.out.event({ type: "left", name: user.name, endpoint: user.endpoint });
  }

  /** Refuses with "not registered" when there is no user; the type guard narrows `user`. */
  requireUser(from: Endpoint, user: User | undefined, now: number): user is User {
    if (user !== undefined) return true;
    this.counters.drops["not-registered"]++;
    this.out.refuse(ErrorText.NOT_REGISTERED, from, user, now, undefined, NOT_REGISTERED_PACKET);
    return false;
  }

  /** One BROADCAST_FWD, encoded once, to the shared array of every user's endpoint. */
  broadcast(message: Uint8Array, from: Endpoint, key: string, user: User, now: number): void {
    if (!this.acceptMessage(message, from, user, now)) return;
    const verdict = this.limits.admitBroadcast(key, now);
    if (verdict !== Verdict.Admit) {
      this.overLimit(verdict, from, user, now);
      return;
    }
    this.counters.broadcasts++;
    const forward = encodeFrame(Opcode.BROADCAST_FWD, [user.nameBytes, message]);
    this.out.send(forward, this.registry.endpoints());
  }

  sendPrivate(receiver: Uint8Array, message: Uint8Array, from: Endpoint, user: User, now: number) {
    let folded: string;
    try {
      folded = decodeFoldedName(receiver);
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      this.out.refuse(error.message, from, user, now, error.code);
      return;
    }
    const target = this.registry.byFoldedName(folded);
    if (target === undefined) {
      // The name as sent: decodeName has just proved it valid UTF-8.
      const text = ErrorText.userNotFound(decodeUtf8(receiver) as string);
      this.out.refuse(text, from, user, now);
      return;
    }
    if (!this.acceptMessage(message, from, user, now)) return;
    this.counters.privates++;
    this.out.send(encodeFrame(Opcode.PRIVATE_FWD, [user.nameBytes, message]), target.self);
    this.out.send(OK_PACKET, user.self);
  }

  /** A packet over a limit: counted, dropped, and at most once a second "rate limited". */
  overLimit(verdict: Verdict, from: Endpoint, user: User | undefined, now: number): void {
    this.counters.rateLimited++;
    this.counters.drops["rate-limited"]++;
    if (verdict !== Verdict.DropAndNotify) return;
    this.out.event({ type: "dropped", endpoint: user?.endpoint ?? from, reason: "rate-limited" });
    this.out.reply(RATE_LIMITED_PACKET, from, user, now);
  }

  private acceptMessage(message: Uint8Array, from: Endpoint, user: User, now: number): boolean {
    const reason = checkMessageBytes(message, this.settings.maxMessageBytes);
    if (reason === undefined) return true;
    const error = messageInvalid(reason);
    this.out.refuse(error.message, from, user, now, error.code);
    return false;
  }
}
