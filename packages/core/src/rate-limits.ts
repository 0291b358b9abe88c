import { NetworkList } from "./cidr.js";
import { IdleMap } from "./idle-map.js";
import { groupKeyOf, parseIp } from "./ip-address.js";
import type { ServerSettings } from "./settings.js";
import { type BucketSpec, refillMs, TokenBucket } from "./token-bucket.js";

/** At most one ERROR "rate limited" per this many milliseconds per endpoint. */
export const RATE_LIMITED_NOTICE_MS = 1_000;

/** What to do with a packet over its endpoint's limit. */
export const Verdict = {
  Admit: 0,
  /** Drop it silently. */
  Drop: 1,
  /** Drop it and tell the sender "rate limited" (at most once a second). */
  DropAndNotify: 2,
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

interface EndpointState {
  readonly packets: TokenBucket;
  /** Created on the endpoint's first BROADCAST: most endpoints never send one. */
  broadcasts: TokenBucket | undefined;
  lastNoticeAt: number;
}

interface AddressState {
  readonly replies: TokenBucket;
  readonly replyBytes: TokenBucket;
  /** REGISTERs of checked names and of plain ones, apart (revision 3). */
  registers: TokenBucket | undefined;
  plainRegisters: TokenBucket | undefined;
  /** Packets from endpoints with no name (revision 3). */
  nameless: TokenBucket | undefined;
}

/**
 * Every rate limit of docs/protocol.md#6-abuse-limits, with bounded state: per endpoint (packets,
 * broadcasts) and per address group (replies to nameless endpoints, REGISTERs). State
 * lives in IdleMaps, so a flood of distinct sources evicts the least recently used entries
 * instead of growing memory; an entry idle long enough to be full again is dropped by
 * `sweep` with no change in behaviour.
 */
export class RateLimits {
  readonly enabled: boolean;
  private readonly exempt: NetworkList;
  private readonly endpoints: IdleMap<EndpointState>;
  private readonly addresses: IdleMap<AddressState>;
  private readonly broadcastSpec: BucketSpec;
  private readonly registerSpec: BucketSpec;
  private readonly namelessSpec: BucketSpec;
  /** isExempt's last question and answer. */
  private lastAddress = "";
  private lastExempt = false;

  constructor(settings: ServerSettings) {
    this.enabled = settings.rateLimit;
    this.exempt = new NetworkList(settings.exemptNetworks);
    const packetSpec = { perSecond: settings.packetsPerSecond, burst: settings.packetBurst };
    this.broadcastSpec = {
      perSecond: settings.broadcastsPerSecond,
      burst: settings.broadcastBurst,
    };
    const replySpec = {
      perSecond: settings.unregisteredRepliesPerSecond,
      burst: Math.max(1, settings.unregisteredRepliesPerSecond),
    };
    const replyBytesSpec = {
      perSecond: settings.unregisteredReplyBytesPerSecond,
      burst: settings.unregisteredReplyBytesPerSecond,
    };
    this.registerSpec = {
      perSecond: settings.registersPerIpPerMinute / 60,
      burst: settings.registersPerIpPerMinute,
    };
    const endpointIdleMs = Math.max(
      refillMs(packetSpec),
      refillMs(this.broadcastSpec),
      RATE_LIMITED_NOTICE_MS,
    );
    this.namelessSpec = {
      perSecond: settings.namelessPacketsPerSecond,
      burst: settings.namelessPacketBurst,
    };
    const addressIdleMs = Math.max(
      refillMs(replySpec),
      refillMs(replyBytesSpec),
      refillMs(this.registerSpec),
      refillMs(this.namelessSpec),
    );
    this.endpoints = new IdleMap(settings.maxTrackedAddresses, endpointIdleMs, (now) => ({
      packets: new TokenBucket(packetSpec, now),
      broadcasts: undefined,
      lastNoticeAt: Number.NEGATIVE_INFINITY,
    }));
    this.addresses = new IdleMap(settings.maxTrackedAddresses, addressIdleMs, (now) => ({
      replies: new TokenBucket(replySpec, now),
      replyBytes: new TokenBucket(replyBytesSpec, now),
      registers: undefined,
      plainRegisters: undefined,
      nameless: undefined,
    }));
  }

  /** The per-endpoint packet limit, applied to every datagram before anything else. */
  admitPacket(endpointKey: string, now: number): Verdict {
    if (!this.enabled) return Verdict.Admit;
    const state = this.endpoints.use(endpointKey, now);
    if (state.packets.take(now)) return Verdict.Admit;
    return this.overLimit(state, now);
  }

  /** The stricter limit on BROADCAST, on top of the packet limit. */
  admitBroadcast(endpointKey: string, now: number): Verdict {
    if (!this.enabled) return Verdict.Admit;
    const state = this.endpoints.use(endpointKey, now);
    state.broadcasts ??= new TokenBucket(this.broadcastSpec, now);
    if (state.broadcasts.take(now)) return Verdict.Admit;
    return this.overLimit(state, now);
  }

  /** Whether a reply of `bytes` may go to a nameless endpoint at `address`. */
  admitUnregisteredReply(address: string, bytes: number, now: number): boolean {
    if (!this.enabled) return true;
    const ip = parseIp(address);
    if (ip !== undefined && this.exempt.containsBytes(ip)) return true;
    const state = this.addresses.use(ip === undefined ? address : groupKeyOf(ip), now);
    // Check both before taking from either, so a refusal costs no budget.
    if (state.replies.available(now) < 1 || state.replyBytes.available(now) < bytes) return false;
    state.replies.take(now);
    state.replyBytes.take(now, bytes);
    return true;
  }

  /** Whether `address` (not exempt) is subject to the per-IP limits. */
  limitsAddress(address: string): boolean {
    return this.enabled && !this.isExempt(address);
  }

  /**
   * Takes one REGISTER from the address group's per-minute budget; false when spent. Plain
   * REGISTERs have a budget of their own, so forged ones cannot spend a checked user's.
   */
  admitRegister(groupKey: string, checked: boolean, now: number): boolean {
    const state = this.addresses.use(groupKey, now);
    if (checked) {
      state.registers ??= new TokenBucket(this.registerSpec, now);
      return state.registers.take(now);
    }
    state.plainRegisters ??= new TokenBucket(this.registerSpec, now);
    return state.plainRegisters.take(now);
  }

  /**
   * The per-IP limit on packets from endpoints that hold no name (revision 3): a sweep of
   * forged packets over every port of one address takes minutes, not seconds.
   */
  admitNameless(address: string, now: number): boolean {
    if (!this.enabled) return true;
    const ip = parseIp(address);
    if (ip !== undefined && this.exempt.containsBytes(ip)) return true;
    const state = this.addresses.use(ip === undefined ? address : groupKeyOf(ip), now);
    state.nameless ??= new TokenBucket(this.namelessSpec, now);
    return state.nameless.take(now);
  }

  /**
   * Whether `address` is in an exempt network (trusted by the address check too). The last
   * answer is kept: a burst of REGISTERs comes from few addresses (one NAT, one host), so
   * most cost a string compare instead of an address parse.
   */
  isExempt(address: string): boolean {
    if (address !== this.lastAddress) {
      this.lastAddress = address;
      this.lastExempt = this.exempt.contains(address);
    }
    return this.lastExempt;
  }

  /** Drops limiter state idle long enough to be full again. */
  sweep(now: number): void {
    this.endpoints.sweep(now);
    this.addresses.sweep(now);
  }

  nextSweepAt(): number | undefined {
    const a = this.endpoints.nextIdleAt();
    const b = this.addresses.nextIdleAt();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  get trackedEndpoints(): number {
    return this.endpoints.size;
  }

  get trackedAddresses(): number {
    return this.addresses.size;
  }

  private overLimit(state: EndpointState, now: number): Verdict {
    if (now - state.lastNoticeAt < RATE_LIMITED_NOTICE_MS) return Verdict.Drop;
    state.lastNoticeAt = now;
    return Verdict.DropAndNotify;
  }
}
