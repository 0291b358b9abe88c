import {
  DEFAULTS,
  HEADER_BYTES,
  MAX_MESSAGE_BYTES_CEILING,
  MAX_UNREGISTERED_REPLY_BYTES,
} from "@chat/protocol";
import { parseNetwork } from "./cidr.js";

/** Everything a ChatServer can be tuned with. Times are milliseconds; 0 turns a timer off. */
export interface ServerSettings {
  /** Shown in INFO_RESPONSE as `<serverName>/<version>`. */
  serverName: string;
  version: string;
  maxUsers: number;
  /** Names per source IP address (IPv6 counted per /64). */
  maxUsersPerIp: number;
  registersPerIpPerMinute: number;
  /** A user silent this long is removed; 0 = never. */
  userTimeoutMs: number;
  /** LIST_RESPONSE push to every user; 0 = never. */
  listIntervalMs: number;
  maxMessageBytes: number;
  /** false turns off EVERY rate and per-IP limit (for benchmarks). */
  rateLimit: boolean;
  packetsPerSecond: number;
  packetBurst: number;
  broadcastsPerSecond: number;
  broadcastBurst: number;
  /** Replies per second to endpoints that hold no name, per source IP. */
  unregisteredRepliesPerSecond: number;
  unregisteredReplyBytesPerSecond: number;
  /** CIDRs exempt from the per-IP limits (never from the per-endpoint ones). */
  exemptNetworks: readonly string[];
  /** Bound on per-endpoint and per-IP limiter entries; the least recently used go first. */
  maxTrackedAddresses: number;
  /** Revision 3: when a plain REGISTER must first pass the address check. */
  addressCheck: AddressCheckMode;
  /** `auto` challenges plain REGISTERs while this many unchecked users are held ... */
  addressCheckMaxUnchecked: number;
  /** ... or while more than this many unchecked users arrived in the last second. */
  addressCheckUncheckedPerSecond: number;
  /** Packets per second (and burst) from endpoints with no name, per source IP. */
  namelessPacketsPerSecond: number;
  namelessPacketBurst: number;
  /** What all list pushes together may send per second; a larger push stretches the interval. */
  listPushBytesPerSecond: number;
}

/** `auto` challenges plain REGISTERs under pressure only; `always` every one; `off` none. */
export type AddressCheckMode = "auto" | "always" | "off";
const ADDRESS_CHECK_MODES: readonly string[] = ["auto", "always", "off"];

/** The version INFO_RESPONSE reports when the caller does not pass its own. */
export const CORE_VERSION = "0.2.0";

export const SERVER_DEFAULTS: Readonly<ServerSettings> = Object.freeze({
  serverName: "chat-server",
  version: CORE_VERSION,
  maxUsers: DEFAULTS.maxUsers,
  maxUsersPerIp: DEFAULTS.maxUsersPerIp,
  registersPerIpPerMinute: DEFAULTS.registersPerIpPerMinute,
  userTimeoutMs: DEFAULTS.userTimeoutMs,
  listIntervalMs: DEFAULTS.listIntervalMs,
  maxMessageBytes: DEFAULTS.maxMessageBytes,
  rateLimit: true,
  packetsPerSecond: DEFAULTS.packetsPerSecond,
  packetBurst: DEFAULTS.packetBurst,
  broadcastsPerSecond: DEFAULTS.broadcastsPerSecond,
  broadcastBurst: DEFAULTS.broadcastBurst,
  unregisteredRepliesPerSecond: DEFAULTS.unregisteredRepliesPerSecond,
  unregisteredReplyBytesPerSecond: DEFAULTS.unregisteredReplyBytesPerSecond,
  exemptNetworks: Object.freeze([...DEFAULTS.exemptNetworks]),
  maxTrackedAddresses: 100_000,
  addressCheck: "auto",
  addressCheckMaxUnchecked: defaultMaxUnchecked(DEFAULTS.maxUsers),
  addressCheckUncheckedPerSecond: DEFAULTS.uncheckedRegistersPerSecond,
  namelessPacketsPerSecond: DEFAULTS.namelessPacketsPerSecond,
  namelessPacketBurst: DEFAULTS.namelessPacketBurst,
  listPushBytesPerSecond: DEFAULTS.listPushBytesPerSecond,
});

/** At most a tenth of the server, and never more than 1,000, may be plain RFC users in `auto`. */
export function defaultMaxUnchecked(maxUsers: number): number {
  return Math.max(1, Math.min(DEFAULTS.maxUncheckedUsers, Math.floor(maxUsers / 10)));
}

