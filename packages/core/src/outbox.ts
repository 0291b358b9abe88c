import type { ProtocolErrorCode } from "@chat/protocol";
import type { RateLimits } from "./rate-limits.js";
import { type Refusal, refusalKind } from "./refusals.js";
import type { User } from "./registry.js";
import { errorPacket, smallErrorPacket } from "./replies.js";
import type { Request } from "./request.js";
import type { Counters } from "./stats.js";
import type { CoreEvent, Datagram, DropReason, Endpoint, RefusalReason } from "./types.js";

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
    private readonly counters: Counters,
    private readonly limits: RateLimits,
  ) {}

  send(bytes: Uint8Array, to: readonly Endpoint[]): void {
    if (to.length === 0) return;
    const counters = this.counters;
    counters.datagramsOut += to.length;
    counters.bytesOut += bytes.length * to.length;
    // Every packet core encodes has its opcode as first byte.
    counters.datagramsOutByOpcode[bytes[0]!]! += to.length;
    counters.bytesOutByOpcode[bytes[0]!]! += bytes.length * to.length;
    if (this.out === undefined) this.out = [{ bytes, to }];
    else this.out.push({ bytes, to });
  }

  /**
   * A reply to the sender of the request; a nameless sender's pass the reply limit, an
   * unchecked user's its 3x budget (revision 3).
   */
  reply(bytes: Uint8Array, req: Request): void {
    const user = req.user;
    if (user !== undefined) {
      if (this.afford(user, bytes.length)) this.send(bytes, user.self);
      else this.drop(user.endpoint, "reply-budget");
    } else if (this.limits.admitUnregisteredReply(req.from.address, bytes.length, req.now)) {
      this.send(bytes, [req.from]);
    } else this.drop(req.from, "reply-rate-limited");
  }

  /** Answers with a fixed refusal, its packet encoded once. */
  refuse(refusal: Refusal, req: Request): void {
    if (refusal.drop !== undefined) this.counters.drops[refusal.drop]++;
    this.refused(refusal.text, refusal.code, refusal.kind, req);
    this.reply(req.user === undefined ? refusal.smallPacket : refusal.packet, req);
  }

  /** Answers with an ERROR whose text is made for this request (a name, a reason). */
  refuseWith(refusal: { readonly text: string; readonly code?: ProtocolErrorCode }, req: Request) {
    this.refused(refusal.text, refusal.code, refusalKind(refusal.text), req);
    const text = refusal.text;
    this.reply(req.user === undefined ? smallErrorPacket(text) : errorPacket(text), req);
  }

  /**
   * Takes `bytes` from an unchecked user's budget (what it sent, times three) if it holds
   * that much; a checked or trusted user's budget is Infinity.
   */
  afford(user: User, bytes: number): boolean {
    if (user.replyBudget === Infinity) return true;
    if (user.replyBudget < bytes) return false;
    user.replyBudget -= bytes;
    return true;
  }

  drop(endpoint: Endpoint, reason: DropReason): void {
    this.counters.drops[reason]++;
    this.event({ type: "dropped", endpoint, reason });
  }

  event(event: CoreEvent): void {
    if (this.events.length >= MAX_PENDING_EVENTS) this.counters.eventsOverflowed++;
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

  private refused(
    reason: string,
    code: ProtocolErrorCode | undefined,
    kind: RefusalReason,
    req: Request,
  ): void {
    this.counters.refused++;
    this.counters.refusedByReason[kind]++;
    const endpoint = req.user?.endpoint ?? req.from;
    this.event(
      code === undefined
        ? { type: "refused", endpoint, reason, kind }
        : { type: "refused", endpoint, reason, kind, code },
    );
  }
}
