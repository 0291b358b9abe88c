/**
 * Sizes and defaults fixed by the protocol: docs/protocol.md#1-framing (sizes), #3-text
 * (names, messages) and #6-abuse-limits (defaults).
 */

/** OPCODE (1 byte) + LENGTH (2 bytes). */
export const HEADER_BYTES = 3;
/** Largest IPv4 UDP payload. */
export const MAX_DATAGRAM_BYTES = 65_507;
/** Largest DATA, so that header + DATA fits one datagram. */
export const MAX_DATA_BYTES = MAX_DATAGRAM_BYTES - HEADER_BYTES;
export const MIN_NAME_BYTES = 1;
export const MAX_NAME_BYTES = 32;
/** Default message ceiling: a forward (3 + 32 + 1 + 1024 = 1060 bytes) stays under 1,232 bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_024;
/** Largest `maxMessageBytes` a server may be set to: the forward must still fit a datagram. */
export const MAX_MESSAGE_BYTES_CEILING = MAX_DATA_BYTES - MAX_NAME_BYTES - 1;
/** Replies to an endpoint that holds no name never exceed this many bytes. */
export const MAX_UNREGISTERED_REPLY_BYTES = 128;
/** The separator between the parts of a DATA field. */
export const NUL = 0x00;

/** Server defaults, in milliseconds where they are times. */
export const DEFAULTS = {
  port: 9999,
  maxUsers: 10_000,
  maxUsersPerIp: 16,
  registersPerIpPerMinute: 10,
  listIntervalMs: 30_000,
  userTimeoutMs: 90_000,
  keepAliveIntervalMs: 30_000,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  packetsPerSecond: 50,
  packetBurst: 100,
  broadcastsPerSecond: 5,
  broadcastBurst: 20,
  unregisteredRepliesPerSecond: 10,
  unregisteredReplyBytesPerSecond: 2_048,
  exemptNetworks: ["127.0.0.0/8", "::1/128"],
  /** Revision 3: packets per second, and burst, from endpoints with no name, per source IP. */
  namelessPacketsPerSecond: 100,
  namelessPacketBurst: 200,
  /** Revision 3 `auto`: plain REGISTERs are challenged past this many unchecked users ... */
  maxUncheckedUsers: 1_000,
  /** ... or past this many unchecked registrations a second. */
  uncheckedRegistersPerSecond: 20,
  /** Revision 3: what all list pushes together may send, bytes per second (64 Mbit/s). */
  listPushBytesPerSecond: 8_000_000,
} as const;