// serverName + version must keep INFO_RESPONSE (3 + 20-byte date + space + name/version)
// within the 128 bytes allowed to an endpoint that holds no name.
const MAX_SERVER_NAME_BYTES = 48;
const MAX_VERSION_BYTES = 32;
const PRINTABLE_TOKEN = /^[^\p{Cc}\p{Cf}\p{White_Space}/\uFFFD]+$/u;

type Key = keyof ServerSettings;
const KEYS = new Set<string>(Object.keys(SERVER_DEFAULTS));

/**
 * Fills every missing setting from the protocol defaults and checks every value.
 * Throws a RangeError with a one-line message naming the setting.
 */
export function resolveSettings(partial: Partial<ServerSettings> = {}): ServerSettings {
  for (const key of Object.keys(partial)) {
    if (!KEYS.has(key)) throw new RangeError(`unknown setting "${key}"`);
  }
  const s: ServerSettings = { ...SERVER_DEFAULTS };
  for (const key of Object.keys(partial) as Key[]) {
    const value = partial[key];
    if (value !== undefined) (s as unknown as Record<Key, unknown>)[key] = value;
  }
  if (partial.addressCheckMaxUnchecked === undefined && typeof s.maxUsers === "number") {
    s.addressCheckMaxUnchecked = defaultMaxUnchecked(s.maxUsers);
  }
  token(s, "serverName", MAX_SERVER_NAME_BYTES);
  token(s, "version", MAX_VERSION_BYTES);
  whole(s, "maxUsers", 1);
  whole(s, "maxUsersPerIp", 1);
  whole(s, "registersPerIpPerMinute", 1);
  whole(s, "userTimeoutMs", 0);
  whole(s, "listIntervalMs", 0);
  whole(s, "maxMessageBytes", 1, MAX_MESSAGE_BYTES_CEILING);
  if (typeof s.rateLimit !== "boolean") throw new RangeError("rateLimit must be true or false");
  positive(s, "packetsPerSecond");
  whole(s, "packetBurst", 1);
  positive(s, "broadcastsPerSecond");
  whole(s, "broadcastBurst", 1);
  positive(s, "unregisteredRepliesPerSecond");
  // A budget smaller than the largest reply would silence those replies for good.
  whole(s, "unregisteredReplyBytesPerSecond", MAX_UNREGISTERED_REPLY_BYTES);
  whole(s, "maxTrackedAddresses", 1);
  if (!ADDRESS_CHECK_MODES.includes(s.addressCheck)) {
    throw new RangeError("addressCheck must be auto, always or off");
  }
  whole(s, "addressCheckMaxUnchecked", 0);
  positive(s, "addressCheckUncheckedPerSecond");
  positive(s, "namelessPacketsPerSecond");
  whole(s, "namelessPacketBurst", 1);
  whole(s, "listPushBytesPerSecond", 1);
  if (!Array.isArray(s.exemptNetworks)) {
    throw new RangeError("exemptNetworks must be a list of CIDR networks");
  }
  for (const network of s.exemptNetworks) {
    if (typeof network !== "string" || parseNetwork(network) === undefined) {
      throw new RangeError(`exemptNetworks: ${JSON.stringify(network)} is not a CIDR network`);
    }
  }
  s.exemptNetworks = Object.freeze([...s.exemptNetworks]);
  return Object.freeze(s);
}

function whole(s: ServerSettings, key: Key, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const value = s[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${key} must be a whole number ${range}`);
  }
}

function positive(s: ServerSettings, key: Key): void {
  const value = s[key];
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${key} must be a number > 0`);
  }
}

function token(s: ServerSettings, key: Key, maxBytes: number): void {
  const value = s[key];
  if (
    typeof value !== "string" ||
    !value.isWellFormed() ||
    !PRINTABLE_TOKEN.test(value) ||
    Buffer.byteLength(value, "utf8") > maxBytes
  ) {
    throw new RangeError(
      `${key} must be 1 to ${maxBytes} bytes of printable text without spaces or "/"`,
    );
  }
}

/** The largest INFO_RESPONSE the settings allow; checked against the unregistered cap. */
export const MAX_INFO_RESPONSE_BYTES =
  HEADER_BYTES + 20 + 1 + MAX_SERVER_NAME_BYTES + 1 + MAX_VERSION_BYTES;
