// The public API: the sans-IO server, its settings, the directory a cluster plugs in, and the
// types of what goes in and out.
export { ChatServer, type ChatServerOptions } from "./chat-server.js";
export { type DenyEntry, DenyEntryError, DenyList, parseDenyEntry } from "./deny-list.js";
export type {
  Claim,
  ClaimOutcome,
  Directory,
  PrivateOutcome,
  RemotePrivate,
} from "./directory.js";
export {
  defaultMaxUnchecked,
  resolveSettings,
  SERVER_DEFAULTS,
  type ServerSettings,
} from "./settings.js";
export { type CoreStats, NO_OPCODE } from "./stats.js";
export {
  type CoreEvent,
  type Datagram,
  type DropReason,
  type Endpoint,
  REFUSAL_REASONS,
  type RefusalReason,
} from "./types.js";
