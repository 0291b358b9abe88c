export type { ClusterHost, ClusterLogger, ClusterStats } from "./host.js";
export {
  CLUSTER_DEFAULTS,
  type ClusterOptions,
  checkPrefix,
  redisOptions,
} from "./options.js";
export { RedisDirectory } from "./redis-directory.js";
export { type SharedBan, type SharedBanEvents, SharedBans } from "./shared-bans.js";
export { describeRedisError, RedisWatch, type RedisWatchEvents } from "./watch.js";
