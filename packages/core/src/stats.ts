import { type DropReason, REFUSAL_REASONS, type RefusalReason } from "./types.js";

/** Counters since the server was made. Outgoing figures count recipients, not packets. */
export interface CoreStats {
  /** Users registered now. */
  users: number;
  packetsIn: number;
  bytesIn: number;
  /**
   * The same four figures by opcode: index n counts datagrams whose first byte is n, index
   * 256 (NO_OPCODE) the empty ones. Indexed by the raw byte, so counting costs no lookup.
   */
  datagramsInByOpcode: Float64Array;
  bytesInByOpcode: Float64Array;
  datagramsOutByOpcode: Float64Array;
  bytesOutByOpcode: Float64Array;
  /** Datagrams handed out, one per recipient (a broadcast to 10,000 users counts 10,000). */
  datagramsOut: number;
  /** Bytes handed out, per recipient. */
  bytesOut: number;
  /** Per reason: packets refused or dropped. */
  drops: Record<DropReason, number>;
  /** `drops.malformed`, kept as its own field for the stats line. */
  malformed: number;
  /** `drops["rate-limited"]`, kept as its own field for the stats line. */
  rateLimited: number;
  /** ERRORs decided (sent, or suppressed by the reply limit). */
  refused: number;
  /** The same, by the kind of their text. */
  refusedByReason: Record<RefusalReason, number>;
  registered: number;
  loggedOut: number;
  expired: number;
  /** Users the operator removed (kick, or a ban that matched them). */
  removed: number;
  broadcasts: number;
  privates: number;
  listPushes: number;
  /** Events dropped because the daemon had not drained `takeEvents` for too long. */
  eventsOverflowed: number;
  /** Revision 3: challenges (ERROR `address check: <token>`) decided. */
  challenges: number;
  /** REGISTERs whose cookie was a valid token, and those whose cookie was not. */
  tokensAccepted: number;
  tokensRefused: number;
  /** Users held now that registered with a token, and plain ones (exempt included). */
  checkedUsers: number;
  uncheckedUsers: number;
  /** List pushes that came later than listInterval because the push budget ran short. */
  listPushesStretched: number;
  /** The list-push interval in force, ms: listIntervalMs, or longer while pushes are stretched. */
  listIntervalEffectiveMs: number;
  /** Limiter entries held now (bounded by maxTrackedAddresses each). */
  trackedEndpoints: number;
  trackedAddresses: number;
}

/** The counters core bumps; the rest of CoreStats is read off its state or the drops. */
export type Counters = Omit<
  CoreStats,
  | "users"
  | "trackedEndpoints"
  | "trackedAddresses"
  | "malformed"
  | "rateLimited"
  | "checkedUsers"
  | "uncheckedUsers"
>;

/** The by-opcode index of an empty datagram (which has no opcode). */
export const NO_OPCODE = 256;
const byOpcode = () => new Float64Array(NO_OPCODE + 1);

export function emptyCounters(): Counters {
  return {
    packetsIn: 0,
    bytesIn: 0,
    datagramsInByOpcode: byOpcode(),
    bytesInByOpcode: byOpcode(),
    datagramsOutByOpcode: byOpcode(),
    bytesOutByOpcode: byOpcode(),
    datagramsOut: 0,
    bytesOut: 0,
    drops: {
      malformed: 0,
      "unknown-opcode": 0,
      "server-opcode": 0,
      "rate-limited": 0,
      "reply-rate-limited": 0,
      "not-registered": 0,
      "reply-budget": 0,
      "bad-token": 0,
      "nameless-rate-limited": 0,
      banned: 0,
    },
    refused: 0,
    refusedByReason: Object.fromEntries(REFUSAL_REASONS.map((kind) => [kind, 0])) as Record<
      RefusalReason,
      number
    >,
    registered: 0,
    loggedOut: 0,
    expired: 0,
    removed: 0,
    broadcasts: 0,
    privates: 0,
    listPushes: 0,
    eventsOverflowed: 0,
    challenges: 0,
    tokensAccepted: 0,
    tokensRefused: 0,
    listPushesStretched: 0,
    listIntervalEffectiveMs: 0,
  };
}
