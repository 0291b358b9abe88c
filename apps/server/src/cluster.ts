import { RedisDirectory } from "@chat/cluster-redis";
import type { DaemonConfig } from "./config.js";
import type { Logger } from "./logger.js";

/** Cluster mode's directory when `--cluster` is set; undefined runs one process alone. */
export function clusterDirectory(config: DaemonConfig, logger: Logger): RedisDirectory | undefined {
  if (config.cluster === undefined) return undefined;
  return new RedisDirectory({
    url: config.cluster,
    prefix: config.clusterPrefix,
    maxUsers: config.settings.maxUsers,
    logger: logger.child({ component: "cluster" }),
  });
}
