import { DEFAULTS } from "@chat/protocol";

/** The settings the target server runs with, and how hard the kit may push it. */
export interface Settings {
  /** Seconds of silence after which the target removes a user; 0 = never. */
  readonly userTimeoutS: number;
  /** Seconds between the target's LIST_RESPONSE pushes; 0 = never. */
  readonly listIntervalS: number;
  /** The target's `maxMessageBytes`. */
  readonly maxMessageBytes: number;
  /** The target's `maxUsers`. */
  readonly maxUsers: number;
  /** The target's `maxUsersPerIp`. */
  readonly maxUsersPerIp: number;
  /** The target enforces its per-endpoint packet and broadcast limits: run those checks. */
  readonly rateLimited: boolean;
  /** The target's REGISTERs per IP address per minute. */
  readonly registersPerMinute: number;
  /** The target applies its per-IP limits to the tester's address (not exempt): run those checks. */
  readonly perIpLimits: boolean;
  /** The target speaks revision 3's address check: run those checks (not --no-address-check). */
  readonly addressCheck: boolean;
  /** The target runs `--address-check always`: every plain REGISTER is challenged. */
  readonly addressCheckAlways: boolean;
  /** Run slow checks even when the target's timers make them take long. */
  readonly slow: boolean;
  /** How long to wait for one reply, in milliseconds. */
  readonly timeoutMs: number;
  /** How long to wait to be sure that nothing arrives, in milliseconds. */
  readonly silenceMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  userTimeoutS: DEFAULTS.userTimeoutMs / 1000,
  listIntervalS: DEFAULTS.listIntervalMs / 1000,
  maxMessageBytes: DEFAULTS.maxMessageBytes,
  maxUsers: DEFAULTS.maxUsers,
  maxUsersPerIp: DEFAULTS.maxUsersPerIp,
  registersPerMinute: DEFAULTS.registersPerIpPerMinute,
  rateLimited: true,
  perIpLimits: false,
  addressCheck: true,
  addressCheckAlways: false,
  slow: false,
  timeoutMs: 1_000,
  silenceMs: 300,
};

/** A timer up to this many seconds is short enough for its check to run without --slow. */
export const SHORT_TIMER_S = 10;
/** A `maxUsers` up to this many is small enough to fill in a check. */
export const SMALL_MAX_USERS = 64;
