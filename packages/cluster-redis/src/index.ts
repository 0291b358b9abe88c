export {
  CLUSTER_DEFAULTS,
  type ClusterOptions,
  checkPrefix,
  foldedClaimKey,
  redisOptions,
} from "./options.js";
export {
  type ClusterHost,
  type ClusterLogger,
  type ClusterStats,
  RedisDirectory,
} from "./redis-directory.js";
