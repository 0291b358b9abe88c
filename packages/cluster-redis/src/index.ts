export {
  CLUSTER_DEFAULTS,
  type ClusterOptions,
  checkPrefix,
  redisOptions,
  skeletonClaimKey,
} from "./options.js";
export {
  type ClusterHost,
  type ClusterLogger,
  type ClusterStats,
  RedisDirectory,
} from "./redis-directory.js";
