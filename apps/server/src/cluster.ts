import { randomBytes } from "node:crypto";
import type { RedisDirectory } from "@chat/cluster-redis";
import type { DaemonConfig } from "./config.js";
import type { Logger } from "./logger.js";

/** Cluster mode's directory when `--cluster` is set; undefined runs one process alone. */
export async function clusterDirectory(
  config: DaemonConfig,
  logger: Logger,
): Promise<RedisDirectory | undefined> {
  if (config.cluster === undefined) return undefined;
  // Loaded only in cluster mode: ioredis takes a lone server ~0.1 s of CPU to load.
  const { RedisDirectory } = await import("@chat/cluster-redis");
  return new RedisDirectory({
    url: config.cluster,
    // Readable in the logs of the other nodes (a reaped peer), unique per process life.
    ...(config.nodeName === undefined
      ? {}
      : { nodeId: `${config.nodeName}-${randomBytes(3).toString("hex")}` }),
    prefix: config.clusterPrefix,
    maxUsers: config.settings.maxUsers,
    logger: logger.child({ component: "cluster" }),
  });
}
