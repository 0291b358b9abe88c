import type { ProtocolErrorCode } from "@chat/protocol";
import type { RateLimits } from "./rate-limits.js";
import type { User } from "./registry.js";
import { errorPacket, smallErrorPacket } from "./replies.js";
import type { CoreStats } from "./stats.js";
import type { CoreEvent, Datagram, DropReason, Endpoint } from "./types.js";

const NOTHING: readonly Datagram[] = Object.freeze([]);
const NO_EVENTS: readonly CoreEvent[] = Object.freeze([]);

/** Events kept for the daemon between two `takeEvents` calls; more are counted, not kept. */
export const MAX_PENDING_EVENTS = 65_536;

/**
 * What one call of receive/tick/shutdown sends, plus the events and counters that go
 * with it. Replies to an endpoint that held no name when its packet arrived pass the
 * per-IP reply limit and are at most 128 bytes.
 */
export class Outbox {
  private out: Datagram[] | undefined;
  private events: CoreEvent[] = [];

  constructor(
    private readonly stats: CoreStats,
    private readonly limits: RateLimits,
  ) {}

  send(bytes: Uint8Array, to: readonly Endpoint[]): void {
    if (to.length === 0) return;
    this.stats.datagramsOut += to.length;
    this.stats.bytesOut += bytes.length * to.length;
    if (this.out === undefined) this.out = [{ bytes, to }];
    else this.out.push({ bytes, to });
  }

  /** A reply to the sender of the current packet; `user` is who it was when it arrived. */
  reply(bytes: Uint8Array, from: Endpoint, user: User | undefined, now: number): void {
    if (user !== undefined) this.send(bytes, user.self);
    else if (this.limits.admitUnregisteredReply(from.address, bytes.length, now)) {
      this.send(bytes, [from]);
    } else this.drop(from, "reply-rate-limited");
  }

  /** Answers with ERROR `text`; `packet` may be given when it is pre-encoded. */
  refuse(
    text: string,
    from: Endpoint,
    user: User | undefined,
    now: number,
    code?: ProtocolErrorCode,
    packet?: Uint8Array,
  ): void {
    this.stats.refused++;
    const endpoint = user?.endpoint ?? from;
    this.event(
      code === undefined
        ? { type: "refused", endpoint, reason: text }
        : { type: "refused", endpoint, reason: text, code },
    );
    const bytes = packet ?? (user === undefined ? smallErrorPacket(text) : errorPacket(text));
    this.reply(bytes, from, user, now);
  }

  drop(endpoint: Endpoint, reason: DropReason): void {
    this.stats.drops[reason]++;
    this.event({ type: "dropped", endpoint, reason });
  }

  event(event: CoreEvent): void {
    if (this.events.length >= MAX_PENDING_EVENTS) this.stats.eventsOverflowed++;
    else this.events.push(event);
  }

  /** What was queued since the last flush; the array is the caller's from now on. */
  flush(): readonly Datagram[] {
    const out = this.out;
    this.out = undefined;
    return out ?? NOTHING;
  }

  /** The events since the last call; the array is the caller's. No allocation when none. */
  takeEvents(): readonly CoreEvent[] {
    if (this.events.length === 0) return NO_EVENTS;
    const events = this.events;
    this.events = [];
    return events;
  }
}
