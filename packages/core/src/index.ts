export { ChatServer, type ChatServerOptions } from "./chat-server.js";
export { type Network, NetworkList, networkContains, parseNetwork } from "./cidr.js";
export type {
  Claim,
  ClaimOutcome,
  Directory,
  PrivateOutcome,
  RemotePrivate,
} from "./directory.js";
export { infoText } from "./info.js";
export { addressGroupKey, parseIp } from "./ip-address.js";
export { buildListPackets } from "./list-cache.js";
export { MAX_PENDING_EVENTS } from "./outbox.js";
export { RATE_LIMITED_NOTICE_MS } from "./rate-limits.js";
export { endpointKey } from "./registry.js";
export { truncateUtf8 } from "./replies.js";
export { CORE_VERSION, resolveSettings, SERVER_DEFAULTS, type ServerSettings } from "./settings.js";
export { type CoreStats, NO_OPCODE } from "./stats.js";
export { type BucketSpec, TokenBucket } from "./token-bucket.js";
export type { CoreEvent, Datagram, DropReason, Endpoint } from "./types.js";
